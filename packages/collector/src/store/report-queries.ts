import type { Bucket, ReportQuery, TimeRange } from '../core/query.js'
import type { Filters } from '../core/filters.js'
import type { OverviewCounts } from '../core/metrics.js'
import type { BreakdownRow, Dimension } from '../core/breakdown.js'
import type { FunnelCounts, FunnelStep } from '../core/funnel.js'
import type { PathRow } from '../core/paths.js'
import type { CsatCounts, RevenueCounts } from '../core/revenue.js'
import type { ReferralCounts } from '../core/referrals.js'
import type { VariantCounts } from '../core/experiments.js'
import type { AttributionDimension, AttributionRow, Model } from '../core/attribution.js'
import type { ChurnCounts, CohortCounts } from '../core/retention.js'
import type { AcquisitionCounts } from '../core/acquisition.js'
import type { MarkovCounts } from '../core/markov.js'
import type { JourneyRow } from '../core/journey.js'
import type { SessionRow } from '../core/derive.js'

/**
 * The report queries of a store (SPEC §5–6): counts over the derived persons and sessions, each
 * the store's translation of a pure function of src/core (the contract suite in test/contract
 * requires equal results from every adapter). Ratios, null rules and result shapes are core's
 * (reports/answers.ts applies them), so an adapter computes counts only. Every query includes
 * each event acknowledged before it was asked.
 */
export interface ReportQueries {
  /** Overview counts of each bucket, in bucket order (the overview is one bucket). */
  overview(q: ReportQuery & { buckets: readonly Bucket[] }): Promise<{ label: string; counts: OverviewCounts }[]>
  /** SPEC §5 breakdown by a dimension, sorted by visitors then value, at most `limit` rows. */
  breakdown(q: ReportQuery & { dimension: Dimension; limit: number }): Promise<BreakdownRow[]>
  /** Persons reaching each funnel step, and the median time from the previous step. */
  funnel(q: ReportQuery & { steps: readonly FunnelStep[]; windowMs: number }): Promise<FunnelCounts>
  /** SPEC §6 paths: the most common first-`depth` pageview sequences of sessions. */
  paths(q: ReportQuery & { depth: number; limit: number }): Promise<PathRow[]>
  revenue(q: ReportQuery): Promise<RevenueCounts>
  csat(q: ReportQuery): Promise<CsatCounts>
  /** Referral counts and the top referral codes (sorted, at most `limit`). */
  referrals(q: ReportQuery & { limit: number }): Promise<ReferralCounts>
  /** Per variant of `experiment`, persons exposed and converted (by `goal`), in variant order. */
  experiment(q: ReportQuery & { experiment: string }): Promise<VariantCounts[]>
  /** Fractional conversions and revenue (of `goal`) per value of `by` under `model`, sorted by revenue, conversions, value. */
  attribution(q: ReportQuery & { model: Model; lookbackMs: number; by: AttributionDimension }): Promise<AttributionRow[]>
  /** The transition counts of `model=markov`'s paths (core/attribution.ts `markovCounts`), and the range's conversions and revenue of `goal`. */
  markov(q: ReportQuery & { lookbackMs: number; by: AttributionDimension }): Promise<MarkovCounts>
  /** Per cohort index and offset, the persons of the cohort active in that period. */
  retention(q: ReportQuery & { periods: readonly Bucket[]; maxPeriods: number }): Promise<CohortCounts>
  churn(q: ReportQuery & { previous: TimeRange }): Promise<ChurnCounts>
  /** Visitors per channel, new customers by the channel of their first order's first touch, and their orders' revenue per day of `days` (the range's site-local days). */
  acquisition(q: ReportQuery & { days: readonly Bucket[] }): Promise<AcquisitionCounts>
  /** Distinct persons with an event at or after `sinceMs` in the selected sessions. */
  realtime(q: { site: string; filters: Filters; sinceMs: number }): Promise<number>
  /** The person a userId or anonymousId names (SPEC §6 journeys); null without events. */
  resolvePerson(site: string, id: string): Promise<string | null>
  /** A person's events with their sessions, in time order (t, then id). */
  journey(site: string, person: string): Promise<JourneyRow[]>
  /** Every session of a site (SPEC §4): the derivation the reports build on. */
  sessions(site: string): Promise<SessionRow[]>
}
