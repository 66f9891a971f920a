import type { Bucket, TimeRange } from './query.js'
import type { Derived } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, ratio } from './metrics.js'

export interface Cohort {
  /** The ISO date its period starts on (also when that is before `from`). */
  cohort: string
  size: number
  /** retained[k]: share of the cohort with an event in period cohort + k; retained[0] = 1. */
  retained: number[]
}

/** Per cohort index c and offset k, the persons of cohort c with an event in period c + k. */
export type CohortCounts = Map<number, Map<number, number>>

/**
 * Assembles cohorts from counts (shared by every store): cohorts in period order, each with a
 * retained share for every period that starts on or before `to`, at most `periods` of them.
 */
export function cohortsOf(periods: readonly Bucket[], counts: CohortCounts, maxPeriods: number): Cohort[] {
  const out: Cohort[] = []
  periods.forEach((p, c) => {
    const row = counts.get(c)
    const size = row?.get(0) ?? 0
    if (size === 0) return
    const n = Math.min(maxPeriods, periods.length - c)
    out.push({ cohort: p.label, size, retained: Array.from({ length: n }, (_, k) => (row!.get(k) ?? 0) / size) })
  })
  return out
}

/**
 * SPEC §5 retention: a person's cohort is the period (week from Monday, or calendar month, in the
 * site's zone: `periods`, cut to the range) of their first in-range event of the selected
 * sessions; only in-range events count.
 */
export function retentionCounts(d: Derived, periods: readonly Bucket[], maxPeriods: number, filters: Filters = {}): CohortCounts {
  const seen = new Map<string, Set<number>>()
  for (const s of selectedSessions(d, filters)) {
    for (const e of s.events) {
      const i = periods.findIndex((p) => inRange(e.t, p))
      if (i >= 0) (seen.get(s.person) ?? seen.set(s.person, new Set()).get(s.person)!).add(i)
    }
  }
  const counts: CohortCounts = new Map()
  for (const idx of seen.values()) {
    const c = Math.min(...idx)
    const row = counts.get(c) ?? counts.set(c, new Map()).get(c)!
    for (const i of idx) if (i - c < maxPeriods) row.set(i - c, (row.get(i - c) ?? 0) + 1)
  }
  return counts
}

export const computeRetention = (d: Derived, periods: readonly Bucket[], maxPeriods: number, filters: Filters = {}): Cohort[] =>
  cohortsOf(periods, retentionCounts(d, periods, maxPeriods, filters), maxPeriods)

/** Customers of the previous period, and those of them without an order in this one. */
export interface ChurnCounts {
  previous: number
  churned: number
}

/** SPEC §5 churnRate from its counts; null when the previous period had no customers. */
export const churnRateOf = (c: ChurnCounts): number | null => ratio(c.churned, c.previous)

export const computeChurnRate = (d: Derived, range: TimeRange, previous: TimeRange, filters: Filters = {}): number | null =>
  churnRateOf(churnCounts(d, range, previous, filters))

/**
 * SPEC §5 churnRate's counts: customers (persons of orders placed in selected sessions, each order once at
 * its earliest purchase) of the previous period without an order in this one ÷ the previous
 * period's customers.
 */
export function churnCounts(d: Derived, range: TimeRange, previous: TimeRange, filters: Filters = {}): ChurnCounts {
  const current = new Set<string>()
  const before = new Set<string>()
  for (const { event, session } of firstPurchases(d).values()) {
    if (!sessionMatches(session, filters, d)) continue
    if (inRange(event.t, range)) current.add(session.person)
    if (inRange(event.t, previous)) before.add(session.person)
  }
  return { previous: before.size, churned: [...before].filter((p) => !current.has(p)).length }
}
