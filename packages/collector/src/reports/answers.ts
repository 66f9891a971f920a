import type { Bucket, DateRange, ReportQuery, TimeRange } from '../core/query.js'
import type { Filters } from '../core/filters.js'
import { overviewOf, REALTIME_WINDOW_MS, type FullOverview } from '../core/metrics.js'
import type { BreakdownRow, Dimension } from '../core/breakdown.js'
import { funnelRows, type FunnelRow, type FunnelStep } from '../core/funnel.js'
import type { PathRow } from '../core/paths.js'
import { csatOf, revenueOf, type CsatReport, type RevenueReport } from '../core/revenue.js'
import { referralsOf, type ReferralReport } from '../core/referrals.js'
import { experimentStats, type ExperimentReport } from '../core/experiments.js'
import type { AttributionDimension, AttributionModel, AttributionRow } from '../core/attribution.js'
import { markovRows } from '../core/markov.js'
import { churnRateOf, cohortsOf, type Cohort } from '../core/retention.js'
import { ACQUISITION_LOOKBACK_MS, acquisitionRows, dayBuckets, type AcquisitionRow } from '../core/acquisition.js'
import { journeyFromRows, type Journey } from '../core/journey.js'
import type { Store } from '../store/store.js'

/**
 * Every report of SPEC §6 as its route answers it: the store's counts, shaped into metrics by
 * core (ratios, null rules, result shapes) — the same for every store adapter. Routes parse a
 * request into a ReportQuery and call one of these; the contract suite calls them on each adapter.
 */
export class ReportAnswers {
  constructor(private readonly store: Pick<Store, 'reports' | 'catalog'>) {}

  async overview(q: ReportQuery): Promise<FullOverview> {
    const [only] = await this.overviewBuckets({ ...q, buckets: [{ label: '', ...q.range }] })
    return only!.overview
  }

  async overviewBuckets(q: ReportQuery & { buckets: readonly Bucket[] }): Promise<{ label: string; overview: FullOverview }[]> {
    if (q.buckets.length === 0) return []
    return (await this.store.reports.overview(q)).map((b) => ({ label: b.label, overview: overviewOf(b.counts) }))
  }

  breakdown(q: ReportQuery & { dimension: Dimension; limit: number }): Promise<BreakdownRow[]> {
    return this.store.reports.breakdown(q)
  }

  async funnel(q: ReportQuery & { steps: readonly FunnelStep[]; windowMs: number }): Promise<FunnelRow[]> {
    return funnelRows(q.steps, await this.store.reports.funnel(q))
  }

  paths(q: ReportQuery & { depth: number; limit: number }): Promise<PathRow[]> {
    return this.store.reports.paths(q)
  }

  async revenue(q: ReportQuery): Promise<RevenueReport> {
    return revenueOf(await this.store.reports.revenue(q))
  }

  async csat(q: ReportQuery): Promise<CsatReport> {
    return csatOf(await this.store.reports.csat(q))
  }

  async referrals(q: ReportQuery & { limit: number }): Promise<ReferralReport> {
    return referralsOf(await this.store.reports.referrals(q))
  }

  async experiment(q: ReportQuery & { experiment: string }): Promise<ExperimentReport> {
    return experimentStats(await this.store.reports.experiment(q))
  }

  /** Rule-based models: the store's credits; `markov`: the store's transition counts, solved by core. */
  async attribution(q: ReportQuery & { model: AttributionModel; lookbackMs: number; by: AttributionDimension }): Promise<AttributionRow[]> {
    const { model } = q
    return model === 'markov' ? markovRows(await this.store.reports.markov(q)) : this.store.reports.attribution({ ...q, model })
  }

  async retention(q: ReportQuery & { periods: readonly Bucket[]; maxPeriods: number }): Promise<Cohort[]> {
    if (q.periods.length === 0) return []
    return cohortsOf(q.periods, await this.store.reports.retention(q), q.maxPeriods)
  }

  async churnRate(q: ReportQuery & { previous: TimeRange }): Promise<number | null> {
    return churnRateOf(await this.store.reports.churn(q))
  }

  /**
   * Acquisition per channel: the store's counts (new customers' revenue per day of `days`, the
   * range's site-local days — the route passes them; default: 24-hour days from `from`, which are
   * the local days of a UTC site), the orders credited under `model`, and the spend of the range's dates.
   */
  async acquisition(q: ReportQuery & { range: DateRange; model: AttributionModel; days?: readonly Bucket[] }): Promise<AcquisitionRow[]> {
    const days = q.days ?? dayBuckets(q.range)
    const [counts, attributed, spend] = await Promise.all([
      this.store.reports.acquisition({ ...q, days }),
      this.attribution({ ...q, goal: 'purchase', lookbackMs: ACQUISITION_LOOKBACK_MS, by: 'channel' }),
      this.store.catalog.spendByChannel(q.site, q.range.from, q.range.to),
    ])
    return acquisitionRows({ ...counts, attributed, spend })
  }

  /** Visitors in the 5 minutes before `now` (SPEC §6 realtime). */
  realtime(q: { site: string; filters: Filters; now: number }): Promise<number> {
    return this.store.reports.realtime({ site: q.site, filters: q.filters, sinceMs: q.now - REALTIME_WINDOW_MS })
  }

  /** The journey of the person an id names; null when no event names it. */
  async journey(site: string, id: string): Promise<Journey | null> {
    const person = await this.store.reports.resolvePerson(site, id)
    return person === null ? null : journeyFromRows(person, await this.store.reports.journey(site, person))
  }
}
