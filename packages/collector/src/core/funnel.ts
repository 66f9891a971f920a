import type { TimeRange } from './query.js'
import type { CoreEvent, Derived } from './derive.js'
import { hasFilters, sessionMatches, type Filters } from './filters.js'
import { byTimeThenId } from './persons.js'

/** A funnel step: an event type (or `custom` with a name), optionally on one path. */
export interface FunnelStep {
  /** As requested, e.g. `pageview@/pricing`, or the preset's step name. */
  step: string
  type: string
  name: string | null
  path: string | null
}

export interface FunnelRow {
  step: string
  persons: number
  conversionFromStart: number | null
  conversionFromPrevious: number | null
  medianMsFromPrevious: number | null
}

/** Per step, the persons reaching it, and the median ms from the previous step (null for step 1 or none). */
export interface FunnelCounts {
  reached: number[]
  medians: (number | null)[]
}

/** AIDA (SPEC §5): Awareness = pageview, Interest = a further pageview, Desire = cart_add, Action = purchase. */
export const AIDA: FunnelStep[] = [
  { step: 'Awareness', type: 'pageview', name: null, path: null },
  { step: 'Interest', type: 'pageview', name: null, path: null },
  { step: 'Desire', type: 'cart_add', name: null, path: null },
  { step: 'Action', type: 'purchase', name: null, path: null },
]

export const matchesStep = (e: CoreEvent, s: FunnelStep) =>
  e.type === s.type && (s.name === null || e.name === s.name) && (s.path === null || e.path === s.path)

/** The median; the mean of the two middle values for an even count; null when empty (SPEC §5). */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * SPEC §5 funnel: from each person's first step-1 event in range, each next step is that step's
 * earliest event after the previous step's event (by t, then id) no later than `windowMs` after
 * step 1 (later steps may fall after `to`). Filters restrict the events to the selected sessions.
 */
export const computeFunnel = (d: Derived, range: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters: Filters = {}): FunnelRow[] =>
  funnelRows(steps, funnelCounts(d, range, steps, windowMs, filters))

/** The persons reaching each step of the funnel, and the median time from the previous step. */
export function funnelCounts(d: Derived, range: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters: Filters = {}): FunnelCounts {
  const byPerson = new Map<string, CoreEvent[]>()
  for (const s of d.sessions) {
    if (hasFilters(filters) && !sessionMatches(s, filters, d)) continue
    const list = byPerson.get(s.person) ?? byPerson.set(s.person, []).get(s.person)!
    list.push(...s.events)
  }
  const reached = steps.map(() => 0)
  const gaps: number[][] = steps.map(() => [])
  for (const events of byPerson.values()) {
    events.sort(byTimeThenId)
    const first = events.find((e) => e.t >= range.fromMs && e.t < range.toMs && matchesStep(e, steps[0]!))
    if (!first) continue
    reached[0]!++
    let prev = first
    for (let k = 1; k < steps.length; k++) {
      const next = events.find((e) => byTimeThenId(e, prev) > 0 && e.t - first.t <= windowMs && matchesStep(e, steps[k]!))
      if (!next) break
      reached[k]!++
      gaps[k]!.push(next.t - prev.t)
      prev = next
    }
  }
  return { reached, medians: gaps.map((g, k) => (k === 0 ? null : median(g))) }
}

/** SPEC §5 funnel rows from the persons reaching each step and the median time from the previous step. */
export function funnelRows(steps: readonly FunnelStep[], { reached, medians }: FunnelCounts): FunnelRow[] {
  const start = reached[0]!
  return steps.map((s, k) => ({
    step: s.step,
    persons: reached[k]!,
    conversionFromStart: start === 0 ? null : reached[k]! / start,
    conversionFromPrevious: k === 0 ? (start === 0 ? null : 1) : reached[k - 1] === 0 ? null : reached[k]! / reached[k - 1]!,
    medianMsFromPrevious: k === 0 ? null : medians[k]!,
  }))
}
