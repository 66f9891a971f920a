import type { TimeRange } from './query.js'
import type { Derived, Session } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, isGoal } from './metrics.js'
import { countTransitions, markovRows, pathTransitions, type MarkovCounts, type MarkovTransition } from './markov.js'

/** The rule-based models: each conversion spreads its own weights over its touchpoints. */
export const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based'] as const
export type Model = (typeof MODELS)[number]
/** Every model `stats/attribution` and `stats/acquisition` accept: the rule-based ones and the data-driven `markov` (core/markov.ts). */
export const ATTRIBUTION_MODELS = [...MODELS, 'markov'] as const
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number]
export const ATTRIBUTION_DIMENSIONS = ['channel', 'source', 'campaign'] as const
export type AttributionDimension = (typeof ATTRIBUTION_DIMENSIONS)[number]

export const DAY_MS = 86_400_000
/** time_decay: a touch's weight halves every 7 days before the conversion. */
export const HALF_LIFE_MS = 7 * DAY_MS

export interface AttributionRow {
  value: string
  /** Fractional conversions credited to the value. */
  conversions: number
  revenue: number
}

/** A touchpoint as the models see it. */
export interface Touch {
  start: number
  channel: string
}

/**
 * The weights `model` gives a conversion's touchpoints (in time order, the converting session last),
 * summing to 1 (SPEC §5 Attribution).
 */
export function weights(model: Model, touches: readonly Touch[], conversionT: number): number[] {
  const n = touches.length
  const only = (i: number) => touches.map((_, j) => (j === i ? 1 : 0))
  switch (model) {
    case 'first_touch':
      return only(0)
    case 'last_touch':
      return only(n - 1)
    case 'last_non_direct': {
      let i = n - 1
      while (i >= 0 && touches[i]!.channel === 'Direct') i--
      return only(i >= 0 ? i : n - 1)
    }
    case 'linear':
      return touches.map(() => 1 / n)
    case 'time_decay': {
      const raw = touches.map((t) => 2 ** (-(conversionT - t.start) / HALF_LIFE_MS))
      const sum = raw.reduce((a, b) => a + b, 0)
      return raw.map((w) => w / sum)
    }
    case 'position_based':
      if (n === 1) return [1]
      if (n === 2) return [0.5, 0.5]
      return touches.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)))
  }
}

/** A conversion: when, in which session, and its credit (an order's revenue; 0 for other goals). */
export interface Conversion {
  t: number
  session: Session
  credit: number
}

/**
 * Conversions in range of the selected sessions (SPEC §5): for `purchase` each order once, at its
 * earliest purchase event, credit = its revenue; for another goal each goal event, credit 0.
 */
export function conversions(d: Derived, range: TimeRange, goal: string, filters: Filters): Conversion[] {
  if (goal === 'purchase') {
    return [...firstPurchases(d).values()]
      .filter(({ event, session }) => inRange(event.t, range) && sessionMatches(session, filters, d))
      .map(({ event, session }) => ({ t: event.t, session, credit: event.revenue ?? 0 }))
  }
  const out: Conversion[] = []
  for (const s of selectedSessions(d, filters)) {
    for (const e of s.events) if (inRange(e.t, range) && isGoal(e, goal)) out.push({ t: e.t, session: s, credit: 0 })
  }
  return out
}

/**
 * The touchpoints of a conversion: the person's sessions from the first one starting within the
 * lookback window before it, through the converting session (always one of them).
 */
export function touchpoints(sessionsOfPerson: readonly Session[], c: Conversion, lookbackMs: number): Session[] {
  const last = sessionsOfPerson.indexOf(c.session)
  return sessionsOfPerson.slice(0, last + 1).filter((s, i) => i === last || s.start >= c.t - lookbackMs)
}

/** Each person's sessions in time order (start, then first event id): the candidates for touchpoints. */
export function sessionsByPerson(d: Derived): Map<string, Session[]> {
  const byPerson = new Map<string, Session[]>()
  for (const s of d.sessions) (byPerson.get(s.person) ?? byPerson.set(s.person, []).get(s.person)!).push(s)
  for (const list of byPerson.values()) list.sort((a, b) => a.start - b.start || (a.events[0]!.id < b.events[0]!.id ? -1 : 1))
  return byPerson
}

/**
 * SPEC §5 Markov attribution's paths, counted as transitions: each conversion in range (of the
 * selected sessions) gives its touchpoints' values ending in CONVERSION; each person with a
 * selected session in range and no such conversion gives the values of all their sessions in
 * range (no lookback; touchpoints are not filtered either) ending in NULL.
 */
export function markovCounts(
  d: Derived,
  range: TimeRange,
  goal = 'purchase',
  lookbackMs = 30 * DAY_MS,
  by: AttributionDimension = 'channel',
  filters: Filters = {},
): MarkovCounts {
  const byPerson = sessionsByPerson(d)
  const steps: MarkovTransition[] = []
  const converted = new Set<string>()
  let n = 0
  let revenue = 0
  for (const c of conversions(d, range, goal, filters)) {
    converted.add(c.session.person)
    n++
    revenue += c.credit
    steps.push(...pathTransitions(touchpoints(byPerson.get(c.session.person)!, c, lookbackMs).map((s) => s[by]), true))
  }
  const lost = new Set(selectedSessions(d, filters).filter((s) => inRange(s.start, range) && !converted.has(s.person)).map((s) => s.person))
  for (const person of lost) {
    steps.push(...pathTransitions(byPerson.get(person)!.filter((s) => inRange(s.start, range)).map((s) => s[by]), false))
  }
  return { transitions: countTransitions(steps), conversions: n, revenue }
}

/**
 * SPEC §5–6 attribution: every conversion in range spreads weights summing to 1 over its
 * touchpoints; a touchpoint's value (its session's channel, source or campaign) gets
 * conversions += weight and revenue += weight × credit. Rows with credit, by revenue, then
 * conversions (descending), then value. `markov`: core/markov.ts over markovCounts.
 */
export function computeAttribution(
  d: Derived,
  range: TimeRange,
  model: AttributionModel = 'last_non_direct',
  goal = 'purchase',
  lookbackMs = 30 * DAY_MS,
  by: AttributionDimension = 'channel',
  filters: Filters = {},
): AttributionRow[] {
  if (model === 'markov') return markovRows(markovCounts(d, range, goal, lookbackMs, by, filters))
  const byPerson = sessionsByPerson(d)
  const rows = new Map<string, AttributionRow>()
  for (const c of conversions(d, range, goal, filters)) {
    const touches = touchpoints(byPerson.get(c.session.person)!, c, lookbackMs)
    weights(model, touches, c.t).forEach((w, i) => {
      if (w === 0) return
      const value = touches[i]![by]
      const row = rows.get(value) ?? rows.set(value, { value, conversions: 0, revenue: 0 }).get(value)!
      row.conversions += w
      row.revenue += w * c.credit
    })
  }
  return [...rows.values()].sort((a, b) => b.revenue - a.revenue || b.conversions - a.conversions || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
}
