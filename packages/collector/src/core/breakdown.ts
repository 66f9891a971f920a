import type { TimeRange } from './query.js'
import type { CoreEvent, Derived, Session } from './derive.js'
import { hasFilters, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, isGoal } from './metrics.js'
import { byTimeThenId } from './persons.js'

/** Session dimensions of SPEC §5 breakdowns (a session's first event; exitPage: its last pageview). */
export const SESSION_DIMENSIONS = [
  'channel',
  'source',
  'medium',
  'campaign',
  'referrerDomain',
  'entryPage',
  'exitPage',
  'device',
  'browser',
  'os',
  'country',
] as const
export const DIMENSIONS = [...SESSION_DIMENSIONS, 'page'] as const
export type Dimension = (typeof DIMENSIONS)[number]

export interface BreakdownRow {
  value: string | null
  visitors: number
  sessions: number
  conversions: number
  revenue: number
}

/** Sorted by visitors (descending), then value (ascending; null last). */
export function sortRows(rows: BreakdownRow[]): BreakdownRow[] {
  return rows.sort(
    (a, b) =>
      b.visitors - a.visitors ||
      (a.value === b.value ? 0 : a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1),
  )
}

/**
 * SPEC §5 breakdown over the sessions in range (first event in range) the filters select.
 * Session dimensions: per value, visitors (persons with such a session), sessions, conversions
 * (such sessions with a goal event) and revenue (orders placed in them, at their earliest purchase).
 * `page`: per path, the sessions that viewed it; conversions and revenue only after the first view.
 */
export function computeBreakdown(d: Derived, range: TimeRange, dimension: Dimension, filters: Filters = {}, goal = 'purchase', limit = 100): BreakdownRow[] {
  const sessions = d.sessions.filter((s) => inRange(s.start, range) && (!hasFilters(filters) || sessionMatches(s, filters, d)))
  const orderEvents = new Set([...firstPurchases(d).values()].map((p) => p.event.id))
  const acc = new Map<string | null, { persons: Set<string>; sessions: number; conversions: number; revenue: number }>()
  const add = (value: string | null, s: Session, after: CoreEvent | null) => {
    const a = acc.get(value) ?? acc.set(value, { persons: new Set(), sessions: 0, conversions: 0, revenue: 0 }).get(value)!
    a.persons.add(s.person)
    a.sessions++
    const later = after ? s.events.filter((e) => byTimeThenId(e, after) > 0) : s.events
    if (later.some((e) => isGoal(e, goal))) a.conversions++
    for (const e of later) if (orderEvents.has(e.id)) a.revenue += e.revenue ?? 0
  }
  for (const s of sessions) {
    if (dimension !== 'page') {
      add(s[dimension], s, null)
      continue
    }
    const firstViews = new Map<string, CoreEvent>()
    for (const e of s.events) if (e.type === 'pageview' && !firstViews.has(e.path)) firstViews.set(e.path, e)
    for (const [path, view] of firstViews) add(path, s, view)
  }
  const rows = [...acc].map(([value, a]) => ({ value, visitors: a.persons.size, sessions: a.sessions, conversions: a.conversions, revenue: a.revenue }))
  return sortRows(rows).slice(0, limit)
}
