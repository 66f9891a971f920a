import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DESKTOP_UA, ORIGIN, TOKEN, event, makeApp, tempDir } from './fixtures/helpers.js'
import { errorCode, listen, raw } from './fixtures/raw-http.js'

/*
 * The reproducers of issue 13, each against a real collector on loopback with the raw path an
 * attacker sends: a 4xx in SPEC §2's shape with a documented code, never a 5xx, nothing stored.
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

const auth = { authorization: `Bearer ${TOKEN}` }
const stored = () => app.trackway.store.log.count('shop')
const postBatch = (body: string, contentType = 'application/json') =>
  raw(port, 'POST', '/v1/batch', { headers: { 'content-type': contentType, 'user-agent': DESKTOP_UA, origin: ORIGIN }, body })

describe('static paths an attacker tries', () => {
  const paths = [
    '/dashboard/..%2f..%2fpackage.json',
    '/dashboard/../package.json',
    '/dashboard/../../package.json',
    '/dashboard/%00',
    '/dashboard/index.html%00.js',
    '/dashboard/..%5c..%5cpackage.json',
    '/dashboard/.%2e/.%2e/etc/passwd',
    '/dashboard/%2e%2e/%2e%2e/package.json',
    '/dashboard/....//....//package.json',
  ]
  for (const path of paths) {
    it(`answers GET and HEAD ${path} with a coded 4xx and no file content`, async () => {
      const res = await raw(port, 'GET', path)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(['not_found', 'bad_request', 'invalid_url']).toContain(errorCode(res))
      expect(res.body).not.toContain('"workspaces"')
      expect(res.body).not.toContain('root:')
      const head = await raw(port, 'HEAD', path)
      expect(head.status).toBe(res.status)
    })
  }

  for (const path of ['/dashboard/%', '/dashboard/%zz', '/dashboard/%c0%af', '/v1/sites/%zz/stats/overview']) {
    it(`answers the bad percent-encoding ${path} with 400 invalid_url in the SPEC shape`, async () => {
      const res = await raw(port, 'GET', path, { headers: auth })
      expect(res.status).toBe(400)
      expect(errorCode(res)).toBe('invalid_url')
    })
  }

  it('answers an unsatisfiable Range on a static file with a coded 4xx', async () => {
    const res = await raw(port, 'GET', '/dashboard/index.html', { headers: { range: 'bytes=999999999-' } })
    expect(res.status).toBeLessThan(500)
    if (res.status >= 400) expect(errorCode(res)).toBe('bad_request')
  })
})

describe('routes and methods that do not exist', () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['PATCH', '/v1/batch'],
    ['PUT', '/v1/sites'],
    ['DELETE', '/healthz'],
    ['POST', '/dashboard/'],
  ] as const) {
    it(`answers ${method} ${path} with 404 not_found in the SPEC shape`, async () => {
      const res = await raw(port, method, path, { headers: { ...auth, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' })
      expect(res.status).toBe(404)
      expect(errorCode(res)).toBe('not_found')
    })
  }
})

describe('report dates', () => {
  for (const [query, param] of [
    ['from=2026-10-30&to=2026-13-01', 'to'],
    ['from=2026-00-10&to=2026-01-10', 'from'],
    ['from=2026-02-29&to=2026-03-01', 'from'],
    ['from=2026-04-31&to=2026-05-01', 'from'],
    ['from=2026-01-00&to=2026-01-02', 'from'],
    ['from=0000-01-01&to=2026-01-02', 'from'],
    ['from=2026-01-01&to=9999-12-31', 'to'],
  ] as const) {
    it(`answers ${query} with 400 invalid_parameter naming "${param}"`, async () => {
      const res = await raw(port, 'GET', `/v1/sites/shop/stats/referrals?${query}`, { headers: auth })
      expect(res.status).toBe(400)
      expect(errorCode(res)).toBe('invalid_parameter')
      expect(JSON.parse(res.body).error.message).toContain(`"${param}"`)
    })
  }

  it('accepts 29 February of a leap year', async () => {
    const res = await raw(port, 'GET', '/v1/sites/shop/stats/referrals?from=2028-02-29&to=2028-03-01', { headers: auth })
    expect(res.status).toBe(200)
  })

  it('answers a spend row with an impossible date with 400 invalid_body, storing nothing', async () => {
    const res = await raw(port, 'POST', '/v1/sites/shop/spend', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify([{ date: '2026-13-01', amount: 5 }]),
    })
    expect(res.status).toBe(400)
    expect(errorCode(res)).toBe('invalid_body')
    expect(await app.trackway.store.catalog.listSpend('shop')).toEqual([])
  })
})

describe('journey ids', () => {
  it('looks up a 128-character userId (SPEC allows it), and answers 414 uri_too_long past 512', async () => {
    const userId = 'u'.repeat(127) + 'é'
    const ingest = await postBatch(JSON.stringify({ site: 'shop', events: [event({ type: 'signup', userId, anonymousId: 'a-long' })] }))
    expect(JSON.parse(ingest.body)).toMatchObject({ accepted: 1 })
    const res = await raw(port, 'GET', `/v1/sites/shop/journeys/${encodeURIComponent(userId)}`, { headers: auth })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).personId).toBe(userId)
    const missing = await raw(port, 'GET', `/v1/sites/shop/journeys/${'x'.repeat(128)}`, { headers: auth })
    expect(missing.status).toBe(404)
    expect(errorCode(missing)).toBe('person_not_found')
    const long = await raw(port, 'GET', `/v1/sites/shop/journeys/${'x'.repeat(600)}`, { headers: auth })
    expect(long.status).toBe(414)
    expect(errorCode(long)).toBe('uri_too_long')
  })
})

describe('envelopes that are not batches', () => {
  const valid = () => [event()]
  for (const [label, body] of [
    ['events: null', () => ({ site: 'shop', events: null })],
    ['events: 1', () => ({ site: 'shop', events: 1 })],
    ['events: "x"', () => ({ site: 'shop', events: 'x' })],
    ['events: {}', () => ({ site: 'shop', events: { 0: event() } })],
    ['site: ["shop"]', () => ({ site: ['shop'], events: valid() })],
    ['site: 123', () => ({ site: 123, events: valid() })],
    ['site: null', () => ({ site: null, events: valid() })],
    ['sentAt: "1767225600000"', () => ({ site: 'shop', sentAt: String(Date.now()), events: valid() })],
    ['sentAt: true', () => ({ site: 'shop', sentAt: true, events: valid() })],
    ['an array', () => [{ site: 'shop', events: valid() }]],
    ['a string', () => 'shop'],
    ['null', () => null],
    ['an unknown field', () => ({ site: 'shop', events: valid(), extra: 1 })],
  ] as const) {
    it(`answers ${label} with 400 invalid_batch and stores nothing`, async () => {
      const res = await postBatch(JSON.stringify(body()))
      expect(res.status).toBe(400)
      expect(errorCode(res)).toBe('invalid_batch')
      expect(await stored()).toBe(0)
    })
  }

  for (const type of ['text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/gif']) {
    it(`answers Content-Type ${type} with 415 unsupported_media_type and stores nothing`, async () => {
      const res = await postBatch(JSON.stringify({ site: 'shop', events: valid() }), type)
      expect(res.status).toBe(415)
      expect(errorCode(res)).toBe('unsupported_media_type')
      expect(await stored()).toBe(0)
    })
  }

  it('answers a body that is not JSON with 400 invalid_json, and an empty one too', async () => {
    for (const body of ['{"site":', 'nope', '']) {
      const res = await postBatch(body)
      expect(res.status).toBe(400)
      expect(errorCode(res)).toBe('invalid_json')
    }
    expect(await stored()).toBe(0)
  })

  it('still stores a valid batch once', async () => {
    const events = valid()
    const first = await postBatch(JSON.stringify({ site: 'shop', events }))
    const again = await postBatch(JSON.stringify({ site: 'shop', events }), 'text/plain;charset=UTF-8')
    expect(JSON.parse(first.body)).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 1, rejected: [] })
    expect(await stored()).toBe(1)
  })
})

describe('management bodies keep their types', () => {
  it('answers POST /v1/sites with a number for a string, or a string for an array, with 400 invalid_body', async () => {
    for (const body of [{ id: 123, origins: ['https://a.example'] }, { id: 'blog', origins: 'https://a.example' }, { id: ['blog'], origins: ['https://a.example'] }]) {
      const res = await raw(port, 'POST', '/v1/sites', { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(400)
      expect(errorCode(res)).toBe('invalid_body')
    }
    expect(app.trackway.sites.list().map((s) => s.id)).toEqual(['shop'])
  })
})
