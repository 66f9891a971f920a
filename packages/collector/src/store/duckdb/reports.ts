import type { Bucket, ReportQuery, TimeRange } from '../../core/query.js'
import { hasFilters, type Filters } from '../../core/filters.js'
import type { OverviewCounts } from '../../core/metrics.js'
import type { BreakdownRow, Dimension } from '../../core/breakdown.js'
import type { FunnelCounts, FunnelStep } from '../../core/funnel.js'
import type { JourneyRow } from '../../core/journey.js'
import type { PathRow } from '../../core/paths.js'
import type { SessionRow } from '../../core/derive.js'
import type { CsatCounts, RevenueCounts } from '../../core/revenue.js'
import type { ReferralCounts } from '../../core/referrals.js'
import type { VariantCounts } from '../../core/experiments.js'
import type { AttributionDimension, AttributionRow, Model } from '../../core/attribution.js'
import type { ChurnCounts, CohortCounts } from '../../core/retention.js'
import { ACQUISITION_LOOKBACK_MS, type AcquisitionCounts } from '../../core/acquisition.js'
import type { ReportQueries } from '../report-queries.js'
import type { Params } from './handle.js'
import { overviewBucketsSql, realtimeSql } from './queries/overview.js'
import { JOURNEY_SQL, RESOLVE_PERSON_SQL } from './queries/journey.js'
import { breakdownSql } from './queries/breakdown.js'
import { funnelSql } from './queries/funnel.js'
import { pathsSql } from './queries/paths.js'
import { csatSql, revenueSql } from './queries/revenue.js'
import { referralsSql } from './queries/referrals.js'
import { experimentCountsSql } from './queries/experiments.js'
import { attributionSql } from './queries/attribution.js'
import { churnSql, retentionSql } from './queries/retention.js'
import { channelVisitorsSql, newCustomersSql } from './queries/acquisition.js'
import { markovSql } from './queries/markov.js'
import type { MarkovCounts } from '../../core/markov.js'
import { bucketing, goal as goalOf, selection } from './selection.js'

/** Runs one read query with named parameters. */
export type Query = (sql: string, params?: Params) => Promise<Record<string, unknown>[]>

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string))

const range = (r: TimeRange) => ({ from: BigInt(r.fromMs), to: BigInt(r.toMs) })

/**
 * The report queries of the DuckDB adapter (SPEC §5–6): SQL over the derived tables in, counts
 * out. Each mirrors a pure function of src/core (the contract suite requires equal results).
 */
export class DuckDBReports implements ReportQueries {
  constructor(private readonly query: Query) {}

  async overview(q: ReportQuery & { buckets: readonly Bucket[] }): Promise<{ label: string; counts: OverviewCounts }[]> {
    if (q.buckets.length === 0) return []
    const sel = selection(q.site, q.filters)
    const b = bucketing(q.buckets)
    const g = goalOf('e', q.goal)
    const rows = await this.query(overviewBucketsSql(sel, b, g), { ...sel.params, ...b.params, ...g.params })
    return rows.map((r) => {
      const n = (k: string) => num(r[k])
      return {
        label: r.label as string,
        counts: {
          visitors: n('visitors'),
          sessions: n('sessions'),
          pageviews: n('pageviews'),
          bounces: n('bounces'),
          sessionPageviews: n('session_pageviews'),
          lengthSum: n('length_sum'),
          converted: n('converted'),
          carts: n('carts'),
          cartsBought: n('carts_bought'),
          checkouts: n('checkouts'),
          checkoutsBought: n('checkouts_bought'),
          orders: n('orders'),
          revenue: n('revenue'),
          signups: n('signups'),
        },
      }
    })
  }

  async sessions(site: string): Promise<SessionRow[]> {
    const rows = await this.query(
      `SELECT p.person, s.first_id, s.start_t, s.end_t, s.pageviews, s.channel, s.source, s.medium, s.campaign,
         s.referrer_domain, s.entry_page, s.exit_page, s.device, s.browser, s.os, s.country
       FROM tw_sessions s JOIN tw_persons p ON p.site = s.site AND p.pno = s.pno
       WHERE s.site = $site ORDER BY s.start_t, p.person, s.first_id`,
      { site },
    )
    return rows.map((r) => ({
      person: r.person as string,
      firstId: r.first_id as string,
      start: num(r.start_t),
      end: num(r.end_t),
      pageviews: num(r.pageviews),
      channel: r.channel as string,
      source: r.source as string,
      medium: r.medium as string,
      campaign: r.campaign as string,
      referrerDomain: str(r.referrer_domain),
      entryPage: r.entry_page as string,
      exitPage: str(r.exit_page),
      device: r.device as string,
      browser: str(r.browser),
      os: str(r.os),
      country: str(r.country),
    }))
  }

