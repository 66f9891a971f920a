import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeFullOverview } from '../src/core/metrics.js'
import { computeAttribution } from '../src/core/attribution.js'
import { acquisitionParts, acquisitionRows } from '../src/core/acquisition.js'
import { daysOf } from '../src/reports/buckets.js'
import { reportRange } from '../src/reports/range.js'
import { ClickHouseStore } from '../src/store/clickhouse/clickhouse-store.js'
import { sql } from '../src/store/clickhouse/sql.js'
import { currentPersonsOfAllSites } from '../src/store/clickhouse/current.js'
import { parseClickHouseUrl } from '../src/store/clickhouse/url.js'
import { ReportAnswers } from '../src/reports/answers.js'
import { DESKTOP_UA, ORIGIN, TOKEN, event, reportQuery } from './fixtures/helpers.js'
import { startCollector, type Collector } from './fixtures/process.js'
import { dropDatabase, freshDatabase, withDatabase } from './fixtures/clickhouse.js'
import { chQuery, storedRows } from './fixtures/clickhouse-log.js'

const send = (url: string, events: unknown[], sentAt = Date.now()) =>
  fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': DESKTOP_UA, origin: ORIGIN },
    body: JSON.stringify({ site: 'shop', sentAt, events }),
  })

const ALL = { fromMs: 0, toMs: 4e12 }

