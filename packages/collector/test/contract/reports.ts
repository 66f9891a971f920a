import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive } from '../../src/core/derive.js'
import { computeFullOverview, computeRealtime } from '../../src/core/metrics.js'
import { journeyOf, resolvePerson } from '../../src/core/journey.js'
import { computeBreakdown, DIMENSIONS } from '../../src/core/breakdown.js'
import { AIDA, computeFunnel } from '../../src/core/funnel.js'
import { parseSteps } from '../../src/reports/funnel-route.js'
import { computePaths } from '../../src/core/paths.js'
import { computeCsat, computeRevenue } from '../../src/core/revenue.js'
import { computeReferrals } from '../../src/core/referrals.js'
import { computeExperiment } from '../../src/core/experiments.js'
import { ATTRIBUTION_MODELS, computeAttribution, DAY_MS, markovCounts } from '../../src/core/attribution.js'
import { computeChurnRate, computeRetention } from '../../src/core/retention.js'
import { acquisitionParts, acquisitionRows } from '../../src/core/acquisition.js'
import { daysOf } from '../../src/reports/buckets.js'
import { reportRange } from '../../src/reports/range.js'
import { hasFilters, type Filters } from '../../src/core/filters.js'
import { ReportAnswers } from '../../src/reports/answers.js'
import type { Store } from '../../src/store/store.js'
import { reportQuery } from '../fixtures/helpers.js'
import { batches, close, DATASETS } from './datasets.js'
import type { OpenedStore, OpenStore } from './fixture.js'

const DAY = 86_400_000

/**
 * The agreement suite: on each dataset, every report of one store adapter equals the pure
 * definition of src/core (SPEC §4–5) — sessions and their attributes, journeys, every breakdown
 * dimension, funnels, paths, realtime, revenue, CSAT, referrals, experiments, every attribution
 * model, retention, churn, acquisition and the overview, with and without filters.
 */
