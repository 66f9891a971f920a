import type { DuckDBValue } from '@duckdb/node-api'
import type { Bucket, DateRange, Filters, Overview, TimeRange } from '../types.js'
import { ratio, REALTIME_WINDOW_MS } from '../../core/metrics.js'
import { funnelRows, type FunnelRow, type FunnelStep } from '../../core/funnel.js'
import type { BreakdownRow, Dimension } from '../../core/breakdown.js'
import type { Journey, JourneySession } from '../../core/journey.js'
import type { PathRow } from '../../core/paths.js'
import type { Session } from '../../core/derive.js'
import { overviewBucketsSql, realtimeSql } from './overview-sql.js'
import { JOURNEY_SQL, RESOLVE_PERSON_SQL } from './journey-sql.js'
import { breakdownSql } from './breakdown-sql.js'
import { funnelSql } from './funnel-sql.js'
import { pathsSql } from './paths-sql.js'
import { csatSql, revenueSql } from './revenue-sql.js'
import { referralsSql } from './referrals-sql.js'
import type { ReferralReport } from '../../core/referrals.js'
import { experimentCountsSql } from './experiments-sql.js'
import { attributionSql } from './attribution-sql.js'
import { churnSql, retentionSql } from './retention-sql.js'
import { channelVisitorsSql, newCustomerChannelsSql, SPEND_BY_CHANNEL_SQL } from './acquisition-sql.js'
import { ACQUISITION_LOOKBACK_MS, acquisitionRows, type AcquisitionRow } from '../../core/acquisition.js'
import { cohortsOf, type Cohort, type CohortCounts } from '../../core/retention.js'
import type { AttributionDimension, AttributionRow, Model } from '../../core/attribution.js'
import { experimentStats, type ExperimentReport } from '../../core/experiments.js'
import type { CsatReport, RevenueReport } from '../../core/revenue.js'
import { bucketing, goal as goalOf, selection } from './selection.js'

/** Runs one read query with named parameters. */
export type Query = (sql: string, params?: Record<string, DuckDBValue>) => Promise<Record<string, unknown>[]>

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

/** A derived session as the SQL computes it: core/derive.ts `Session` without its events. */
export type SessionRow = Omit<Session, 'id' | 'events' | 'channel'> & {
  channel: string
  /** Id of the session's first event: with `person`, a stable session id. */
  firstId: string
  pageviews: number
}


const range = (r: TimeRange) => ({ from: BigInt(r.fromMs), to: BigInt(r.toMs) })

/**
 * The report queries of the DuckDB adapter (SPEC §5–6): SQL in, metric shapes out. Each mirrors a
 * pure function of src/core (test/sessions-agreement.test.ts requires equal results).
 */
export class DuckDBReports {
  constructor(private readonly query: Query) {}

  async overview(site: string, range: TimeRange, filters: Filters = {}, goal = 'purchase'): Promise<Overview> {
    const [only] = await this.overviewBuckets(site, [{ label: '', ...range }], filters, goal)
    return only!.overview
  }

  async overviewBuckets(site: string, buckets: readonly Bucket[], filters: Filters = {}, goal = 'purchase'): Promise<{ label: string; overview: Overview }[]> {
    if (buckets.length === 0) return []
    const sel = selection(site, filters)
    const b = bucketing(buckets)
    const g = goalOf('e', goal)
    const rows = await this.query(overviewBucketsSql(sel, b, g), { ...sel.params, ...b.params, ...g.params })
    return rows.map((r) => {
      const n = (k: string) => num(r[k])
      const sessions = n('sessions')
      const cartConversion = ratio(n('carts_bought'), n('carts'))
      return {
        label: r.label as string,
        overview: {
          visitors: n('visitors'),
          sessions,
          pageviews: n('pageviews'),
          bounceRate: ratio(n('bounces'), sessions),
          pagesPerSession: ratio(n('session_pageviews'), sessions),
          avgSessionMs: ratio(n('length_sum'), sessions),
          conversionRate: ratio(n('converted'), n('visitors')),
          orders: n('orders'),
          revenue: n('revenue'),
          aov: ratio(n('revenue'), n('orders')),
          cartAbandonmentRate: cartConversion === null ? null : 1 - cartConversion,
          checkoutCompletionRate: ratio(n('checkouts_bought'), n('checkouts')),
          signups: n('signups'),
        },
      }
    })
  }

