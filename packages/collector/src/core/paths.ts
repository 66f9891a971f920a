import type { TimeRange } from './query.js'
import type { Derived } from './derive.js'
import { hasFilters, sessionMatches, type Filters } from './filters.js'

/** The longest page sequence stats/paths reports (its `depth` maximum); stores keep this many first pages per session. */
export const MAX_PATH_DEPTH = 10

export interface PathRow {
  /** The session's first `depth` pageview paths, in order. */
  pages: string[]
  sessions: number
}

/** Sorted by sessions (descending), then the sequence (ascending, element by element). */
export function sortPaths(rows: PathRow[]): PathRow[] {
  const key = (r: PathRow) => r.pages.join('\u0000')
  return rows.sort((a, b) => b.sessions - a.sessions || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/**
 * SPEC §6 paths: the most common sequences of the first `depth` pageviews of the sessions in range
 * (first event in range) that the filters select; sessions without a pageview are left out.
 */
export function computePaths(d: Derived, range: TimeRange, depth = 4, limit = 20, filters: Filters = {}): PathRow[] {
  const counts = new Map<string, PathRow>()
  for (const s of d.sessions) {
    if (s.start < range.fromMs || s.start >= range.toMs || (hasFilters(filters) && !sessionMatches(s, filters, d))) continue
    const pages = s.events.filter((e) => e.type === 'pageview').slice(0, depth).map((e) => e.path)
    if (pages.length === 0) continue
    const key = pages.join('\u0000')
    const row = counts.get(key) ?? counts.set(key, { pages, sessions: 0 }).get(key)!
    row.sessions++
  }
  return sortPaths([...counts.values()]).slice(0, limit)
}
