import type { Bucket, ReportQuery, TimeRange } from '../../core/query.js'
import type { Filters } from '../../core/filters.js'
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
import type { AcquisitionCounts } from '../../core/acquisition.js'
import type { ReportQueries } from '../report-queries.js'
import type { ClickHouseConnection } from './connection.js'
import type { Tables } from './schema.js'
import { sumMapOf } from './selection.js'
import { OVERVIEW_COUNTS, overviewSql, overviewTotalSql } from './queries/overview.js'
import { sessionsSql } from './queries/sessions.js'
import { breakdownSql } from './queries/breakdown.js'
import { funnelSql, medianOf } from './queries/funnel.js'
import { pathsSql } from './queries/paths.js'
import { revenueSql } from './queries/revenue.js'
import { csatSql } from './queries/csat.js'
import { referralTotalsSql, topReferrersSql } from './queries/referrals.js'
import { experimentSql } from './queries/experiments.js'
import { attributionSql } from './queries/attribution.js'
import { KIND, markovSql } from './queries/markov.js'
import type { MarkovCounts, MarkovTransition } from '../../core/markov.js'
import { retentionSql } from './queries/retention.js'
import { churnSql } from './queries/churn.js'
import { channelVisitorsSql, newCustomerChannelsSql } from './queries/acquisition.js'
import { realtimeSql } from './queries/realtime.js'
import { browserEventsSql, isUserSql, personRowSql } from './queries/journey.js'
import type { PersonRow } from './derive/person-row.js'
import { byTimeThenId } from '../../core/persons.js'

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string))

/**
 * The report queries of the ClickHouse adapter (SPEC §5–6): SQL over the current persons rows
 * (one per person, sessions and events as arrays) in, counts out. Each mirrors a pure function
 * of src/core (the contract suite requires equal results on 18.16 and on current ClickHouse).
 */
