import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { clientErrorHandler } from '../src/http/error-handler.js'
import { makeApp, tempDir } from './fixtures/helpers.js'
import { listen } from './fixtures/raw-http.js'

/*
 * What Node's HTTP parser rejects before Fastify sees a request, against a real collector on
 * loopback: answered in SPEC §2's shape with a documented code, the connection closed, nothing stored.
 */

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance
let port: number

beforeEach(async () => {
  dir = await tempDir()
  app = await makeApp(join(dir.dir, 't.duckdb'))
  port = await listen(app)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const stored = () => app.trackway.store.log.count('shop')

/** Writes `data` on a new socket and reads until the server closes it. */
const rawSocket = (data: string) =>
  new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let out = ''
    s.on('data', (d) => (out += d.toString('utf8')))
    s.on('close', () => resolve(out))
    s.on('error', reject)
    s.write(data)
  })
const parsed = (text: string) => {
  const [head = '', json = ''] = text.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), head, body: JSON.parse(json) as { error: { code: string; message: string } } }
}

describe('requests Node\'s HTTP parser rejects', () => {
  it('answers what is not HTTP, a malformed header and a bad Content-Length with 400 bad_request in the SPEC shape, and closes', async () => {
    for (const data of [
      'GARBAGE\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n',
      'POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ]) {
      const r = parsed(await rawSocket(data))
      expect(r.status, data).toBe(400)
      expect(r.body.error.code).toBe('bad_request')
      expect(r.head).toMatch(/\r\nConnection: close\r\n/i)
    }
    expect(await stored()).toBe(0)
  })

  it('answers headers over 16 KB with 431 headers_too_large', async () => {
    const r = parsed(await rawSocket(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`))
    expect(r.status).toBe(431)
    expect(r.body.error.code).toBe('headers_too_large')
    expect(app.trackway.metrics.get('trackway_http_errors_total', { code: 'headers_too_large' })).toBe(1)
  })

  it('answers a request that does not arrive in time with 408 request_timeout', async () => {
    const socket = new PassThrough()
    let written = ''
    socket.on('data', (d: Buffer) => (written += d.toString('utf8')))
    clientErrorHandler(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket)
    await new Promise((r) => setImmediate(r))
    const r = parsed(written)
    expect(r.status).toBe(408)
    expect(r.body.error.code).toBe('request_timeout')
  })
})
