import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { gzipSync } from 'node:zlib'
import { DESKTOP_UA, ORIGIN, TOKEN, event, makeApp, tempDir } from './fixtures/helpers.js'
import { HOSTILE_STRINGS } from './fixtures/hostile.js'
import { DOCUMENTED_CODES } from './fixtures/raw-http.js'
import { prng } from './fixtures/rows.js'

/*
 * Generated hostile requests against every route (a seeded PRNG: the same run every time): odd
 * methods, paths, parameters, bodies, content types and encodings, with and without a token.
 * Every answer is below 500, every error is in SPEC §2's shape with a documented code, and the log
 * holds exactly the valid events that were sent, each once.
 */

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance
beforeAll(async () => {
  dir = await tempDir()
  app = await makeApp(join(dir.dir, 't.duckdb'), { logLevel: 'silent' })
})
afterAll(async () => {
  await app.close()
  await dir.cleanup()
})

/** 3,000 in every run; `TRACKWAY_SWEEP_REQUESTS=15000 npx vitest run test/hostile-sweep…` for a longer sweep. */
const SWEEP_REQUESTS = Number(process.env.TRACKWAY_SWEEP_REQUESTS ?? 3000)
const r = prng(13)
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

const JUNK = [
  ...HOSTILE_STRINGS, '%', '%zz', '%c0%af', '%00', '..', '../..', '..%2f..%2f', '..%5c', '.%2e', '%2e%2e', 'a'.repeat(600), 'é', '%E2%80%AE', '?', '#', ';', '\\',
  '2026-13-01', '2026-00-10', '2026-02-30', '-1', '1e309', 'NaN', 'null', '[]', '{}', 'true', '0x10', ' ', '+', '%20',
]
const enc = (s: string) => (r() < 0.5 ? encodeURIComponent(s) : s.replace(/[\s#?]/g, (c) => encodeURIComponent(c)))
const ROUTES = [
  '/v1/batch', '/v1/pixel.gif', '/v1/sites', '/v1/sites/shop', '/v1/sites/shop/spend', '/v1/sites/shop/api-keys', '/v1/sites/shop/api-keys/x',
  '/v1/sites/shop/persons/x', '/v1/sites/shop/persons/x/export', '/v1/backups', '/metrics', '/healthz', '/readyz', '/docs/json', '/sdk.js', '/dashboard/', '/dashboard/index.html', '/',
  ...['overview', 'timeseries', 'breakdown', 'funnel', 'revenue', 'acquisition', 'attribution', 'retention', 'referrals', 'experiments', 'csat', 'realtime', 'paths'].map((s) => `/v1/sites/shop/stats/${s}`),
  '/v1/sites/shop/journeys/x',
]
const PARAMS = ['from', 'to', 'site', 'url', 'referrer', 'metric', 'interval', 'dimension', 'limit', 'steps', 'preset', 'window', 'model', 'goal', 'lookback', 'by', 'cohort', 'periods', 'experiment', 'depth', 'channel', 'path', 'referred', 'compare', 'format', 'token']
const TYPES = ['application/json', 'text/plain', 'text/plain;charset=UTF-8', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/octet-stream', '', 'application/jsonx', 'text/html']

function body(): string | Buffer | undefined {
  const x = r()
  if (x < 0.1) return undefined
  if (x < 0.2) return pick(JUNK)
  if (x < 0.3) return gzipSync(Buffer.from(JSON.stringify({ site: 'shop', events: [event({ id: 'bad id!' })] })))
  if (x < 0.35) return Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff])
  const envelope: Record<string, unknown> = { site: pick(['shop', ['shop'], 123, null, '', 'nope', 'shop'.repeat(30)]), events: pick([null, 1, 'x', {}, [], [event({ id: pick(JUNK) })], [{ ...event(), ts: pick(JUNK) }], [{ ...event(), type: pick(JUNK) }], [{ ...event(), url: pick(JUNK) }]]) }
  if (r() < 0.3) envelope.sentAt = pick([Date.now(), '1', -1, 1e20, true])
  if (r() < 0.2) envelope[pick(JUNK) || 'x'] = 1
  return JSON.stringify(r() < 0.2 ? pick([[envelope], { id: pick(JUNK), origins: pick([[pick(JUNK)], pick(JUNK)]) }, [{ date: pick(JUNK), amount: pick(JUNK) }]]) : envelope)
}

function request() {
  let url = pick(ROUTES)
  if (r() < 0.4) url = url.replace(/shop|x$/, () => enc(pick(JUNK)))
  if (r() < 0.15) url += '/' + enc(pick(JUNK))
  const q: string[] = []
  for (let i = Math.floor(r() * 4); i > 0; i--) q.push(`${pick(PARAMS)}=${enc(pick(JUNK))}`)
  if (r() < 0.1) q.push(`${enc(pick(JUNK))}=1`)
  if (q.length) url += `?${q.join('&')}`
  const headers: Record<string, string> = { 'user-agent': DESKTOP_UA }
  const t = r()
  if (t < 0.45) headers.authorization = `Bearer ${TOKEN}`
  else if (t < 0.6) headers.authorization = pick([`Bearer ${pick(JUNK)}`, TOKEN, 'Bearer', `Basic ${TOKEN}`])
  if (r() < 0.5) headers.origin = pick([ORIGIN, 'https://evil.example', 'null', pick(JUNK)])
  const payload = body()
  const type = pick(TYPES)
  if (payload !== undefined && type) headers['content-type'] = type
  if (payload instanceof Buffer && r() < 0.7) headers['content-encoding'] = pick(['gzip', 'br', 'deflate', 'identity', pick(JUNK)])
  const method = pick(['GET', 'GET', 'GET', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'] as const)
  return { method, url, headers, payload: method === 'GET' || method === 'HEAD' ? undefined : payload }
}

describe('a sweep of generated hostile requests', () => {
  it('answers 3000 of them below 500, every error in the SPEC shape with a documented code, storing only valid events once', async () => {
    const valid: string[] = []
    let errors = 0
    for (let i = 0; i < SWEEP_REQUESTS; i++) {
      const req = request()
      // every tenth request is a valid batch, resent now and then: each of its events is stored once
      if (i % 10 === 0) {
        const events: ReturnType<typeof event>[] = r() < 0.3 && valid.length ? [] : [event(), event()]
        if (events.length) valid.push(...events.map((e) => e.id))
        const res = await app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json', origin: ORIGIN }, payload: JSON.stringify({ site: 'shop', events: events.length ? events : [event({ id: valid[0] })] }) })
        expect(res.statusCode).toBe(200)
      }
      let res
      try {
        res = await app.inject(req as import('fastify').InjectOptions)
      } catch (err) {
        throw new Error(`inject threw for ${req.method} ${req.url}: ${(err as Error).message}`)
      }
      expect.soft(res.statusCode, `${req.method} ${req.url}`).toBeLessThan(500)
      if (res.statusCode >= 400 && req.method !== 'HEAD') {
        errors++
        let parsed: { error?: { code?: string; message?: string } } = {}
        try {
          parsed = res.json()
        } catch {
          expect.soft(res.body, `${req.method} ${req.url} ${res.statusCode}`).toBe('JSON')
          continue
        }
        expect.soft(Object.keys(parsed), `${req.method} ${req.url}: ${res.body}`).toEqual(['error'])
        expect.soft(DOCUMENTED_CODES.has(String(parsed.error?.code)), `${req.method} ${req.url}: ${res.body}`).toBe(true)
        expect.soft(typeof parsed.error?.message).toBe('string')
      }
    }
    expect(errors).toBeGreaterThan(1000)
    // nothing invalid stored: only the valid batches' events, once each (the hostile batches'
    // events all break a rule: a bad id, ts, type or url, or an envelope that is not a batch)
    const stored = await app.trackway.store.log.count('shop')
    expect(stored).toBe(new Set(valid).size)
  }, 300_000)
})
