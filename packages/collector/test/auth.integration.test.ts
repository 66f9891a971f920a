import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ORIGIN, TOKEN, event, makeApp, post, readStore, tempDir } from './fixtures/helpers.js'
import { errorCode, listen, raw } from './fixtures/raw-http.js'
import { accessOf } from '../src/http/auth.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance
let port: number

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 't.duckdb')
  app = await makeApp(path, { sites: [{ id: 'shop', origins: [ORIGIN] }, { id: 'blog', origins: ['https://blog.example'] }], corsOrigins: ['https://admin.example'] })
  port = await listen(app)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const admin = { authorization: `Bearer ${TOKEN}` }
/** A route's URL with garbage for its parameters, and garbage in its query. */
const garbage = (url: string) => `${url.replace(/:site/, 'no-such-site').replace(/:[A-Za-z]+/g, 'x%20y')}?from=garbage&to=2026-13-01&limit=-1&unknown=1`

function protectedRoutes(): [string, string][] {
  const routes = app.registeredRoutes.map((r) => r.split(' ') as [string, string]).filter(([m, u]) => accessOf(m, u) !== 'public')
  return routes
}

describe('auth first, on every read and management route', () => {
  it('protects every report, management and metrics route, and covers at least the SPEC\'s', () => {
    const urls = protectedRoutes().map(([m, u]) => `${m} ${u}`)
    for (const r of ['GET /v1/sites', 'POST /v1/sites', 'POST /v1/sites/:site/spend', 'GET /v1/sites/:site/stats/overview', 'GET /v1/sites/:site/journeys/:personId', 'GET /metrics', 'POST /v1/sites/:site/api-keys']) {
      expect(urls).toContain(r)
    }
  })

  const bad: [string, Record<string, string>, string][] = [
    ['no token', {}, ''],
    ['a wrong token', { authorization: 'Bearer wrong-token-of-other-length' }, ''],
    ['a wrong token of the same length', { authorization: `Bearer ${'x'.repeat(TOKEN.length)}` }, ''],
    ['the token without "Bearer"', { authorization: TOKEN }, ''],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, ''],
    ['the token in the query', {}, `&token=${TOKEN}&access_token=${TOKEN}`],
  ]
  for (const [label, headers, query] of bad) {
    it(`answers 401 unauthorized with ${label}, before looking at params or body`, async () => {
      for (const [method, url] of protectedRoutes()) {
        const res = await raw(port, method, garbage(url) + query, {
          headers: { ...headers, 'content-type': 'application/json' },
          body: method === 'GET' || method === 'HEAD' ? undefined : '{"not json',
        })
        expect.soft(res.status, `${method} ${url}`).toBe(401)
        expect.soft(errorCode(res)).toBe('unauthorized')
      }
    })
  }

  it('answers 401 for unknown paths and undecodable URLs under /v1/sites without a token, and 404/400 with one', async () => {
    for (const url of ['/v1/sites/shop/nope', '/v1/sites/shop/stats/nope?x=1', '/v1/sites/%zz/stats/overview', `/v1/sites/shop/journeys/${'x'.repeat(600)}`]) {
      const res = await raw(port, 'GET', url)
      expect(res.status, url).toBe(401)
      expect(errorCode(res)).toBe('unauthorized')
      const authed = await raw(port, 'GET', url, { headers: admin })
      expect([400, 404, 414]).toContain(authed.status)
    }
  })

  it('stores nothing for a management call without a token', async () => {
    const res = await raw(port, 'POST', '/v1/sites', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'evil', origins: ['https://evil.example'] }) })
    expect(res.status).toBe(401)
    expect(app.trackway.sites.get('evil')).toBeUndefined()
  })

  it('keeps ingest, health and the dashboard public', async () => {
    expect((await post(app, { site: 'shop', events: [event()] })).statusCode).toBe(200)
    expect((await raw(port, 'GET', '/healthz')).status).toBe(200)
    expect((await raw(port, 'GET', '/dashboard/')).status).toBe(200)
    expect((await raw(port, 'GET', '/docs/json')).status).toBe(200)
  })
})