  async breakdown(q: ReportQuery & { dimension: Dimension; limit: number }): Promise<BreakdownRow[]> {
    const sel = selection(q.site, q.filters)
    const g = q.dimension === 'page' ? goalOf('e', q.goal) : { sql: '', params: { goal_key: q.goal } }
    const rows = await this.query(breakdownSql(q.dimension, sel, g), { ...sel.params, ...g.params, ...range(q.range), limit: BigInt(q.limit) })
    return rows.map((r) => ({ value: str(r.value), visitors: num(r.visitors), sessions: num(r.sessions), conversions: num(r.conversions), revenue: num(r.revenue) }))
  }

  async funnel(q: ReportQuery & { steps: readonly FunnelStep[]; windowMs: number }): Promise<FunnelCounts> {
    const sel = selection(q.site, q.filters)
    const params: Params = { ...sel.params, ...range(q.range), window: BigInt(q.windowMs) }
    q.steps.forEach((s, i) => Object.assign(params, { [`type_${i + 1}`]: s.type, [`name_${i + 1}`]: s.name, [`path_${i + 1}`]: s.path }))
    const rows = await this.query(funnelSql(q.steps.length, sel), params)
    return { reached: rows.map((r) => num(r.persons)), medians: rows.map((r) => (r.median_gap === null ? null : Number(r.median_gap))) }
  }

  async paths(q: ReportQuery & { depth: number; limit: number }): Promise<PathRow[]> {
    const sel = selection(q.site, q.filters)
    const params = { ...sel.params, ...range(q.range), depth: BigInt(q.depth), limit: BigInt(q.limit) }
    return (await this.query(pathsSql(sel), params)).map((r) => ({ pages: [...(r.pages as string[])], sessions: num(r.sessions) }))
  }

  async revenue(q: ReportQuery): Promise<RevenueCounts> {
    const sel = selection(q.site, q.filters)
    const row = (await this.query(revenueSql(sel), { ...sel.params, ...range(q.range) }))[0]!
    const n = (k: string) => num(row[k])
    return {
      orders: n('orders'),
      revenue: n('revenue'),
      customers: n('customers'),
      repeatCustomers: n('repeat_customers'),
      newCustomers: n('new_customers'),
      lifetimeRevenue: n('lifetime_revenue'),
      visitors: n('visitors'),
    }
  }

  async csat(q: ReportQuery): Promise<CsatCounts> {
    const sel = selection(q.site, q.filters)
    const row = (await this.query(csatSql(sel), { ...sel.params, ...range(q.range) }))[0]!
    return { responses: num(row.responses), satisfied: num(row.satisfied), scoreSum: num(row.score_sum) }
  }

  async referrals(q: ReportQuery & { limit: number }): Promise<ReferralCounts> {
    const sel = selection(q.site, q.filters)
    const t = (await this.query(referralsSql(sel), { ...sel.params, ...range(q.range), limit: BigInt(q.limit) }))[0]!
    const n = (k: string) => num(t[k])
    const top = (t.top ?? []) as Record<string, unknown>[]
    return {
      invites: n('invites'),
      referrers: n('referrers'),
      referredVisitors: n('referred_visitors'),
      referredSignups: n('referred_signups'),
      customers: n('customers'),
      invitingCustomers: n('inviting_customers'),
      visitors: n('visitors'),
      topReferrers: top.map((x) => ({ referralCode: x.code as string, invites: num(x.invites), signups: num(x.signups), revenue: num(x.revenue) })),
    }
  }

  async experiment(q: ReportQuery & { experiment: string }): Promise<VariantCounts[]> {
    const sel = selection(q.site, q.filters)
    const g = goalOf('e', q.goal)
    const rows = await this.query(experimentCountsSql(sel, g), { ...sel.params, ...g.params, ...range(q.range), experiment: q.experiment })
    return rows.map((x) => ({ variant: x.variant as string, exposed: num(x.exposed), converted: num(x.converted) }))
  }

  async attribution(q: ReportQuery & { model: Model; lookbackMs: number; by: AttributionDimension }): Promise<AttributionRow[]> {
    const sel = selection(q.site, q.filters)
    const g = q.goal === 'purchase' ? null : goalOf('e', q.goal)
    const rows = await this.query(attributionSql(sel, g, q.model, q.by), { ...sel.params, ...(g?.params ?? {}), ...range(q.range), lookback: BigInt(q.lookbackMs) })
    return rows.map((x) => ({ value: x.value as string, conversions: Number(x.conversions), revenue: Number(x.revenue) }))
  }

