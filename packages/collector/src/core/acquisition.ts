import type { Bucket, TimeRange } from './query.js'
import type { Derived, Session } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, ratio } from './metrics.js'
import { computeAttribution, DAY_MS, sessionsByPerson, touchpoints, type AttributionModel, type AttributionRow } from './attribution.js'
import { byTimeThenId } from './persons.js'

/** The lookback of acquisition's attribution and first touches (SPEC §5: the attribution default). */
export const ACQUISITION_LOOKBACK_MS = 30 * DAY_MS

/** paybackDays compares revenue with spend to this many currency units, so summation order cannot matter (SPEC §5). */
export const PAYBACK_TOLERANCE = 0.000001

export interface AcquisitionRow {
  channel: string
  visitors: number
  newCustomers: number
  conversions: number
  revenue: number
  spend: number
  cac: number | null
  cpa: number | null
  roas: number | null
  roi: number | null
  /** The row's new customers' revenue up to `to` ÷ their number; null without new customers. */
  clv: number | null
  /** clv ÷ cac; null when either is null or cac is 0. */
  ltvToCac: number | null
  /** Days from `from` until the new customers' revenue covers the range's spend; null without spend or when it never does. */
  paybackDays: number | null
}

/** The per-channel counts of acquisition that a store computes from events (see acquisitionCounts). */
export interface AcquisitionCounts {
  visitors: Map<string, number>
  newCustomers: Map<string, number>
  /**
   * Per channel (as newCustomers), the revenue of those new customers' orders (each once, at its
   * earliest purchase) placed on each day of the range: element d is day `from` + d.
   */
  newCustomerRevenue: Map<string, number[]>
}

/** The figures acquisition merges, per channel: the counts, the attributed credit and the spend. */
export interface AcquisitionParts extends AcquisitionCounts {
  attributed: readonly AttributionRow[]
  spend: Map<string, number>
}

/**
 * One row per channel with an in-range session, attributed credit, a new customer or spend
 * (SPEC §5 Acquisition), with cac = spend ÷ newCustomers, cpa = spend ÷ conversions,
 * roas = revenue ÷ spend, roi = (revenue − spend) ÷ spend; sorted by revenue, visitors (descending),
 * then channel.
 */
export function acquisitionRows(p: AcquisitionParts): AcquisitionRow[] {
  const credit = new Map(p.attributed.map((r) => [r.value, r]))
  const channels = new Set([...p.visitors.keys(), ...p.newCustomers.keys(), ...credit.keys(), ...p.spend.keys()])
  return [...channels]
    .map((channel) => {
      const spend = p.spend.get(channel) ?? 0
      const conversions = credit.get(channel)?.conversions ?? 0
      const revenue = credit.get(channel)?.revenue ?? 0
      const newCustomers = p.newCustomers.get(channel) ?? 0
      const daily = p.newCustomerRevenue.get(channel) ?? []
      const cac = ratio(spend, newCustomers)
      const clv = ratio(daily.reduce((a, b) => a + b, 0), newCustomers)
      return {
        channel,
        visitors: p.visitors.get(channel) ?? 0,
        newCustomers,
        conversions,
        revenue,
        spend,
        cac,
        cpa: ratio(spend, conversions),
        roas: ratio(revenue, spend),
        roi: ratio(revenue - spend, spend),
        clv,
        ltvToCac: clv === null || cac === null || cac === 0 ? null : clv / cac,
        paybackDays: paybackDays(daily, spend),
      }
    })
    .sort((a, b) => b.revenue - a.revenue || b.visitors - a.visitors || (a.channel < b.channel ? -1 : 1))
}

/**
 * SPEC §5 paybackDays: the smallest day index d whose cumulative revenue (days 0..d) reaches
 * `spend` within PAYBACK_TOLERANCE; null when spend is 0 or the range's revenue stays below it.
 */
export function paybackDays(daily: readonly number[], spend: number): number | null {
  if (spend === 0) return null
  let sum = 0
  for (let d = 0; d < daily.length; d++) {
    sum += daily[d]!
    if (sum >= spend - PAYBACK_TOLERANCE) return d
  }
  return null
}

/** 24-hour days from `fromMs` to `toMs` (the UTC days of a range in UTC), the last one cut to the range. */
export function dayBuckets(range: TimeRange): Bucket[] {
  const out: Bucket[] = []
  for (let t = range.fromMs; t < range.toMs; t += DAY_MS) out.push({ label: String(out.length), fromMs: t, toMs: Math.min(t + DAY_MS, range.toMs) })
  return out
}

/** The event-derived parts of acquisition: its counts and the orders credited under `model`, by the range's `days` (default: dayBuckets). */
export const acquisitionParts = (
  d: Derived,
  range: TimeRange,
  model: AttributionModel,
  filters: Filters = {},
  days: readonly TimeRange[] = dayBuckets(range),
): Omit<AcquisitionParts, 'spend'> => ({
  ...acquisitionCounts(d, range, filters, days),
  attributed: computeAttribution(d, range, model, 'purchase', ACQUISITION_LOOKBACK_MS, 'channel', filters),
})

/**
 * The per-channel counts of acquisition over [from, to) for the selected sessions: visitors
 * (persons with a session of the channel started in range), new customers (first order ever in
 * range, placed in a selected session) by the channel of that order's first touchpoint in the
 * lookback window, and their orders' revenue per day of `days` — every order of theirs before
 * `to`, in any session (their lifetime value, as the revenue report's clv: a filter selects the
 * customer, not their later orders).
 */
export function acquisitionCounts(d: Derived, range: TimeRange, filters: Filters = {}, days: readonly TimeRange[] = dayBuckets(range)): AcquisitionCounts {
  const persons = new Map<string, Set<string>>()
  for (const s of selectedSessions(d, filters)) {
    if (inRange(s.start, range)) (persons.get(s.channel) ?? persons.set(s.channel, new Set()).get(s.channel)!).add(s.person)
  }
  const byPerson = sessionsByPerson(d)
  const firstOrder = new Map<string, { t: number; id: string; session: Session }>()
  for (const { event, session } of firstPurchases(d).values()) {
    const seen = firstOrder.get(session.person)
    if (!seen || byTimeThenId(event, seen) < 0) firstOrder.set(session.person, { t: event.t, id: event.id, session })
  }
  const newCustomers = new Map<string, number>()
  const channelOf = new Map<string, string>()
  for (const [person, o] of firstOrder) {
    if (!inRange(o.t, range) || !sessionMatches(o.session, filters, d)) continue
    const first = touchpoints(byPerson.get(person)!, { t: o.t, session: o.session, credit: 0 }, ACQUISITION_LOOKBACK_MS)[0]!
    newCustomers.set(first.channel, (newCustomers.get(first.channel) ?? 0) + 1)
    channelOf.set(person, first.channel)
  }
  const newCustomerRevenue = new Map([...newCustomers.keys()].map((c) => [c, days.map(() => 0)]))
  for (const { event, session } of firstPurchases(d).values()) {
    const channel = channelOf.get(session.person)
    const day = channel === undefined ? -1 : days.findIndex((b) => inRange(event.t, b))
    if (day >= 0) newCustomerRevenue.get(channel!)![day]! += event.revenue ?? 0
  }
  return { visitors: new Map([...persons].map(([c, ps]) => [c, ps.size])), newCustomers, newCustomerRevenue }
}
