import './route-config.js'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Metrics } from '../metrics.js'
import {
  HTTP_ERRORS,
  BadRequest,
  HeadersTooLarge,
  RequestTimeout,
  BodyTooLarge,
  InternalError,
  InvalidBatch,
  InvalidBody,
  InvalidJson,
  InvalidParameter,
  InvalidUrl,
  NotFound,
  UnsupportedMediaType,
  UriTooLong,
} from '../errors.js'

/** @fastify/error upper-cases codes; the wire carries them lower-case, as docs/errors.md lists them. */
const OWN_CODES = new Set<string>(HTTP_ERRORS.map((E) => new E().code))

/**
 * The longest path parameter the router accepts: a 128-character `userId` (SPEC §2) may arrive
 * percent-encoded at up to 3 bytes per character (384), with room to spare. Longer → 414.
 */
export const MAX_PARAM_LENGTH = 512

/** The error body of SPEC §2. */
const body = (err: FastifyError) => ({ error: { code: err.code.toLowerCase(), message: err.message } })

/**
 * The one place that shapes errors: `{"error":{"code","message"}}` with a stable code
 * (docs/errors.md). Fastify's own errors are translated to ours; 429/503 carry Retry-After.
 */
export function registerErrorHandler(app: FastifyInstance, bodyLimit: number, guard: Guard = async () => null): void {
  app.setNotFoundHandler(async (request) => {
    throw (await guard(request)) ?? new NotFound(request.method, request.url.split('?')[0])
  })

  app.setErrorHandler((raw: FastifyError, request, reply) => {
    // a route may have its own body limit (the Segment endpoint: 500 KB)
    const err = translate(raw, request, request.routeOptions.bodyLimit ?? bodyLimit)
    const status = err.statusCode ?? 500
    if (status >= 500 && err.code !== 'OVERLOADED' && err.code !== 'NOT_READY') request.log.error({ err: raw }, 'request failed')
    if (status === 503 || status === 429) reply.header('retry-after', String((err as { retryAfter?: number }).retryAfter ?? 1))
    app.trackway?.metrics.inc('trackway_http_errors_total', 1, { code: err.code.toLowerCase() })
    return reply.status(status).send(body(err))
  })
}

/**
 * Fastify's `frameworkErrors`: what the router rejects before any route, hook or error handler
 * runs — a path that is not valid percent-encoding (`/dashboard/%zz`), a parameter longer than
 * MAX_PARAM_LENGTH. `guard` runs first so a protected path still answers 401 to a caller without
 * a token (auth before anything else, SPEC §6).
 */
export function frameworkErrors(guard: Guard) {
  return (raw: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const own = () =>
      raw.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new UriTooLong(String(MAX_PARAM_LENGTH))
        : raw.code === 'FST_ERR_BAD_URL'
          ? new InvalidUrl('not valid percent-encoding')
          : new BadRequest(raw.message)
    const send = (err: FastifyError) =>
      reply
        .status(err.statusCode ?? 400)
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(JSON.stringify(body(err)))
    guard(request).then(
      (denied) => send(denied ?? own()),
      () => send(own()),
    )
  }
}

/** A check that runs before an answer given without a route: the error to answer instead (401), or null. */
export type Guard = (request: FastifyRequest) => Promise<FastifyError | null>

function translate(err: FastifyError, request: FastifyRequest, bodyLimit: number): FastifyError {
  const config = request.routeOptions.config
  if (err.validation) {
    const v = err.validation[0]
    if (err.validationContext === 'body') {
      const extra = (v?.params as { additionalProperty?: string } | undefined)?.additionalProperty
      const detail = extra
        ? `unknown field "${extra}"`
        : `${v?.instancePath ? `"${v.instancePath.slice(1)}" ` : ''}${v?.message ?? 'is invalid'}`
      return config?.bodyErrorCode === 'invalid_batch' ? new InvalidBatch(detail) : new InvalidBody(detail)
    }
    const p = v?.params as { missingProperty?: string; additionalProperty?: string } | undefined
    const param = p?.missingProperty ?? p?.additionalProperty ?? (v?.instancePath.replace(/^\//, '') || 'request')
    if (p?.additionalProperty) return new InvalidParameter(param, 'is not a parameter of this route')
    return new InvalidParameter(param, v?.message ?? 'is invalid')
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyTooLarge(String(bodyLimit))
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(err.message.replace(/^Unsupported Media Type:?\s*/i, '') || 'none')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidJson('empty or truncated body')
  }
  if (OWN_CODES.has(err.code)) return err
  return byStatus(err, request)
}

/**
 * Client errors of libraries (the static file server's 403 for `..` or a NUL byte, 400 for a bad
 * path, 416 for an unsatisfiable range; Fastify's own FST_ERR_* 4xx) as one of our codes: never a
 * 500 for bad input. A path the static server refuses is, to the caller, a file that is not there.
 */
function byStatus(err: FastifyError, request: FastifyRequest): FastifyError {
  const status = err.statusCode ?? (err as { status?: number }).status ?? 500
  if (status >= 500 || status < 400) return new InternalError()
  if (status === 403 || status === 404 || status === 405) return new NotFound(request.method, request.url.split('?')[0])
  if (status === 413) return new BodyTooLarge('the limit')
  if (status === 414) return new UriTooLong(String(MAX_PARAM_LENGTH))
  if (status === 415) return new UnsupportedMediaType(err.message)
  return new BadRequest(err.message || 'malformed request')
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects before Fastify sees a request
 * (not HTTP, a malformed header, headers over Node's 16 KB, a request that never finished), answered
 * in the SPEC shape on the raw socket, which is then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex, metrics?: Metrics): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const answer =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new HeadersTooLarge(String(maxHeaderSize))
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new RequestTimeout()
        : new BadRequest(err.code === undefined ? 'not a valid HTTP request' : `not a valid HTTP request (${err.code})`)
  metrics?.inc('trackway_http_errors_total', 1, { code: answer.code.toLowerCase() })
  const json = JSON.stringify(body(answer))
  socket.end(
    `HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode] ?? 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  )
}