  /** Every session of a site (SPEC §4), in start order: the derivation the reports build on. */
  async sessionRows(site: string): Promise<SessionRow[]> {
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
      referrerDomain: (r.referrer_domain as string | null) ?? null,
      entryPage: r.entry_page as string,
      exitPage: (r.exit_page as string | null) ?? null,
      device: r.device as string,
      browser: (r.browser as string | null) ?? null,
      os: (r.os as string | null) ?? null,
      country: (r.country as string | null) ?? null,
    }))
  }

  async breakdown(site: string, r: TimeRange, dimension: Dimension, filters: Filters = {}, goal = 'purchase', limit = 100): Promise<BreakdownRow[]> {
    const sel = selection(site, filters)
    const g = dimension === 'page' ? goalOf('e', goal) : { sql: '', params: { goal_key: goal } }
    const rows = await this.query(breakdownSql(dimension, sel, g), { ...sel.params, ...g.params, ...range(r), limit: BigInt(limit) })
    return rows.map((r) => ({
      value: (r.value as string | null) ?? null,
      visitors: num(r.visitors),
      sessions: num(r.sessions),
      conversions: num(r.conversions),
      revenue: num(r.revenue),
    }))
  }

  async funnel(site: string, r: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters: Filters = {}): Promise<FunnelRow[]> {
    const sel = selection(site, filters)
    const params: Record<string, DuckDBValue> = { ...sel.params, ...range(r), window: BigInt(windowMs) }
    steps.forEach((s, i) => Object.assign(params, { [`type_${i + 1}`]: s.type, [`name_${i + 1}`]: s.name, [`path_${i + 1}`]: s.path }))
    const rows = await this.query(funnelSql(steps.length, sel), params)
    return funnelRows(steps, rows.map((r) => num(r.persons)), rows.map((r) => (r.median_gap === null ? null : Number(r.median_gap))))
  }

  async paths(site: string, r: TimeRange, depth = 4, limit = 20, filters: Filters = {}): Promise<PathRow[]> {
    const sel = selection(site, filters)
    const params = { ...sel.params, ...range(r), depth: BigInt(depth), limit: BigInt(limit) }
    return (await this.query(pathsSql(sel), params)).map((r) => ({ pages: [...(r.pages as string[])], sessions: num(r.sessions) }))
  }

  async revenue(site: string, r: TimeRange, filters: Filters = {}): Promise<RevenueReport> {
    const sel = selection(site, filters)
    const row = (await this.query(revenueSql(sel), { ...sel.params, ...range(r) }))[0]!
    const n = (k: string) => num(row[k])
    const aov = ratio(n('revenue'), n('orders'))
    const clv = ratio(n('lifetime_revenue'), n('customers'))
    return {
      revenue: n('revenue'),
      orders: n('orders'),
      customers: n('customers'),
      newCustomers: n('new_customers'),
      aov,
      purchaseFrequency: ratio(n('orders'), n('customers')),
      repeatPurchaseRate: ratio(n('repeat_customers'), n('customers')),
      revenuePerVisitor: ratio(n('revenue'), n('visitors')),
      clv,
      clvToAov: clv === null || aov === null ? null : ratio(clv, aov),
    }
  }

  async csat(site: string, r: TimeRange, filters: Filters = {}): Promise<CsatReport> {
    const sel = selection(site, filters)
    const row = (await this.query(csatSql(sel), { ...sel.params, ...range(r) }))[0]!
    const share = ratio(num(row.satisfied), num(row.responses))
    return { responses: num(row.responses), csat: share === null ? null : share * 100, avgScore: ratio(num(row.score_sum), num(row.responses)) }
  }

  async referrals(site: string, r: TimeRange, filters: Filters = {}, limit = 20): Promise<ReferralReport> {
    const sel = selection(site, filters)
    const params = { ...sel.params, ...range(r) }
    const t = (await this.query(referralsSql(sel), { ...params, limit: BigInt(limit) }))[0]!
    const n = (k: string) => num(t[k])
    const top = (t.top ?? []) as Record<string, unknown>[]
    return {
      invites: n('invites'),
      referrers: n('referrers'),
      referredVisitors: n('referred_visitors'),
      referredSignups: n('referred_signups'),
      referralConversionRate: ratio(n('referred_signups'), n('referred_visitors')),
      referralRate: ratio(n('inviting_customers'), n('customers')),
      kFactor: ratio(n('referred_signups'), n('visitors')),
      topReferrers: top.map((x) => ({ referralCode: x.code as string, invites: num(x.invites), signups: num(x.signups), revenue: num(x.revenue) })),
    }
  }

  async experiment(site: string, r: TimeRange, experiment: string, goal = 'purchase', filters: Filters = {}): Promise<ExperimentReport> {
    const sel = selection(site, filters)
    const g = goalOf('e', goal)
    const rows = await this.query(experimentCountsSql(sel, g), { ...sel.params, ...g.params, ...range(r), experiment })
    return experimentStats(rows.map((x) => ({ variant: x.variant as string, exposed: num(x.exposed), converted: num(x.converted) })))
  }

  async attribution(site: string, r: TimeRange, model: Model, goal: string, lookbackMs: number, by: AttributionDimension, filters: Filters = {}): Promise<AttributionRow[]> {
    const sel = selection(site, filters)
    const g = goal === 'purchase' ? null : goalOf('e', goal)
    const rows = await this.query(attributionSql(sel, g, model, by), { ...sel.params, ...(g?.params ?? {}), ...range(r), lookback: BigInt(lookbackMs) })
    return rows.map((x) => ({ value: x.value as string, conversions: Number(x.conversions), revenue: Number(x.revenue) }))
  }

  async retention(site: string, periods: readonly Bucket[], maxPeriods: number, filters: Filters = {}): Promise<Cohort[]> {
    if (periods.length === 0) return []
    const sel = selection(site, filters)
    const b = bucketing(periods)
    const counts: CohortCounts = new Map()
    for (const x of await this.query(retentionSql(sel, b), { ...sel.params, ...b.params, periods: BigInt(maxPeriods) })) {
      const c = num(x.c)
      ;(counts.get(c) ?? counts.set(c, new Map()).get(c)!).set(num(x.k), num(x.persons))
    }
    return cohortsOf(periods, counts, maxPeriods)
  }

  async churnRate(site: string, r: TimeRange, previous: TimeRange, filters: Filters = {}): Promise<number | null> {
    const sel = selection(site, filters)
    const params = { ...sel.params, ...range(r), prev_from: BigInt(previous.fromMs), prev_to: BigInt(previous.toMs) }
    const x = (await this.query(churnSql(sel), params))[0]!
    return ratio(num(x.churned), num(x.previous))
  }

  async acquisition(site: string, r: DateRange, model: Model, filters: Filters = {}): Promise<AcquisitionRow[]> {
    const sel = selection(site, filters)
    const params = { ...sel.params, ...range(r) }
    const byChannel = (rows: Record<string, unknown>[], k: string) => new Map(rows.map((x) => [x.channel as string, Number(x[k])]))
    const [visitors, newCustomers, attributed, spend] = await Promise.all([
      this.query(channelVisitorsSql(sel), params),
      this.query(newCustomerChannelsSql(sel), { ...params, lookback: BigInt(ACQUISITION_LOOKBACK_MS) }),
      this.attribution(site, r, model, 'purchase', ACQUISITION_LOOKBACK_MS, 'channel', filters),
      this.query(SPEND_BY_CHANNEL_SQL, { site, from_date: r.from, to_date: r.to }),
    ])
    return acquisitionRows({
      visitors: byChannel(visitors, 'visitors'),
      newCustomers: byChannel(newCustomers, 'customers'),
      attributed,
      spend: byChannel(spend, 'amount'),
    })
  }

  async realtime(site: string, now: number, filters: Filters = {}): Promise<number> {
    const sel = selection(site, filters)
    return num((await this.query(realtimeSql(sel), { ...sel.params, since: BigInt(now - REALTIME_WINDOW_MS) }))[0]?.visitors)
  }

  async resolvePerson(site: string, id: string): Promise<string | null> {
    return ((await this.query(RESOLVE_PERSON_SQL, { site, id }))[0]?.person as string | null | undefined) ?? null
  }

  async journey(site: string, person: string): Promise<Journey> {
    const sessions: JourneySession[] = []
    let current = null as { no: number; s: JourneySession } | null
    for (const r of await this.query(JOURNEY_SQL, { site, person })) {
      const no = num(r.sid)
      if (current?.no !== no) {
        current = {
          no,
          s: {
            start: num(r.start_t),
            end: num(r.end_t),
            channel: r.channel as string,
            source: r.source as string,
            medium: r.medium as string,
            campaign: r.campaign as string,
            entryPage: r.entry_page as string,
            exitPage: (r.exit_page as string | null) ?? null,
            device: r.device as string,
            pages: [],
            conversions: [],
            events: [],
          },
        }
        sessions.push(current.s)
      }
      const e = {
        id: r.id as string,
        type: r.type as string,
        t: num(r.t),
        path: r.path as string,
        name: (r.name as string | null) ?? null,
        orderId: (r.order_id as string | null) ?? null,
        revenue: r.revenue === null || r.revenue === undefined ? null : Number(r.revenue),
      }
      current.s.events.push(e)
      if (e.type === 'pageview') current.s.pages.push(e.path)
      if ((e.type === 'purchase' && r.first_purchase) || e.type === 'signup') {
        current.s.conversions.push({ type: e.type as 'purchase' | 'signup', t: e.t, orderId: e.orderId, revenue: e.revenue })
      }
    }
    return { personId: person, sessions }
  }
}
