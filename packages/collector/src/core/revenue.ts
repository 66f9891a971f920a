import type { TimeRange } from './query.js'
import type { Derived } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, ratio } from './metrics.js'

/** SPEC §5–6 `stats/revenue`. Ratios are null when their divisor is 0. */
export interface RevenueReport {
  revenue: number
  orders: number
  customers: number
  newCustomers: number
  aov: number | null
  purchaseFrequency: number | null
  repeatPurchaseRate: number | null
  revenuePerVisitor: number | null
  clv: number | null
  clvToAov: number | null
}

/** The counts `stats/revenue` is made of, as every store computes them (see computeRevenue). */
export interface RevenueCounts {
  orders: number
  revenue: number
  customers: number
  /** Customers with at least two orders in range. */
  repeatCustomers: number
  newCustomers: number
  /** The customers' revenue from their first order ever up to `to`. */
  lifetimeRevenue: number
  visitors: number
}

/** SPEC §5 revenue metrics from their counts. */
export function revenueOf(c: RevenueCounts): RevenueReport {
  const aov = ratio(c.revenue, c.orders)
  const clv = ratio(c.lifetimeRevenue, c.customers)
  return {
    revenue: c.revenue,
    orders: c.orders,
    customers: c.customers,
    newCustomers: c.newCustomers,
    aov,
    purchaseFrequency: ratio(c.orders, c.customers),
    repeatPurchaseRate: ratio(c.repeatCustomers, c.customers),
    revenuePerVisitor: ratio(c.revenue, c.visitors),
    clv,
    clvToAov: clv === null || aov === null ? null : ratio(clv, aov),
  }
}

export const computeRevenue = (d: Derived, range: TimeRange, filters: Filters = {}): RevenueReport => revenueOf(revenueCounts(d, range, filters))

/**
 * Revenue counts over [from, to) (decisions in docs/metrics.md). An order counts once, at its
 * earliest purchase event, for the person and session of that event; with filters, only orders
 * placed in selected sessions. Customers: persons with such an order in range; new customers: those
 * of them whose first order ever is in range. clv: the customers' revenue from their first order
 * ever up to `to` (every order of theirs, whatever the filters) ÷ customers. Visitors (for
 * revenuePerVisitor) as in the overview.
 */
export function revenueCounts(d: Derived, range: TimeRange, filters: Filters = {}): RevenueCounts {
  const visitors = new Set<string>()
  for (const s of selectedSessions(d, filters)) if (s.events.some((e) => inRange(e.t, range))) visitors.add(s.person)
  let revenue = 0
  let orders = 0
  const ordersOf = new Map<string, number>()
  const firstOrderOf = new Map<string, number>()
  const lifetimeOf = new Map<string, number>()
  for (const { event, session } of firstPurchases(d).values()) {
    const p = session.person
    firstOrderOf.set(p, Math.min(firstOrderOf.get(p) ?? Infinity, event.t))
    if (event.t < range.toMs) lifetimeOf.set(p, (lifetimeOf.get(p) ?? 0) + (event.revenue ?? 0))
    if (!inRange(event.t, range) || !sessionMatches(session, filters, d)) continue
    orders++
    revenue += event.revenue ?? 0
    ordersOf.set(p, (ordersOf.get(p) ?? 0) + 1)
  }
  const customers = [...ordersOf.keys()]
  const newCustomers = customers.filter((p) => inRange(firstOrderOf.get(p)!, range)).length
  const repeat = customers.filter((p) => ordersOf.get(p)! >= 2).length
  return {
    orders,
    revenue,
    customers: customers.length,
    repeatCustomers: repeat,
    newCustomers,
    lifetimeRevenue: customers.reduce((n, p) => n + lifetimeOf.get(p)!, 0),
    visitors: visitors.size,
  }
}

/** SPEC §5–6 `stats/csat`: responses, csat (0..100) and the mean score. */
export interface CsatReport {
  responses: number
  csat: number | null
  avgScore: number | null
}

/** Scored `feedback` events, those scored 4 or 5, and the sum of their scores. */
export interface CsatCounts {
  responses: number
  satisfied: number
  scoreSum: number
}

/** SPEC §5 csat (0..100) and mean score from their counts. */
export function csatOf(c: CsatCounts): CsatReport {
  const share = ratio(c.satisfied, c.responses)
  return { responses: c.responses, csat: share === null ? null : share * 100, avgScore: ratio(c.scoreSum, c.responses) }
}

export const computeCsat = (d: Derived, range: TimeRange, filters: Filters = {}): CsatReport => csatOf(csatCounts(d, range, filters))

/** `feedback` events in range (of the selected sessions) with a score: responses, 4s and 5s, and the score sum. */
export function csatCounts(d: Derived, range: TimeRange, filters: Filters = {}): CsatCounts {
  let responses = 0
  let satisfied = 0
  let sum = 0
  for (const s of selectedSessions(d, filters)) {
    for (const e of s.events) {
      if (e.type !== 'feedback' || e.score === null || !inRange(e.t, range)) continue
      responses++
      sum += e.score
      if (e.score >= 4) satisfied++
    }
  }
  return { responses, satisfied, scoreSum: sum }
}
