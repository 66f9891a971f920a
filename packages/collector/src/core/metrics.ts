import type { TimeRange } from './query.js'
import type { CoreEvent, Derived, Session } from './derive.js'
import { hasFilters, selectedSessions, sessionMatches, type Filters } from './filters.js'
import { byTimeThenId } from './persons.js'

/** The full overview of SPEC §6. Ratios are null when their divisor is 0 (SPEC §5). */
export interface FullOverview {
  visitors: number
  sessions: number
  pageviews: number
  bounceRate: number | null
  pagesPerSession: number | null
  avgSessionMs: number | null
  conversionRate: number | null
  orders: number
  revenue: number
  aov: number | null
  cartAbandonmentRate: number | null
  checkoutCompletionRate: number | null
  signups: number
}

/**
 * The counts an overview is made of (SPEC §5), as every store computes them; `overviewOf` turns
 * them into the metrics. Sessions are the ones started in range, events the ones in range.
 */
export interface OverviewCounts {
  /** Distinct persons with an event in range. */
  visitors: number
  sessions: number
  pageviews: number
  /** Sessions with exactly one pageview and no event but pageviews and engagement. */
  bounces: number
  /** Pageviews of the sessions (in range or not). */
  sessionPageviews: number
  /** Summed session lengths (sessionLengthMs). */
  lengthSum: number
  /** Persons with a goal event in range. */
  converted: number
  /** Sessions with a cart_add, and of them those with a later purchase. */
  carts: number
  cartsBought: number
  checkouts: number
  checkoutsBought: number
  orders: number
  revenue: number
  /** Persons with a signup in range. */
  signups: number
}

/** The overview metrics of SPEC §5 from their counts; ratios are null when their divisor is 0. */
export function overviewOf(c: OverviewCounts): FullOverview {
  const cartConversion = ratio(c.cartsBought, c.carts)
  return {
    visitors: c.visitors,
    sessions: c.sessions,
    pageviews: c.pageviews,
    bounceRate: ratio(c.bounces, c.sessions),
    pagesPerSession: ratio(c.sessionPageviews, c.sessions),
    avgSessionMs: ratio(c.lengthSum, c.sessions),
    conversionRate: ratio(c.converted, c.visitors),
    orders: c.orders,
    revenue: c.revenue,
    aov: ratio(c.revenue, c.orders),
    cartAbandonmentRate: cartConversion === null ? null : 1 - cartConversion,
    checkoutCompletionRate: ratio(c.checkoutsBought, c.checkouts),
    signups: c.signups,
  }
}

/** A goal: an event type, or `custom:name` for a custom event of that name. */
export function isGoal(e: CoreEvent, goal: string): boolean {
  return goal.startsWith('custom:') ? e.type === 'custom' && e.name === goal.slice(7) : e.type === goal
}

export const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d)
/** Is `t` in the half-open range [fromMs, toMs)? */
export const inRange = (t: number, r: TimeRange) => t >= r.fromMs && t < r.toMs

/** Does a `b` event follow an `a` event in the session (by t, then id)? */
function followedBy(s: Session, a: string, b: string): boolean {
  let seenA = false
  for (const e of s.events) {
    if (e.type === a) seenA = true
    else if (seenA && e.type === b) return true
  }
  return false
}

/** Session length: last t − first t, plus the engagement measured after the last pageview (SPEC §5). */
export function sessionLengthMs(s: Session): number {
  let lastPageview = -1
  s.events.forEach((e, i) => e.type === 'pageview' && (lastPageview = i))
  let tail = 0
  if (lastPageview >= 0) for (const e of s.events.slice(lastPageview + 1)) if (e.type === 'engagement') tail += e.engagedMs ?? 0
  return s.end - s.start + tail
}

/** The earliest purchase event of every order over the whole log (by t, then id). */
export function firstPurchases(d: Derived): Map<string, { event: CoreEvent; session: Session }> {
  const first = new Map<string, { event: CoreEvent; session: Session }>()
  for (const session of d.sessions) {
    for (const event of session.events) {
      if (event.type !== 'purchase' || event.orderId === null) continue
      const seen = first.get(event.orderId)
      if (!seen || byTimeThenId(event, seen.event) < 0) first.set(event.orderId, { event, session })
    }
  }
  return first
}

/** SPEC §5 metrics of the overview over [from, to), for the sessions the filters select. */
export const computeFullOverview = (d: Derived, range: TimeRange, filters: Filters = {}, goal = 'purchase'): FullOverview =>
  overviewOf(overviewCounts(d, range, filters, goal))

/** The counts of the overview over [from, to), for the sessions the filters select. */
export function overviewCounts(d: Derived, range: TimeRange, filters: Filters = {}, goal = 'purchase'): OverviewCounts {
  const selected = selectedSessions(d, filters)
  const visitors = new Set<string>()
  const converted = new Set<string>()
  const signups = new Set<string>()
  let pageviews = 0
  for (const s of selected) {
    for (const e of s.events) {
      if (!inRange(e.t, range)) continue
      visitors.add(s.person)
      if (e.type === 'pageview') pageviews++
      if (e.type === 'signup') signups.add(s.person)
      if (isGoal(e, goal)) converted.add(s.person)
    }
  }
  const started = selected.filter((s) => inRange(s.start, range))
  let bounces = 0
  let sessionPageviews = 0
  let lengthSum = 0
  let carts = 0
  let cartsBought = 0
  let checkouts = 0
  let checkoutsBought = 0
  for (const s of started) {
    const pv = s.events.filter((e) => e.type === 'pageview').length
    sessionPageviews += pv
    if (pv === 1 && s.events.every((e) => e.type === 'pageview' || e.type === 'engagement')) bounces++
    lengthSum += sessionLengthMs(s)
    if (s.events.some((e) => e.type === 'cart_add')) {
      carts++
      if (followedBy(s, 'cart_add', 'purchase')) cartsBought++
    }
    if (s.events.some((e) => e.type === 'checkout')) {
      checkouts++
      if (followedBy(s, 'checkout', 'purchase')) checkoutsBought++
    }
  }
  let orders = 0
  let revenue = 0
  for (const { event, session } of firstPurchases(d).values()) {
    if (!inRange(event.t, range) || !sessionMatches(session, filters, d)) continue
    orders++
    revenue += event.revenue ?? 0
  }
  return {
    visitors: visitors.size,
    sessions: started.length,
    pageviews,
    bounces,
    sessionPageviews,
    lengthSum,
    converted: converted.size,
    carts,
    cartsBought,
    checkouts,
    checkoutsBought,
    orders,
    revenue,
    signups: signups.size,
  }
}

/** Realtime window of SPEC §6: visitors in the last 5 minutes. */
export const REALTIME_WINDOW_MS = 5 * 60 * 1000

/** Distinct persons with an event in the last 5 minutes, in the sessions the filters select. */
export function computeRealtime(d: Derived, now: number, filters: Filters = {}): number {
  const persons = new Set<string>()
  for (const s of d.sessions) {
    if (s.end < now - REALTIME_WINDOW_MS || (hasFilters(filters) && !sessionMatches(s, filters, d))) continue
    if (s.events.some((e) => e.t >= now - REALTIME_WINDOW_MS)) persons.add(s.person)
  }
  return persons.size
}
