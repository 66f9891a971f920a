import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DESKTOP_UA, ORIGIN, TOKEN, event, makeApp, tempDir } from './fixtures/helpers.js'
import { listen, raw } from './fixtures/raw-http.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance
let port: number

beforeEach(async () => {
  dir = await tempDir()
  app = await makeApp(join(dir.dir, 't.duckdb'), {
    sites: [{ id: 'shop', origins: [ORIGIN] }, { id: 'blog', origins: ['https://blog.example'] }],
    maxInflightEvents: 1000,
    siteEventsPerSecond: 1500,
  })
  port = await listen(app)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

interface Tally {
  accepted: number
  duplicates: number
  shed: Record<number, number>
  retryAfterMissing: number
}

/**
 * A client as the SDK behaves (SPEC §8): keeps a batch until a 2xx names it; on 429/503 waits
 * Retry-After seconds with jitter (here scaled to a tenth, so the test stays short), then resends
 * the same events.
 */
async function sdkClient(site: string, batches: unknown[][], tally: Tally): Promise<void> {
  for (const events of batches) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 200) throw new Error('never delivered')
      const res = await raw(port, 'POST', '/v1/batch', {
        headers: { 'content-type': 'text/plain', origin: site === 'shop' ? ORIGIN : 'https://blog.example', 'user-agent': DESKTOP_UA },
        body: JSON.stringify({ site, sentAt: Date.now(), events }),
      })
      const body = JSON.parse(res.body) as { accepted?: number; duplicates?: number; error?: { code: string } }
      if (res.status === 200) {
        tally.accepted += body.accepted!
        tally.duplicates += body.duplicates!
        break
      }
      expect([429, 503]).toContain(res.status)
      expect(body.error?.code).toBe(res.status === 429 ? 'rate_limited' : 'overloaded')
      tally.shed[res.status] = (tally.shed[res.status] ?? 0) + 1
      const retryAfter = Number(res.headers['retry-after'])
      if (!(retryAfter >= 1)) tally.retryAfterMissing++
      await new Promise((r) => setTimeout(r, retryAfter * 100 * (0.5 + Math.random())))
    }
  }
}

describe('load shedding with retrying clients', () => {
  it('sheds with 429 and 503 + Retry-After, and every shed event is delivered later, exactly once', async () => {
    const clients = 24
    const perClient = 4
    const size = 100
    const work = Array.from({ length: clients }, () => Array.from({ length: perClient }, () => Array.from({ length: size }, () => event())))
    const tally: Tally = { accepted: 0, duplicates: 0, shed: {}, retryAfterMissing: 0 }
    // every commit takes at least 50 ms, as under load: the clients' first requests (2,400 events)
    // are in flight together, past the 1,000 bound, however fast or contended this machine is
    const log = app.trackway.store.log
    const append = log.append.bind(log)
    log.append = async (...args) => {
      await new Promise((r) => setTimeout(r, 50))
      return append(...args)
    }
    await Promise.all(work.map((batches) => sdkClient('shop', batches, tally)))
    const total = clients * perClient * size
    expect(tally.shed[503] ?? 0).toBeGreaterThan(0)
    expect(tally.shed[429] ?? 0).toBeGreaterThan(0)
    expect(tally.retryAfterMissing).toBe(0)
    expect(tally.accepted).toBe(total)
    expect(tally.duplicates).toBe(0)
    expect(await app.trackway.store.log.count('shop')).toBe(total)
    expect(app.trackway.shedder.inflightEvents).toBe(0)
    expect(app.trackway.writer.queued).toBe(0)

    // a site under its own limit is not shed because another site is
    const blog: Tally = { accepted: 0, duplicates: 0, shed: {}, retryAfterMissing: 0 }
    await sdkClient('blog', [[event(), event()]], blog)
    expect(blog).toMatchObject({ accepted: 2, shed: {} })

    const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(metrics.body).toMatch(/trackway_shed_total\{code="rate_limited"\} [1-9]/)
    expect(metrics.body).toMatch(/trackway_shed_total\{code="overloaded"\} [1-9]/)
    expect(metrics.body).toMatch(/trackway_ingest_requests_total\{route="\/v1\/batch",status="429"\} [1-9]/)
  }, 60_000)
})
