import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { generateDemo } from '../src/demo/generate.js'
import { parseAgent } from '../src/ingest/user-agent.js'
import { ReportAnswers } from '../src/reports/answers.js'
import { reportRange } from '../src/reports/range.js'
import type { EventRow } from '../src/store/event-log.js'
import { makeApp, tempDir } from './fixtures/helpers.js'
import { reportSnapshot } from './fixtures/report-snapshot.js'
import { toSegmentBatch } from './fixtures/to-segment.js'

/*
 * The demo's messy history (every channel, campaign changes, crawlers, two devices, skewed clocks,
 * orders reported twice, referrals, an A/B test) sent twice into one store: as Trackway batches
 * through /v1/batch (site `direct`) and converted to Segment's format through /v1/segment/batch
 * (site `segment`). Date is frozen, so both are received at the same instant and the clock-skew
 * correction is the same: every stored row and every report must agree exactly.
 */

const NOW = Date.UTC(2026, 10, 23, 12)
const ORIGINS = ['https://shop.example']
let app: FastifyInstance
let cleanup: () => Promise<void>

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW })
  const d = await tempDir()
  cleanup = d.cleanup
  app = await makeApp(join(d.dir, 't.duckdb'), { sites: [{ id: 'direct', origins: ORIGINS }, { id: 'segment', origins: ORIGINS }], trustProxy: true })
})
afterEach(async () => {
  vi.useRealTimers()
  await app.close()
  await cleanup()
})

async function stored(site: string): Promise<EventRow[]> {
  const rows: EventRow[] = []
  await app.trackway.store.log.events(site, null, (page) => void rows.push(...page.rows))
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1))
}

const post = (url: string, body: unknown, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })

describe('compatibility endpoints on the demo\'s messy traffic', () => {
  it('stores through /v1/segment/batch exactly the rows /v1/batch stores, and every report agrees', async () => {
    const requests = generateDemo({ site: 'direct', shopUrl: 'https://shop.example/demo/', days: 28, persons: 160, seed: 11, now: NOW })
    const writeKey = app.trackway.sites.get('segment')!.writeKey
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`
    let sent = 0
    for (const [i, q] of requests.entries()) {
      const times = i % 9 === 0 ? 2 : 1 // some requests retried: dedup by messageId as by id
      for (let k = 0; k < times; k++) {
        const direct = await post('/v1/batch', q.batch, { 'user-agent': q.userAgent })
        // the device's User-Agent as context.userAgent from a server library, or as the request's own
        const viaSegment =
          i % 2 === 0
            ? await post('/v1/segment/batch', toSegmentBatch(q.batch, q.userAgent), { 'user-agent': 'analytics-node-next/latest', authorization: auth })
            : await post('/v1/segment/batch', toSegmentBatch(q.batch), { 'user-agent': q.userAgent, authorization: auth })
        expect(direct.statusCode).toBe(200)
        expect(viaSegment.json()).toEqual(direct.json())
      }
      sent += q.batch.events.length
    }
    const direct = await stored('direct')
    const viaSegment = await stored('segment')
    expect(direct.length).toBeGreaterThan(1000)
    expect(direct.length).toBeLessThanOrEqual(sent)
    expect(direct.some((r) => r.isBot)).toBe(true)
    expect(viaSegment.map(({ site: _s, ...r }) => r)).toEqual(direct.map(({ site: _s, ...r }) => r))

    const persons = [...new Set(direct.filter((r) => !r.isBot).map((r) => r.userId ?? r.anonymousId))].slice(0, 6)
    const options = { from: '2026-10-26', to: '2026-11-23', timezone: 'UTC', experiment: 'hero-cta', persons }
    const want = await reportSnapshot(app.trackway.store, 'direct', options)
    expect((want.overview as { orders: number }).orders).toBeGreaterThan(5)
    expect(await reportSnapshot(app.trackway.store, 'segment', options)).toEqual(want)
  }, 240_000)

  it('replays the demo\'s pageviews, goals and orders as Plausible events: counts, visitors and revenue', async () => {
    const requests = generateDemo({ site: 'direct', shopUrl: 'https://shop.example/demo/', days: 28, persons: 120, seed: 5, now: NOW })
    const ipOf = new Map<string, string>()
    const want = { events: 0, pageviews: 0, orders: 0, revenue: 0, visitors: new Set<string>() }
    let clock = NOW - 6 * 3_600_000
    for (const q of requests) {
      const human = !parseAgent(q.userAgent).isBot
      for (const e of q.batch.events) {
        const body =
          e.type === 'pageview' ? { n: 'pageview', u: e.url, d: 'shop.example', r: e.referrer || null }
          : e.type === 'purchase' ? { n: 'Purchase', u: e.url, d: 'shop.example', $: { amount: String(e.revenue), currency: e.currency ?? 'USD' } }
          : e.type === 'custom' || e.type === 'signup' ? { n: e.type === 'signup' ? 'Signup' : e.name, u: e.url, d: 'shop.example', p: JSON.stringify(e.props ?? {}) }
          : null
        if (!body) continue
        // each device its own address: the cookieless visitor is (daily salt, site, IP, User-Agent)
        if (!ipOf.has(e.anonymousId)) ipOf.set(e.anonymousId, `10.${ipOf.size >> 16 & 255}.${ipOf.size >> 8 & 255}.${ipOf.size & 255}`)
        vi.setSystemTime((clock += 7)) // every event its own millisecond: the tracker sends no id
        const res = await post('/api/event', body, { 'content-type': 'text/plain', 'user-agent': q.userAgent, 'x-forwarded-for': ipOf.get(e.anonymousId)! })
        expect(res.statusCode).toBe(202)
        expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
        want.events++
        if (!human) continue
        want.visitors.add(e.anonymousId)
        if (e.type === 'pageview') want.pageviews++
        if (e.type === 'purchase') {
          want.orders++ // an order reported twice is two Plausible events: two orders (at most once, no ids)
          want.revenue += e.revenue!
        }
      }
    }
    expect(await app.trackway.store.log.count('direct')).toBe(want.events)
    const range = reportRange({ from: '2026-11-23', to: '2026-11-23' }, 'UTC')
    const got = await new ReportAnswers(app.trackway.store).overview({ site: 'direct', range, filters: {}, goal: 'purchase' })
    expect(got).toMatchObject({ pageviews: want.pageviews, orders: want.orders, visitors: want.visitors.size })
    expect(got.revenue).toBeCloseTo(want.revenue, 6)
    expect(want.orders).toBeGreaterThan(3)
  }, 240_000)
})