  async retention(q: ReportQuery & { periods: readonly Bucket[]; maxPeriods: number }): Promise<CohortCounts> {
    const counts: CohortCounts = new Map()
    if (q.periods.length === 0) return counts
    const sel = selection(q.site, q.filters)
    const b = bucketing(q.periods)
    for (const x of await this.query(retentionSql(sel, b), { ...sel.params, ...b.params, periods: BigInt(q.maxPeriods) })) {
      const c = num(x.c)
      ;(counts.get(c) ?? counts.set(c, new Map()).get(c)!).set(num(x.k), num(x.persons))
    }
    return counts
  }

  async churn(q: ReportQuery & { previous: TimeRange }): Promise<ChurnCounts> {
    const sel = selection(q.site, q.filters)
    const params = { ...sel.params, ...range(q.range), prev_from: BigInt(q.previous.fromMs), prev_to: BigInt(q.previous.toMs) }
    const x = (await this.query(churnSql(sel), params))[0]!
    return { previous: num(x.previous), churned: num(x.churned) }
  }

  async markov(q: ReportQuery & { lookbackMs: number; by: AttributionDimension }): Promise<MarkovCounts> {
    const sel = selection(q.site, q.filters)
    const g = q.goal === 'purchase' ? null : goalOf('e', q.goal)
    const rows = await this.query(markovSql(sel, g, q.by, hasFilters(q.filters)), { ...sel.params, ...(g?.params ?? {}), ...range(q.range), lookback: BigInt(q.lookbackMs) })
    return {
      transitions: rows.map((x) => ({ from: str(x.src), to: str(x.dst), converts: Boolean(x.converts), count: num(x.n) })),
      conversions: num(rows[0]?.conversions),
      revenue: num(rows[0]?.revenue),
    }
  }

  async acquisition(q: ReportQuery & { days: readonly Bucket[] }): Promise<AcquisitionCounts> {
    const sel = selection(q.site, q.filters)
    const params = { ...sel.params, ...range(q.range) }
    // no days (an empty range): one bucket that holds no order, so the query keeps its shape
    const b = bucketing(q.days.length > 0 ? q.days : [{ label: '', fromMs: 0, toMs: 0 }])
    const [visitors, customers] = await Promise.all([
      this.query(channelVisitorsSql(sel), params),
      this.query(newCustomersSql(sel, b), { ...params, ...b.params, lookback: BigInt(ACQUISITION_LOOKBACK_MS) }),
    ])
    const dayOf = new Map(q.days.map((d, i) => [d.label, i]))
    const newCustomers = new Map<string, number>()
    const newCustomerRevenue = new Map<string, number[]>()
    for (const x of customers) if (x.label === null || x.label === undefined) newCustomers.set(x.channel as string, num(x.customers))
    for (const c of newCustomers.keys()) newCustomerRevenue.set(c, q.days.map(() => 0))
    for (const x of customers) {
      const day = x.label === null || x.label === undefined ? undefined : dayOf.get(x.label as string)
      if (day !== undefined) newCustomerRevenue.get(x.channel as string)![day]! += num(x.revenue)
    }
    return { visitors: new Map(visitors.map((x) => [x.channel as string, num(x.visitors)])), newCustomers, newCustomerRevenue }
  }

  async realtime(q: { site: string; filters: Filters; sinceMs: number }): Promise<number> {
    const sel = selection(q.site, q.filters)
    return num((await this.query(realtimeSql(sel), { ...sel.params, since: BigInt(q.sinceMs) }))[0]?.visitors)
  }

  async resolvePerson(site: string, id: string): Promise<string | null> {
    return str((await this.query(RESOLVE_PERSON_SQL, { site, id }))[0]?.person)
  }

  async journey(site: string, person: string): Promise<JourneyRow[]> {
    return (await this.query(JOURNEY_SQL, { site, person })).map((r) => ({
      session: num(r.sid),
      sessionInfo: {
        start: num(r.start_t),
        end: num(r.end_t),
        channel: r.channel as string,
        source: r.source as string,
        medium: r.medium as string,
        campaign: r.campaign as string,
        entryPage: r.entry_page as string,
        exitPage: str(r.exit_page),
        device: r.device as string,
      },
      event: {
        id: r.id as string,
        type: r.type as string,
        t: num(r.t),
        path: r.path as string,
        name: str(r.name),
        orderId: str(r.order_id),
        revenue: r.revenue === null || r.revenue === undefined ? null : Number(r.revenue),
      },
      firstPurchase: Boolean(r.first_purchase),
    }))
  }
}