describe('read-only API keys', () => {
  const createKey = async (site = 'shop', name?: string) => {
    const res = await raw(port, 'POST', `/v1/sites/${site}/api-keys`, { headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(name ? { name } : {}) })
    expect(res.status).toBe(201)
    return JSON.parse(res.body) as { id: string; key: string; prefix: string; name: string; site: string }
  }

  it('reads its own site\'s reports and journeys, nothing else', async () => {
    await post(app, { site: 'shop', events: [event({ anonymousId: 'ann' })] })
    const { key } = await createKey('shop', 'agency')
    const bearer = { authorization: `Bearer ${key}` }
    expect((await raw(port, 'GET', '/v1/sites/shop/stats/overview', { headers: bearer })).status).toBe(200)
    expect((await raw(port, 'GET', '/v1/sites/shop/journeys/ann', { headers: bearer })).status).toBe(200)
    for (const [method, url, body] of [
      ['GET', '/v1/sites/blog/stats/overview', undefined],
      ['GET', '/v1/sites', undefined],
      ['POST', '/v1/sites', JSON.stringify({ id: 'shop', origins: ['https://evil.example'] })],
      ['POST', '/v1/sites/shop/spend', JSON.stringify([{ date: '2026-01-01', amount: 1 }])],
      ['GET', '/v1/sites/shop/api-keys', undefined],
      ['POST', '/v1/sites/shop/api-keys', '{}'],
      ['GET', '/metrics', undefined],
    ] as const) {
      const res = await raw(port, method, url, { headers: { ...bearer, 'content-type': 'application/json' }, body })
      expect(res.status, `${method} ${url}`).toBe(403)
      expect(errorCode(res)).toBe('forbidden')
    }
    expect(app.trackway.sites.get('shop')!.origins).toEqual([ORIGIN])
    expect((await raw(port, 'GET', `/v1/sites/shop/stats/overview?token=${key}`)).status).toBe(401)
  })

  it('lists keys without their secret, stores only a hash, and a revoked key stops working', async () => {
    const a = await createKey('shop', 'a')
    const b = await createKey('shop')
    await createKey('blog')
    expect(a.key).toMatch(/^twk_[\w-]{32}$/)
    expect(a.key.startsWith(a.prefix)).toBe(true)
    const list = await raw(port, 'GET', '/v1/sites/shop/api-keys', { headers: admin })
    const keys = JSON.parse(list.body) as Record<string, unknown>[]
    expect(keys.map((k) => k.id)).toEqual([a.id, b.id])
    expect(keys[0]).toEqual({ id: a.id, site: 'shop', name: 'a', prefix: a.prefix, createdAt: expect.any(String) })
    expect(list.body).not.toContain(a.key)

    const revoke = await raw(port, 'DELETE', `/v1/sites/shop/api-keys/${a.id}`, { headers: admin })
    expect(JSON.parse(revoke.body)).toEqual({ id: a.id, revoked: true })
    expect((await raw(port, 'GET', '/v1/sites/shop/stats/overview', { headers: { authorization: `Bearer ${a.key}` } })).status).toBe(401)
    expect((await raw(port, 'GET', '/v1/sites/shop/stats/overview', { headers: { authorization: `Bearer ${b.key}` } })).status).toBe(200)
    const again = await raw(port, 'DELETE', `/v1/sites/shop/api-keys/${a.id}`, { headers: admin })
    expect(again.status).toBe(404)
    expect(errorCode(again)).toBe('not_found')
    expect((await raw(port, 'POST', '/v1/sites/nope/api-keys', { headers: { ...admin, 'content-type': 'application/json' }, body: '{}' })).status).toBe(404)

    await app.close()
    const rows = await readStore<{ hash: string }>(path, 'SELECT * FROM api_keys')
    expect(rows).toHaveLength(3)
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).not.toContain(b.key)
    app = await makeApp(path)
    expect((await app.inject({ url: '/v1/sites/shop/stats/overview', headers: { authorization: `Bearer ${b.key}` } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/v1/sites/shop/stats/overview', headers: { authorization: `Bearer ${a.key}` } })).statusCode).toBe(401)
  })
})

describe('CORS and security headers', () => {
  it('answers CORS on admin routes only for configured origins; ingest for any page', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const res = await raw(port, 'GET', '/v1/sites', { headers: { ...admin, origin } })
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
      const pre = await raw(port, 'OPTIONS', '/v1/sites', { headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } })
      expect(pre.headers['access-control-allow-origin']).toBeUndefined()
    }
    const ok = await raw(port, 'GET', '/v1/sites', { headers: { ...admin, origin: 'https://admin.example' } })
    expect(ok.headers['access-control-allow-origin']).toBe('https://admin.example')
    const denied = await raw(port, 'GET', '/v1/sites', { headers: { origin: 'https://admin.example' } })
    expect(denied.status).toBe(401)
    expect(denied.headers['access-control-allow-origin']).toBe('https://admin.example')
    const ingest = await raw(port, 'OPTIONS', '/v1/batch', { headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } })
    expect(ingest.headers['access-control-allow-origin']).toBe(ORIGIN)
  })

  it('sends security headers on pages, API answers and errors', async () => {
    for (const url of ['/dashboard/', '/v1/sites', '/nope', '/healthz']) {
      const res = await raw(port, 'GET', url)
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
      expect(res.headers['x-frame-options'], url).toBe('DENY')
      expect(res.headers['referrer-policy'], url).toBe('no-referrer')
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
    }
    const sdk = await raw(port, 'GET', '/sdk.js')
    expect(sdk.headers['cross-origin-resource-policy']).toBe('cross-origin')
  })
})
