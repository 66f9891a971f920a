import type { Overview, TimeRange } from '../store/types.js'
import { byTimeThenId, linkedUsers, personOf, type PersonEvent } from './persons.js'

export interface OverviewEvent extends PersonEvent {
  orderId: string | null
  revenue: number | null
}

const inRange = (t: number, r: TimeRange) => t >= r.fromMs && t < r.toMs

/**
 * The foundation overview as a pure function of the log (SPEC §5), bots excluded:
 * visitors = distinct persons with an event in range; pageviews; orders = distinct orderIds whose
 * earliest purchase event (by t, then id) is in range, revenue = the sum of those events'
 * revenue; signups = distinct persons with a signup event in range.
 * The DuckDB adapter computes the same in SQL (store/duckdb/overview-sql.ts).
 */
export function computeOverview(log: readonly OverviewEvent[], range: TimeRange): Overview {
  const events = log.filter((e) => !e.isBot)
  const links = linkedUsers(events)
  const visitors = new Set<string>()
  const signups = new Set<string>()
  let pageviews = 0
  const firstPurchase = new Map<string, OverviewEvent>()
  for (const e of events) {
    if (e.type === 'purchase' && e.orderId !== null) {
      const seen = firstPurchase.get(e.orderId)
      if (!seen || byTimeThenId(e, seen) < 0) firstPurchase.set(e.orderId, e)
    }
    if (!inRange(e.t, range)) continue
    const person = personOf(e, links)
    visitors.add(person)
    if (e.type === 'pageview') pageviews++
    if (e.type === 'signup') signups.add(person)
  }
  let orders = 0
  let revenue = 0
  for (const p of firstPurchase.values()) {
    if (!inRange(p.t, range)) continue
    orders++
    revenue += p.revenue ?? 0
  }
  return { visitors: visitors.size, pageviews, orders, revenue, signups: signups.size }
}
