/*
 * The storage interface. The DuckDB adapter implements it today, a ClickHouse adapter later;
 * SQL dialect details stay inside the adapters.
 */

/** One stored, enriched event (the immutable log; SPEC §1.1). Times are ms since epoch. */
export interface EventRow {
  site: string
  id: string
  type: string
  name: string | null
  /** Skew-corrected event time (SPEC §2): ts + (receivedAt − sentAt). */
  t: number
  /** Client clock time as sent; identical on retries, so dedup can look it up. */
  ts: number
  receivedAt: number
  anonymousId: string
  userId: string | null
  url: string
  path: string
  referrer: string | null
  referrerDomain: string | null
  title: string | null
  props: string | null
  orderId: string | null
  revenue: number | null
  currency: string | null
  items: string | null
  referralCode: string | null
  /** The URL's `?ref=` referral code (channel rule 6 of SPEC §4). */
  urlRef: string | null
  score: number | null
  experiment: string | null
  variant: string | null
  engagedMs: number | null
  browser: string | null
  os: string | null
  device: string
  isBot: boolean
  country: string | null
  utmSource: string | null
  utmMedium: string | null
  utmCampaign: string | null
  utmTerm: string | null
  utmContent: string | null
  utmId: string | null
  gclid: string | null
  fbclid: string | null
  msclkid: string | null
}

/** A site (SPEC §6 `POST /v1/sites`). */
export interface Site {
  id: string
  name: string
  origins: string[]
  timezone: string
  currency: string
}

export type { Bucket, DateRange, SpendRow, TimeRange } from '../core/query.js'
import type { Bucket, DateRange, SpendRow, TimeRange } from '../core/query.js'

export type { FullOverview as Overview } from '../core/metrics.js'
export type { Filters } from '../core/filters.js'
import type { FullOverview } from '../core/metrics.js'
import type { Filters } from '../core/filters.js'
import type { Journey } from '../core/journey.js'
import type { BreakdownRow, Dimension } from '../core/breakdown.js'
import type { FunnelRow, FunnelStep } from '../core/funnel.js'
import type { PathRow } from '../core/paths.js'
import type { CsatReport, RevenueReport } from '../core/revenue.js'
import type { ReferralReport } from '../core/referrals.js'
import type { ExperimentReport } from '../core/experiments.js'
import type { Cohort } from '../core/retention.js'
import type { AcquisitionRow } from '../core/acquisition.js'
import type { AttributionDimension, AttributionRow, Model } from '../core/attribution.js'

/** `site` + NUL + `id`: the dedup key. */
export type EventKey = string

export interface Store {
  /** Creates tables; idempotent. */
  init(): Promise<void>
  /** Appends rows in one transaction: all or none are stored when it settles. */
  appendEvents(rows: readonly EventRow[]): Promise<void>
  /** Which of these (site, id) pairs are stored already. */
  findStored(keys: readonly { site: string; id: string }[]): Promise<Set<EventKey>>
  /** Keys of events received at or after `sinceMs`, oldest first, in pages (to rebuild the dedup filter). */
  scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void>
  listSites(): Promise<Site[]>
  upsertSite(site: Site): Promise<void>
  getSetting(key: string): Promise<string | null>
  setSetting(key: string, value: string): Promise<void>
  /** SPEC §5 overview over the range for the sessions the filters select; `goal` for conversionRate. */
  overview(site: string, range: TimeRange, filters?: Filters, goal?: string): Promise<FullOverview>
  /** The overview of each bucket, in bucket order (SPEC §6 timeseries). */
  overviewBuckets(site: string, buckets: readonly Bucket[], filters?: Filters, goal?: string): Promise<{ label: string; overview: FullOverview }[]>
  /** SPEC §5 breakdown by a dimension, sorted by visitors then value, at most `limit` rows. */
  breakdown(site: string, range: TimeRange, dimension: Dimension, filters?: Filters, goal?: string, limit?: number): Promise<BreakdownRow[]>
  /** SPEC §5 funnel: per step, persons, conversions and median time from the previous step. */
  funnel(site: string, range: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters?: Filters): Promise<FunnelRow[]>
  /** SPEC §6 paths: the most common first-`depth` pageview sequences of sessions. */
  paths(site: string, range: TimeRange, depth?: number, limit?: number, filters?: Filters): Promise<PathRow[]>
  /** SPEC §5–6 revenue: orders, customers, new customers, AOV, frequency, repeat rate, revenue per visitor, CLV. */
  revenue(site: string, range: TimeRange, filters?: Filters): Promise<RevenueReport>
  /** SPEC §5–6 csat: scored feedback responses, share of 4–5 (0..100) and mean score. */
  csat(site: string, range: TimeRange, filters?: Filters): Promise<CsatReport>
  /** SPEC §5–6 referrals: invites, referrers, referred visitors and signups, rates, k-factor, top referral codes. */
  referrals(site: string, range: TimeRange, filters?: Filters, limit?: number): Promise<ReferralReport>
  /** SPEC §5–6 experiments: per variant exposed, converted, rate, uplift, p-value, 95 % CI; SRM p-value. */
  experiment(site: string, range: TimeRange, experiment: string, goal?: string, filters?: Filters): Promise<ExperimentReport>
  /** SPEC §5–6 attribution: fractional conversions and revenue per channel, source or campaign under a model. */
  attribution(site: string, range: TimeRange, model: Model, goal: string, lookbackMs: number, by: AttributionDimension, filters?: Filters): Promise<AttributionRow[]>
  /** SPEC §5 retention: cohorts by the period of a person's first in-range event, retained shares per period. */
  retention(site: string, periods: readonly Bucket[], maxPeriods: number, filters?: Filters): Promise<Cohort[]>
  /** SPEC §5 churnRate: previous period's customers without an order in this one ÷ previous period's customers. */
  churnRate(site: string, range: TimeRange, previous: TimeRange, filters?: Filters): Promise<number | null>
  /** SPEC §5 acquisition per channel: visitors, new customers, attributed conversions and revenue, spend, CAC, CPA, ROAS, ROI. */
  acquisition(site: string, range: DateRange, model: Model, filters?: Filters): Promise<AcquisitionRow[]>
  /** Stores ad spend rows (SPEC §6) at once: a row replaces the stored one with the same date, channel, source and campaign. */
  upsertSpend(site: string, rows: readonly SpendRow[]): Promise<void>
  /** Visitors in the 5 minutes before `now` (SPEC §6 realtime). */
  realtime(site: string, now: number, filters?: Filters): Promise<number>
  /** The person a userId or anonymousId names (SPEC §6 journeys); null without events. */
  resolvePerson(site: string, id: string): Promise<string | null>
  /** All sessions of a person in time order, with pages, events and conversions (SPEC §4). */
  journey(site: string, person: string): Promise<Journey>
  /**
   * Derives persons, sessions and orders again from the whole event log, replacing the derived
   * tables (`trackway rebuild`); the reports otherwise keep them current incrementally.
   */
  rebuild(): Promise<{ events: number; persons: number; ms: number }>
  /** Stored events of a site, bots included. */
  countEvents(site: string): Promise<number>
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>
  /** Flushes and closes; no call may follow. */
  close(): Promise<void>
}

export const eventKey = (site: string, id: string): EventKey => `${site}\u0000${id}`