export function reportsContract(open: OpenStore): void {
  describe.each(DATASETS)('reports agree with the pure definitions on %s', (_name, make, t0, parts) => {
    let store: Store
    let a: ReportAnswers
    const q = (range: { fromMs: number; toMs: number }, f: Filters = {}, goal = 'purchase') => reportQuery('agree', range, f, goal)
    let opened: OpenedStore
    const events = make()
    const derived = derive(events)

    beforeAll(async () => {
      opened = await open()
      store = opened.store
      a = new ReportAnswers(store)
      for (const [i, batch] of batches(events, parts, 3).entries()) {
        await store.log.append(batch)
        // a report between batches brings the derived tables up to date with what was appended
        if (parts > 1) expect((await a.overview(q({ fromMs: 0, toMs: 4e12 }))).pageviews, `batch ${i}`).toBeGreaterThan(0)
      }
    })
    afterAll(async () => opened?.close())

    it('derives the same sessions with the same attributes', async () => {
      const sql = await store.reports.sessions('agree')
      const pure = derived.sessions.map((s) => ({
        person: s.person,
        firstId: s.events[0]!.id,
        start: s.start,
        end: s.end,
        pageviews: s.events.filter((e) => e.type === 'pageview').length,
        channel: s.channel,
        source: s.source,
        medium: s.medium,
        campaign: s.campaign,
        referrerDomain: s.referrerDomain,
        entryPage: s.entryPage,
        exitPage: s.exitPage,
        device: s.device,
        browser: s.browser,
        os: s.os,
        country: s.country,
      }))
      const key = (s: { start: number; person: string; firstId: string }) => `${String(s.start).padStart(16, '0')}\u0000${s.person}\u0000${s.firstId}`
      const order = (a: Parameters<typeof key>[0], b: Parameters<typeof key>[0]) => (key(a) < key(b) ? -1 : 1)
      expect(sql.sort(order)).toEqual(pure.sort(order))
      expect(new Set(pure.map((s) => s.channel)).size).toBeGreaterThan(5)
    })

    it('resolves ids to persons and builds the same journeys', async () => {
      const ids = [...new Set(events.filter((_, i) => i % Math.ceil(events.length / 15) === 0).flatMap((e) => [e.anonymousId, e.userId]).filter((x): x is string => !!x))]
      expect(ids.length).toBeGreaterThan(10)
      for (const id of [...ids, 'nobody-at-all']) {
        const person = resolvePerson(derived, id, events)
        expect(await store.reports.resolvePerson('agree', id), id).toBe(person)
        expect(await a.journey('agree', id)).toEqual(person === null ? null : journeyOf(derived, person))
      }
    })

    it.each(DIMENSIONS)('computes the same breakdown by %s', async (dimension) => {
      const range = { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }
      for (const [f, goal, limit] of [[{}, 'purchase', 100], [{ device: 'desktop' }, 'custom:invoice_download', 5]] as const) {
        const sql = await a.breakdown({ ...q(range, f, goal), dimension, limit })
        const pure = computeBreakdown(derived, range, dimension, f, goal, limit)
        expect(sql.map((r) => ({ ...r, revenue: Math.round(r.revenue * 100) }))).toEqual(pure.map((r) => ({ ...r, revenue: Math.round(r.revenue * 100) })))
      }
      expect(computeBreakdown(derived, range, dimension).length).toBeGreaterThan(0)
    })

    it('computes the same overview per time-series bucket', async () => {
      const buckets = Array.from({ length: 12 }, (_, i) => ({ label: `b${i}`, fromMs: t0 + i * 2 * DAY, toMs: t0 + (i + 1) * 2 * DAY }))
      const rows = await a.overviewBuckets({ ...q({ fromMs: buckets[0]!.fromMs, toMs: buckets.at(-1)!.toMs }, { channel: 'Direct' }), buckets })
      expect(rows.map((r) => r.label)).toEqual(buckets.map((b) => b.label))
      rows.forEach((r, i) => close(r.overview, computeFullOverview(derived, buckets[i]!, { channel: 'Direct' })))
    })

    it.each([
      ['pageview,cart_add,checkout,purchase', 7 * DAY, {}],
      ['pageview@/demo/product.html,cart_add,purchase', 2 * 3_600_000, { device: 'mobile' }],
      ['pageview,custom:invoice_download', 30 * DAY, {}],
      ['aida', 7 * DAY, {}],
    ] as const)('computes the same funnel %s', async (spec, windowMs, f) => {
      const steps = spec === 'aida' ? AIDA : parseSteps(spec)
      const range = { fromMs: t0 - 40 * DAY, toMs: t0 + 6 * DAY }
      expect(await a.funnel({ ...q(range, f), steps, windowMs })).toEqual(computeFunnel(derived, range, steps, windowMs, f))
    })

    it('finds the same most common paths', async () => {
      const range = { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }
      for (const [depth, limit, f] of [[4, 20, {}], [2, 5, { channel: 'Direct' }], [10, 1000, {}]] as const) {
        expect(await a.paths({ ...q(range, f), depth, limit })).toEqual(computePaths(derived, range, depth, limit, f))
      }
    })

    it('counts the same realtime visitors', async () => {
      for (const now of [t0 + 5 * 86_400_000, t0 + 9.5 * 86_400_000]) {
        for (const f of [{}, { device: 'mobile' }]) expect(await a.realtime({ site: 'agree', filters: f, now })).toBe(computeRealtime(derived, now, f))
      }
    })

    const filters: Filters[] = [
      {},
      { channel: 'Organic Search' },
      { device: 'mobile' },
      { path: '/demo/cart.html' },
      { path: '/cart' },
      { referred: true },
      { referred: false },
      { source: 'newsletter', medium: 'email' },
    ]
    it.each(filters)('computes the same revenue and CSAT with filters %o', async (f) => {
      for (const [fromMs, toMs] of [
        [t0 - 40 * DAY, t0 + 40 * DAY],
        [t0 + 3 * DAY, t0 + 10 * DAY],
        [t0 + 5 * DAY, t0 + 6 * DAY],
      ] as const) {
        const range = { fromMs, toMs }
        close(await a.revenue(q(range, f)), computeRevenue(derived, range, f))
        close(await a.csat(q(range, f)), computeCsat(derived, range, f))
        const referrals = await a.referrals({ ...q(range, f), limit: 5 })
        const pure = computeReferrals(derived, range, f, 5)
        close({ ...referrals, topReferrers: [] }, { ...pure, topReferrers: [] })
        for (const goal of ['purchase', 'signup']) {
          expect(await a.experiment({ ...q(range, f, goal), experiment: 'hero-cta' })).toEqual(computeExperiment(derived, range, 'hero-cta', goal, f))
        }
        expect(referrals.topReferrers.map((r) => ({ ...r, revenue: Math.round(r.revenue * 100) }))).toEqual(pure.topReferrers.map((r) => ({ ...r, revenue: Math.round(r.revenue * 100) })))
      }
      const wide = { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }
      if (!hasFilters(f)) {
        expect(computeRevenue(derived, wide).customers).toBeGreaterThan(1)
        if (events.some((e) => e.type === 'feedback')) expect(computeCsat(derived, wide).responses).toBeGreaterThan(1)
        if (events.some((e) => e.type === 'experiment')) expect(computeExperiment(derived, wide, 'hero-cta').variants.length).toBeGreaterThan(1)
        if (events.some((e) => e.type === 'referral_invite')) expect(computeReferrals(derived, wide).topReferrers.length).toBeGreaterThan(1)
      }
    })

    it.each(ATTRIBUTION_MODELS)('computes the same attribution under %s', async (model) => {
      const byValue = (rows: { value: string; conversions: number; revenue: number }[]) => [...rows].sort((a, b) => (a.value < b.value ? -1 : 1))
      for (const [goal, lookback, by, f] of [
        ['purchase', 30, 'channel', {}],
        ['purchase', 3, 'source', { device: 'mobile' }],
        ['signup', 30, 'campaign', {}],
        ['custom:invoice_download', 7, 'channel', { channel: 'Direct' }],
      ] as const) {
        const range = { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }
        const sql = byValue(await a.attribution({ ...q(range, f, goal), model, lookbackMs: lookback * DAY_MS, by }))
        const pure = byValue(computeAttribution(derived, range, model, goal, lookback * DAY_MS, by, f))
        expect(sql.map((r) => r.value), `${goal} ${by}`).toEqual(pure.map((r) => r.value))
        sql.forEach((r, i) => close(r, pure[i]!))
      }
      expect(computeAttribution(derived, { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }, model).length).toBeGreaterThan(model.includes('touch') || model === 'last_non_direct' ? 1 : 2)
    })

    it('counts the same Markov transitions, and some values earn credit only through non-converting paths', async () => {
      const key = (t: { from: string | null; to: string | null; converts: boolean; count: number }) => JSON.stringify([t.from, t.to, t.to === null && t.converts, t.count])
      for (const [goal, lookback, by, f, range] of [
        ['purchase', 30, 'channel', {}, { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }],
        ['purchase', 7, 'campaign', { device: 'mobile' }, { fromMs: t0, toMs: t0 + 10 * DAY }],
        ['signup', 30, 'source', {}, { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY }],
        ['purchase', 30, 'channel', {}, { fromMs: 0, toMs: 1 }], // nothing in range
      ] as const) {
        const sql = await store.reports.markov({ ...q(range, f, goal), lookbackMs: lookback * DAY_MS, by })
        const pure = markovCounts(derived, range, goal, lookback * DAY_MS, by, f)
        expect(sql.transitions.map(key).sort(), `${goal} ${by}`).toEqual(pure.transitions.map(key).sort())
        expect(sql.conversions).toBe(pure.conversions)
        expect(sql.revenue).toBeCloseTo(pure.revenue, 6)
      }
      const wide = markovCounts(derived, { fromMs: t0 - 40 * DAY, toMs: t0 + 40 * DAY })
      expect(wide.transitions.some((t) => t.to === null && !t.converts)).toBe(true)
      expect(wide.transitions.some((t) => t.from !== null && t.to !== null && t.from !== t.to)).toBe(true)
    })

    it.each(filters)('computes the same retention and churn with filters %o', async (f) => {
      const weeks = Array.from({ length: 9 }, (_, i) => ({ label: `w${i}`, fromMs: t0 - 20 * DAY + i * 7 * DAY, toMs: t0 - 13 * DAY + i * 7 * DAY }))
      for (const max of [8, 3]) expect(await a.retention({ ...q(weeks[0]!, f), periods: weeks, maxPeriods: max })).toEqual(computeRetention(derived, weeks, max, f))
      const cur = { fromMs: t0, toMs: t0 + 14 * DAY }
      const prev = { fromMs: t0 - 14 * DAY, toMs: t0 }
      expect(await a.churnRate({ ...q(cur, f), previous: prev })).toEqual(computeChurnRate(derived, cur, prev, f))
      if (!hasFilters(f)) expect(computeRetention(derived, weeks, 8).length).toBeGreaterThan(1)
    })

    it.each(ATTRIBUTION_MODELS)('computes the same acquisition, LTV:CAC and payback under %s', async (model) => {
      const dates = { from: new Date(t0 - 40 * DAY).toISOString().slice(0, 10), to: new Date(t0 + 39 * DAY).toISOString().slice(0, 10) }
      await store.catalog.upsertSpend('agree', [
        { date: dates.from, channel: 'Paid Search', source: null, campaign: null, amount: 100 },
        { date: dates.to, channel: 'Email', source: 'news', campaign: null, amount: 50 },
        { date: dates.to, channel: 'Direct', source: null, campaign: null, amount: 0.01 },
        { date: dates.to, channel: null, source: 'tv', campaign: null, amount: 999 }, // no channel: left out
      ])
      const spend = new Map([['Paid Search', 100], ['Email', 50], ['Direct', 0.01]])
      let paidBack = 0
      for (const [f, tz] of [[{}, 'UTC'], [{ device: 'mobile' }, 'UTC'], [{}, 'Asia/Kolkata']] as [Filters, string][]) {
        const range = reportRange(dates, tz)
        const days = daysOf(range, tz)
        const sql = await a.acquisition({ ...q(range, f), range, model, days })
        const pure = acquisitionRows({ ...acquisitionParts(derived, range, model, f, days), spend })
        expect(sql.map((r) => r.channel).sort()).toEqual(pure.map((r) => r.channel).sort())
        for (const r of sql) close(r, pure.find((p) => p.channel === r.channel)!)
        paidBack += pure.filter((r) => r.paybackDays !== null).length
        // without days, ReportAnswers counts 24-hour days from `from`: the local days of a UTC site
        if (tz === 'UTC' && !hasFilters(f)) (await a.acquisition({ ...q(range, f), range, model })).forEach((r, i) => close(r, sql[i]!))
        if (!hasFilters(f)) expect(pure.filter((r) => r.clv !== null).length, tz).toBeGreaterThan(1)
      }
      expect(paidBack).toBeGreaterThan(0)
      expect(acquisitionParts(derived, reportRange(dates, 'UTC'), model).newCustomers.size).toBeGreaterThan(1)
    })

    it.each(filters)('computes the same overview with filters %o', async (f) => {
      for (const [fromMs, toMs] of [
        [t0 - 40 * DAY, t0 + 40 * DAY],
        [t0 + 3 * DAY, t0 + 10 * DAY],
        [t0 + 5 * DAY, t0 + 6 * DAY],
      ] as const) {
        for (const goal of ['purchase', 'custom:invoice_download']) {
          const range = { fromMs, toMs }
          close(await a.overview(q(range, f, goal)), computeFullOverview(derived, range, f, goal))
        }
      }
    })
  })
}
