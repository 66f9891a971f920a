import type { TimeRange } from './query.js'
import type { Derived, Session } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, ratio } from './metrics.js'
import { computeAttribution, DAY_MS, sessionsByPerson, touchpoints, type AttributionRow, type Model } from './attribution.js'
import { byTimeThenId } from './persons.js'

/** The lookback of acquisition's attribution and first touches (SPEC §5: the attribution default). */
export const ACQUISITION_LOOKBACK_MS = 30 * DAY_MS

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
}

/** The per-channel counts of acquisition that a store computes from events (see acquisitionCounts). */
export interface AcquisitionCounts {
  visitors: Map<string, number>
  newCustomers: Map<string, number>
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
      return {
        channel,
        visitors: p.visitors.get(channel) ?? 0,
        newCustomers,
        conversions,
        revenue,
        spend,
        cac: ratio(spend, newCustomers),
        cpa: ratio(spend, conversions),
        roas: ratio(revenue, spend),
        roi: ratio(revenue - spend, spend),
      }
    })
    .sort((a, b) => b.revenue - a.revenue || b.visitors - a.visitors || (a.channel < b.channel ? -1 : 1))
}

/** The event-derived parts of acquisition: its counts and the orders credited under `model`. */
export const acquisitionParts = (d: Derived, range: TimeRange, model: Model, filters: Filters = {}): Omit<AcquisitionParts, 'spend'> => ({
  ...acquisitionCounts(d, range, filters),
  attributed: computeAttribution(d, range, model, 'purchase', ACQUISITION_LOOKBACK_MS, 'channel', filters),
})

/**
 * The per-channel counts of acquisition over [from, to) for the selected sessions: visitors
 * (persons with a session of the channel started in range) and new customers (first order ever in
 * range, placed in a selected session) by the channel of that order's first touchpoint in the
 * lookback window.
 */
export function acquisitionCounts(d: Derived, range: TimeRange, filters: Filters = {}): AcquisitionCounts {
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
  for (const [person, o] of firstOrder) {
    if (!inRange(o.t, range) || !sessionMatches(o.session, filters, d)) continue
    const first = touchpoints(byPerson.get(person)!, { t: o.t, session: o.session, credit: 0 }, ACQUISITION_LOOKBACK_MS)[0]!
    newCustomers.set(first.channel, (newCustomers.get(first.channel) ?? 0) + 1)
  }
  return { visitors: new Map([...persons].map(([c, ps]) => [c, ps.size])), newCustomers }
}
