import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import './route-config.js'
import { BodyTooLarge, InvalidGzip, InvalidJson, UnsupportedEncoding, UnsupportedMediaType } from '../errors.js'

const gunzipAsync = promisify(gunzip)

/**
 * JSON bodies as `application/json` or `text/plain` (what `navigator.sendBeacon` sends with a
 * string or text Blob, and what avoids a CORS preflight), optionally gzip-encoded.
 * The body limit applies twice: to the bytes received (Fastify's bodyLimit) and to the
 * decompressed size (`maxOutputLength`), so a gzip bomb stops at the limit, not in memory.
 */
export function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
      // a route's own limit (the Segment endpoint's 500 KiB) caps the inflated size too
      decode(request, body, request.routeOptions.bodyLimit ?? bodyLimit).then(
        (text) => {
          try {
            done(null, JSON.parse(text))
          } catch (err) {
            done(new InvalidJson((err as Error).message))
          }
        },
        (err: Error) => done(err),
      )
    },
  )
  // CSV uploads (ad spend exports): the text, parsed by the route that takes it; a route that
  // takes no CSV (its config has no `csv: true`) answers 415 as for any other type.
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
      if (!request.routeOptions.config?.csv) return done(new UnsupportedMediaType('text/csv'))
      decode(request, body, bodyLimit).then((text) => done(null, text), (err: Error) => done(err))
    },
  )
}

async function decode(request: FastifyRequest, body: Buffer, limit: number): Promise<string> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return body.toString('utf8')
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new UnsupportedEncoding(encoding)
  try {
    return (await gunzipAsync(body, { maxOutputLength: limit })).toString('utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge(String(limit))
    throw new InvalidGzip((err as Error).message)
  }
}