describe.each([
  ['one ClickHouse server', () => inject('clickhouse')],
  ['the 2-shard example cluster', () => inject('clickhouseCluster')],
])('stateless collectors on %s', (_name, server) => {
  let url: string
  const collectors: Collector[] = []
  const start = async () => {
    const c = await startCollector(['--store', url, '--admin-token', TOKEN, '--site', `shop:${ORIGIN}`])
    collectors.push(c)
    return c
  }
  const stop = async (c: Collector, signal: NodeJS.Signals = 'SIGTERM') => {
    c.child.kill(signal)
    await c.exited
  }
  let store: ClickHouseStore
  beforeAll(async () => {
    url = withDatabase(server(), freshDatabase())
    store = ClickHouseStore.connect(parseClickHouseUrl(url), { backgroundRefresh: false, deriveOnInit: false })
  })
  afterAll(async () => {
    for (const c of collectors) if (c.child.exitCode === null && c.child.signalCode === null) await stop(c)
    await store.close()
    await dropDatabase(server(), parseClickHouseUrl(url).database)
  })

  it('counts the same batch sent to two collectors at the same moment once, and answers a later replay with duplicates', async () => {
    const [a, b] = await Promise.all([start(), start()])
    const t0 = Date.now() - 60_000
    const batch = Array.from({ length: 40 }, (_, i) => event({ anonymousId: `twin-${i % 8}`, ts: t0 + i * 1000 }))
    const sentAt = Date.now()
    const [ra, rb] = await Promise.all([send(a.url, batch, sentAt), send(b.url, batch, sentAt)])
    expect([ra.status, rb.status]).toEqual([200, 200])
    const bodies = (await Promise.all([ra.json(), rb.json()])) as { accepted: number; duplicates: number }[]
    // each collector acknowledges every event (stored by it or found stored): none is lost
    for (const body of bodies) expect(body.accepted + body.duplicates).toBe(40)

    const answers = new ReportAnswers(store)
    const q = reportQuery('shop', ALL)
    const o = await answers.overview(q)
    expect([o.visitors, o.pageviews]).toEqual([8, 40])
    expect(await store.log.count('shop')).toBe(40)
    expect((await answers.breakdown({ ...q, dimension: 'device', limit: 10 })).map((r) => r.sessions)).toEqual([8])
    // both collectors answer the same report
    const viaHttp = await Promise.all(
      [a, b].map(async (c) => (await (await fetch(`${c.url}/v1/sites/shop/stats/overview?from=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { pageviews: number }),
    )
    expect(viaHttp.map((x) => x.pageviews)).toEqual([40, 40])

    // replayed later to another collector (a retry behind a load balancer): duplicates
    const c = await start()
    const again = (await (await send(c.url, batch)).json()) as { accepted: number; duplicates: number }
    expect(again).toMatchObject({ accepted: 0, duplicates: 40 })
    expect((await answers.overview(q)).pageviews).toBe(40)
    await Promise.all([a, b, c].map((x) => stop(x)))
  })

  it('loses no acknowledged event when a collector is killed with SIGKILL during ingest, and a restart derives what it stored', async () => {
    const victim = await start()
    const acked = new Set<string>()
    let killed = false
    const sender = async () => {
      while (!killed) {
        const events = Array.from({ length: 25 }, () => event({ anonymousId: `k-${Math.floor(Math.random() * 300)}` }))
        try {
          const res = await send(victim.url, events)
          if (res.status !== 200) continue
          for (const e of events) acked.add(e.id)
          if (acked.size >= 1500 && !killed) {
            killed = true
            victim.child.kill('SIGKILL')
          }
        } catch {
          return // reset by the kill: never acknowledged
        }
      }
    }
    await Promise.all(Array.from({ length: 6 }, sender))
    await victim.exited
    const stored = new Set((await chQuery<{ id: string }>(url, (t) => sql`SELECT DISTINCT id FROM ${t.name('events')}`)).map((r) => r.id))
    expect([...acked].filter((id) => !stored.has(id))).toEqual([])
    // every acknowledged event is in a current derivation already (derived before its 2xx)
    const derivedIds = async () =>
      new Set(
        (
          await chQuery<{ id: string }>(
            url,
            (t) => sql`SELECT e_id AS id FROM ${t.name('persons')} AS p ARRAY JOIN p.e_id
              WHERE ${currentPersonsOfAllSites(t)}`,
          )
        ).map((r) => r.id),
      )
    const before = await derivedIds()
    expect([...acked].filter((id) => !before.has(id))).toEqual([])
    // a collector starting up derives what the killed one stored but never acknowledged
    const next = await start()
    const after = await derivedIds()
    expect([...stored].filter((id) => !after.has(id))).toEqual([])
    await stop(next)
  })

  it('agrees with the pure definitions after messy traffic sent round-robin to two collectors', async () => {
    const [a, b] = await Promise.all([start(), start()])
    const { generateDemo } = await import('../src/demo/generate.js')
    const { sendDemo } = await import('../src/demo/send.js')
    const requests = generateDemo({ site: 'demo-rr', shopUrl: 'https://shop.example/demo/', days: 20, persons: 150, seed: 7, now: Date.now() })
    await store.catalog.upsertSite({ id: 'demo-rr', name: 'demo-rr', origins: [ORIGIN], timezone: 'UTC', currency: 'USD' })
    // the collectors cache sites at start: restart them so both know the new one
    await Promise.all([stop(a), stop(b)])
    const [c1, c2] = await Promise.all([start(), start()])
    let n = 0
    const roundRobin: typeof fetch = (input, init) => fetch(String(input).replace(c1.url, ++n % 2 ? c1.url : c2.url), init)
    // a fifth of the batches sent twice: retries land on the other collector as often as not
    const sum = await sendDemo(c1.url, requests, { concurrency: 6, resendShare: 0.2, seed: 3, fetchImpl: roundRobin })
    expect(sum.rejected).toBe(0)
    expect(sum.duplicates).toBeGreaterThan(0)

    const rows = await storedRows(url, 'demo-rr')
    const d = derive(rows)
    const answers = new ReportAnswers(store)
    const times = rows.map((r) => r.t)
    const range = { fromMs: Math.min(...times), toMs: Math.max(...times) + 1 }
    for (const f of [{}, { device: 'mobile' }, { channel: 'Organic Search' }, { referred: true }]) {
      for (const goal of ['purchase', 'signup']) {
        const got = await answers.overview(reportQuery('demo-rr', range, f, goal))
        const want = computeFullOverview(d, range, f, goal)
        for (const [k, v] of Object.entries(want)) {
          const x = (got as unknown as Record<string, unknown>)[k]
          if (typeof v === 'number') expect(x, k).toBeCloseTo(v, 6)
          else expect(x, k).toEqual(v)
        }
      }
    }
    // the data-driven model and acquisition's LTV:CAC and payback, against core's computation from the stored rows
    for (const [goal, by] of [['purchase', 'channel'], ['purchase', 'source'], ['signup', 'campaign']] as const) {
      const got = await answers.attribution({ ...reportQuery('demo-rr', range, {}, goal), model: 'markov', lookbackMs: 30 * 86_400_000, by })
      const want = computeAttribution(d, range, 'markov', goal, 30 * 86_400_000, by)
      expect(got.map((r) => r.value), `${goal} ${by}`).toEqual(want.map((r) => r.value))
      got.forEach((r, i) => expect([r.conversions, r.revenue]).toEqual([expect.closeTo(want[i]!.conversions, 6), expect.closeTo(want[i]!.revenue, 6)]))
    }
    const dates = { from: new Date(range.fromMs).toISOString().slice(0, 10), to: new Date(range.toMs).toISOString().slice(0, 10) }
    await store.catalog.upsertSpend('demo-rr', [{ date: dates.from, channel: 'Paid Search', source: null, campaign: null, amount: 25 }])
    const dayRange = reportRange(dates, 'UTC')
    const days = daysOf(dayRange, 'UTC')
    const acquisition = await answers.acquisition({ ...reportQuery('demo-rr', dayRange), range: dayRange, model: 'markov', days })
    const wantRows = acquisitionRows({ ...acquisitionParts(d, dayRange, 'markov', {}, days), spend: new Map([['Paid Search', 25]]) })
    expect(acquisition.map((r) => r.channel).sort()).toEqual(wantRows.map((r) => r.channel).sort())
    for (const r of acquisition) {
      const w = wantRows.find((x) => x.channel === r.channel)!
      for (const k of ['clv', 'ltvToCac', 'paybackDays', 'conversions', 'revenue'] as const) {
        expect(r[k], `${r.channel} ${k}`).toEqual(w[k] === null ? null : expect.closeTo(w[k], 6))
      }
    }
    expect(wantRows.some((r) => r.clv !== null)).toBe(true)
    const sessions = (await store.reports.sessions('demo-rr')).map((s) => `${s.person}/${s.firstId}/${s.channel}`).sort()
    expect(sessions).toEqual(d.sessions.map((s) => `${s.person}/${s.events[0]!.id}/${s.channel}`).sort())
    await Promise.all([stop(c1), stop(c2)])
  }, 240_000)
})