export class ClickHouseReports implements ReportQueries {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
  ) {}

  async overview(q: ReportQuery & { buckets: readonly Bucket[] }): Promise<{ label: string; counts: OverviewCounts }[]> {
    if (q.buckets.length === 0) return []
    if (q.buckets.length === 1) {
      const [b] = q.buckets
      const [totals] = await this.conn.query(overviewTotalSql(this.t, { ...q, range: b! }))
      return [{ label: b!.label, counts: Object.fromEntries(OVERVIEW_COUNTS.map((k) => [k, num(totals?.[k])])) as unknown as OverviewCounts }]
    }
    const [row] = await this.conn.query(overviewSql(this.t, q))
    const maps = Object.fromEntries(OVERVIEW_COUNTS.map((k) => [k, sumMapOf(row?.[k])])) as Record<(typeof OVERVIEW_COUNTS)[number], Map<number, number>>
    return q.buckets.map((b, i) => ({
      label: b.label,
      counts: Object.fromEntries(OVERVIEW_COUNTS.map((k) => [k, maps[k].get(i + 1) ?? 0])) as unknown as OverviewCounts,
    }))
  }

  async sessions(site: string): Promise<SessionRow[]> {
    return (await this.conn.query(sessionsSql(this.t, site))).map((r) => ({
      person: r.person as string,
      firstId: r.first_id as string,
      start: num(r.start),
      end: num(r.end),
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
    return (await this.conn.query(breakdownSql(this.t, q))).map((r) => ({
      value: str(r.value),
      visitors: num(r.visitors),
      sessions: num(r.sessions),
      conversions: num(r.conversions),
      revenue: num(r.revenue),
    }))
  }

  async funnel(q: ReportQuery & { steps: readonly FunnelStep[]; windowMs: number }): Promise<FunnelCounts> {
    const [r] = await this.conn.query(funnelSql(this.t, q))
    return {
      reached: q.steps.map((_, i) => num(r?.[`reached_${i + 1}`])),
      medians: q.steps.map((_, i) => (i === 0 ? null : medianOf(((r?.[`gaps_${i + 1}`] ?? []) as unknown[]).map(Number)))),
    }
  }

  async paths(q: ReportQuery & { depth: number; limit: number }): Promise<PathRow[]> {
    return (await this.conn.query(pathsSql(this.t, q))).map((r) => ({ pages: [...(r.seq as string[])], sessions: num(r.sessions) }))
  }

  async revenue(q: ReportQuery): Promise<RevenueCounts> {
    const [r] = await this.conn.query(revenueSql(this.t, q))
    return {
      orders: num(r?.orders),
      revenue: num(r?.revenue),
      customers: num(r?.customers),
      repeatCustomers: num(r?.repeat_customers),
      newCustomers: num(r?.new_customers),
      lifetimeRevenue: num(r?.lifetime_revenue),
      visitors: num(r?.visitors),
    }
  }

  async csat(q: ReportQuery): Promise<CsatCounts> {
    const [r] = await this.conn.query(csatSql(this.t, q))
    return { responses: num(r?.responses), satisfied: num(r?.satisfied), scoreSum: num(r?.score_sum) }
  }

  async referrals(q: ReportQuery & { limit: number }): Promise<ReferralCounts> {
    const [[r], top] = await Promise.all([this.conn.query(referralTotalsSql(this.t, q)), this.conn.query(topReferrersSql(this.t, q))])
    return {
      invites: num(r?.invites),
      referrers: num(r?.referrers),
      referredVisitors: num(r?.referred_visitors),
      referredSignups: num(r?.referred_signups),
      customers: num(r?.customers),
      invitingCustomers: num(r?.inviting_customers),
      visitors: num(r?.visitors),
      topReferrers: top.map((x) => ({ referralCode: x.code as string, invites: num(x.invites), signups: num(x.signups), revenue: num(x.revenue) })),
    }
  }

  async experiment(q: ReportQuery & { experiment: string }): Promise<VariantCounts[]> {
    return (await this.conn.query(experimentSql(this.t, q))).map((x) => ({ variant: x.variant as string, exposed: num(x.exposed), converted: num(x.converted) }))
  }

  async attribution(q: ReportQuery & { model: Model; lookbackMs: number; by: AttributionDimension }): Promise<AttributionRow[]> {
    return (await this.conn.query(attributionSql(this.t, q))).map((x) => ({ value: x.value as string, conversions: num(x.conversions), revenue: num(x.revenue) }))
  }

  async retention(q: ReportQuery & { periods: readonly Bucket[]; maxPeriods: number }): Promise<CohortCounts> {
    const counts: CohortCounts = new Map()
    if (q.periods.length === 0) return counts
    for (const x of await this.conn.query(retentionSql(this.t, q))) {
      const c = num(x.cohort_index)
      ;(counts.get(c) ?? counts.set(c, new Map()).get(c)!).set(num(x.period_offset), num(x.persons))
    }
    return counts
  }

  async churn(q: ReportQuery & { previous: TimeRange }): Promise<ChurnCounts> {
    const [r] = await this.conn.query(churnSql(this.t, q))
    return { previous: num(r?.previous), churned: num(r?.churned) }
  }

  async markov(q: ReportQuery & { lookbackMs: number; by: AttributionDimension }): Promise<MarkovCounts> {
    const transitions: MarkovTransition[] = []
    let conversions = 0
    let revenue = 0
    for (const x of await this.conn.query(markovSql(this.t, q))) {
      const kind = num(x.kind)
      const converts = num(x.converts) === 1
      const count = num(x.n)
      const fromStart = kind === KIND.startToValue || kind === KIND.startToEnd
      const toEnd = kind === KIND.valueToEnd || kind === KIND.startToEnd
      transitions.push({ from: fromStart ? null : (x.src as string), to: toEnd ? null : (x.dst as string), converts: toEnd && converts, count })
      if (toEnd && converts) {
        conversions += count
        revenue += num(x.revenue)
      }
    }
    return { transitions, conversions, revenue }
  }

  async acquisition(q: ReportQuery & { days: readonly Bucket[] }): Promise<AcquisitionCounts> {
    const [visitors, customers] = await Promise.all([this.conn.query(channelVisitorsSql(this.t, q)), this.conn.query(newCustomerChannelsSql(this.t, q))])
    const byChannel = (rows: Record<string, unknown>[]) => new Map(rows.map((x) => [x.channel as string, num(x.n)]))
    const newCustomerRevenue = new Map(
      customers.map((x) => {
        const daily = sumMapOf(x.daily)
        return [x.channel as string, q.days.map((_, i) => daily.get(i + 1) ?? 0)]
      }),
    )
    return { visitors: byChannel(visitors), newCustomers: byChannel(customers), newCustomerRevenue }
  }

  async realtime(q: { site: string; filters: Filters; sinceMs: number }): Promise<number> {
    const [r] = await this.conn.query(realtimeSql(this.t, q))
    return num(r?.visitors)
  }

  /**
   * core/journey.ts `resolvePerson`: a userId on any non-bot event is its own person; a browser's
   * person is the person of its earliest event without a userId (the account its earliest
   * identify/signup links, else itself), or else of its earliest event (that event's userId).
   */
  async resolvePerson(site: string, id: string): Promise<string | null> {
    if ((await this.conn.query(isUserSql(this.t, site, id))).length > 0) return id
    const copies = await this.conn.query<{ id: string; type: string; t: number; received_at: number; user_id: string | null }>(browserEventsSql(this.t, site, id))
    const own = new Map<string, { id: string; type: string; t: number; userId: string | null }>()
    for (const c of [...copies].sort((a, b) => a.received_at - b.received_at || a.t - b.t)) {
      if (!own.has(c.id)) own.set(c.id, { id: c.id, type: c.type, t: Number(c.t), userId: c.user_id })
    }
    const events = [...own.values()].sort(byTimeThenId)
    if (events.length === 0) return null
    const anonymous = events.find((e) => e.userId === null)
    if (!anonymous) return events[0]!.userId
    return events.find((e) => e.userId !== null && (e.type === 'identify' || e.type === 'signup'))?.userId ?? id
  }

  async journey(site: string, person: string): Promise<JourneyRow[]> {
    const [r] = await this.conn.query<PersonRow>(personRowSql(this.t, site, person))
    if (!r) return []
    return r.e_id.map((id, j) => {
      const si = r.e_sess[j]! - 1
      return {
        session: si,
        sessionInfo: {
          start: num(r.s_start[si]),
          end: num(r.s_end[si]),
          channel: r.s_channel[si]!,
          source: r.s_source[si]!,
          medium: r.s_medium[si]!,
          campaign: r.s_campaign[si]!,
          entryPage: r.s_entry[si]!,
          exitPage: r.s_exit[si] ?? null,
          device: r.s_device[si]!,
        },
        event: {
          id,
          type: r.e_type[j]!,
          t: num(r.e_t[j]),
          path: r.e_path[j]!,
          name: r.e_name[j] ?? null,
          orderId: r.e_order[j] ?? null,
          revenue: r.e_revenue[j] === null || r.e_revenue[j] === undefined ? null : Number(r.e_revenue[j]),
        },
        firstPurchase: r.e_first[j] === 1,
      }
    })
  }
}
