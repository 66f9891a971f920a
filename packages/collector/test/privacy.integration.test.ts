import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ORIGIN, TOKEN, event, makeApp, post, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 't.duckdb')
  app = await makeApp(path)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const admin = { authorization: `Bearer ${TOKEN}` }
const get = (url: string, headers: Record<string, string> = admin) => app.inject({ url, headers })
const HOUR = 3_600_000

async function ingest() {
  const t = Date.now() - 5 * HOUR
  const ann = [
    event({ anonymousId: 'phone', ts: t, url: 'https://shop.example/p/mug' }),
    event({ anonymousId: 'phone', ts: t + 1000, type: 'signup', userId: 'ann@example.com' }),
    event({ anonymousId: 'laptop', ts: t + HOUR, type: 'identify', userId: 'ann@example.com' }),
    event({ anonymousId: 'laptop', ts: t + HOUR + 1000, type: 'purchase', orderId: 'o-1', revenue: 30, userId: 'ann@example.com' }),
  ]
  const bob = [event({ anonymousId: 'bob-browser', ts: t }), event({ anonymousId: 'bob-browser', ts: t + 1000, type: 'purchase', orderId: 'o-2', revenue: 50 })]
  for (const events of [ann, bob]) expect((await post(app, { site: 'shop', events }, { headers: { origin: ORIGIN } })).json()).toMatchObject({ accepted: events.length })
  return { ann, bob }
}

describe('person export and erasure', () => {
  it('exports every event of the person from any of their ids, as JSON and as NDJSON', async () => {
    const { ann } = await ingest()
    const res = await get('/v1/sites/shop/persons/phone/export')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toMatch(/attachment/)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    expect(body).toMatchObject({ personId: 'ann@example.com', userIds: ['ann@example.com'], anonymousIds: ['laptop', 'phone'] })
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(ann.map((e) => e.id))
    expect(body.events[3]).toMatchObject({ type: 'purchase', orderId: 'o-1', revenue: 30, anonymousId: 'laptop', url: 'https://shop.example/' })

    const nd = await get('/v1/sites/shop/persons/ann%40example.com/export?format=ndjson')
    expect(nd.headers['content-type']).toMatch(/application\/x-ndjson/)
    const lines = nd.body.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toEqual({ personId: 'ann@example.com', userIds: ['ann@example.com'], anonymousIds: ['laptop', 'phone'] })
    expect(lines.slice(1).map((e) => e.id)).toEqual(ann.map((e) => e.id))

    expect((await get('/v1/sites/shop/persons/nobody/export')).json().error.code).toBe('person_not_found')
    expect((await get('/v1/sites/nope/persons/phone/export')).json().error.code).toBe('site_not_found')
    expect((await get('/v1/sites/shop/persons/phone/export?format=xml')).statusCode).toBe(400)
  })

  it('erases the person from log and reports, survives restart and rebuild, leaves others and dedup intact', async () => {
    const { bob } = await ingest()
    const before = (await get('/v1/sites/shop/stats/overview')).json()
    expect(before).toMatchObject({ visitors: 2, orders: 2, revenue: 80 })
    const res = await app.inject({ method: 'DELETE', url: '/v1/sites/shop/persons/laptop', headers: admin })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ personId: 'ann@example.com', userIds: ['ann@example.com'], anonymousIds: ['laptop', 'phone'], erased: 4 })
    const check = async () => {
      expect((await get('/v1/sites/shop/stats/overview')).json()).toMatchObject({ visitors: 1, orders: 1, revenue: 50 })
      for (const id of ['ann@example.com', 'phone', 'laptop']) {
        expect((await get(`/v1/sites/shop/journeys/${encodeURIComponent(id)}`)).statusCode).toBe(404)
        expect((await get(`/v1/sites/shop/persons/${encodeURIComponent(id)}/export`)).statusCode).toBe(404)
      }
      expect((await get('/v1/sites/shop/journeys/bob-browser')).statusCode).toBe(200)
      expect(await app.trackway.store.log.count('shop')).toBe(2)
    }
    await check()
    expect((await app.inject({ method: 'DELETE', url: '/v1/sites/shop/persons/laptop', headers: admin })).statusCode).toBe(404)
    // dedup still works for the others, and new events are stored
    expect((await post(app, { site: 'shop', events: [...bob, event({ anonymousId: 'bob-browser' })] })).json()).toMatchObject({ accepted: 1, duplicates: 2 })

    await app.close()
    app = await makeApp(path)
    await app.trackway.store.derivation.rebuild()
    expect((await get('/v1/sites/shop/stats/overview')).json()).toMatchObject({ visitors: 1, orders: 1, revenue: 50 })
    expect(await app.trackway.store.persons.erasures('shop')).toEqual([{ site: 'shop', kind: 'person', actor: 'admin', at: expect.any(Number), events: 4 }])
  })

  it('needs the admin token: no token 401, a read-only key 403', async () => {
    await ingest()
    const key = (await app.inject({ method: 'POST', url: '/v1/sites/shop/api-keys', headers: admin, payload: {} })).json().key as string
    for (const [method, url] of [['GET', '/v1/sites/shop/persons/phone/export'], ['DELETE', '/v1/sites/shop/persons/phone']] as const) {
      expect((await app.inject({ method, url })).statusCode).toBe(401)
      expect((await app.inject({ method, url, headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403)
    }
    expect(await app.trackway.store.log.count('shop')).toBe(6)
  })
})

describe('--retention-days', () => {
  it('deletes events older than N days at start, with their derived data, and records it', async () => {
    const old = Date.now() - 3 * 24 * HOUR
    await post(app, { site: 'shop', events: [event({ anonymousId: 'old', ts: old }), event({ anonymousId: 'old', ts: old + 1000 })] })
    await post(app, { site: 'shop', events: [event({ anonymousId: 'new' })] })
    await app.close()
    app = await makeApp(path, { retentionDays: 2 })
    await app.trackway.retention!.run() // the run at start, or a new one after it
    expect(await app.trackway.store.log.count('shop')).toBe(1)
    expect((await get('/v1/sites/shop/journeys/old')).statusCode).toBe(404)
    const from = new Date(Date.now() - 10 * 24 * HOUR).toISOString().slice(0, 10)
    expect((await get(`/v1/sites/shop/stats/overview?from=${from}`)).json()).toMatchObject({ visitors: 1 })
    expect(await app.trackway.store.persons.erasures('shop')).toMatchObject([{ kind: 'retention', actor: 'retention', events: 2 }])
  })
})
