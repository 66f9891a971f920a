import jstat from 'jstat'
import type { TimeRange } from './query.js'
import type { Derived } from './derive.js'
import { selectedSessions, type Filters } from './filters.js'
import { inRange, isGoal, ratio } from './metrics.js'

const { jStat } = jstat

/** Persons exposed to a variant, and how many of them converted after their exposure. */
export interface VariantCounts {
  variant: string
  exposed: number
  converted: number
}

export interface VariantRow extends VariantCounts {
  rate: number | null
  uplift: number | null
  pValue: number | null
  ci95: [number, number] | null
}

export interface ExperimentReport {
  variants: VariantRow[]
  srmPValue: number | null
}

/** The control (SPEC §5): the variant named `control`, else the alphabetically first. */
const controlOf = (rows: readonly VariantCounts[]) => rows.find((r) => r.variant === 'control') ?? [...rows].sort((a, b) => (a.variant < b.variant ? -1 : 1))[0]

/** Two-sided p-value of a standard normal statistic; 2·Φ(−|z|) keeps small tails exact. */
const twoSided = (z: number) => 2 * jStat.normal.cdf(-Math.abs(z), 0, 1)

/**
 * SPEC §5 experiment statistics from the counts: rate, uplift over the control, two-sided
 * two-proportion z-test with pooled variance, 95 % CI of the rate difference (unpooled), and the
 * sample-ratio-mismatch chi-square test against an equal split (k − 1 degrees of freedom). The
 * control comes first, the others by name. Distribution functions: jstat. Null where a divisor is
 * 0 or the test is undefined (no variance, fewer than two variants).
 */
export function experimentStats(counts: readonly VariantCounts[]): ExperimentReport {
  if (counts.length === 0) return { variants: [], srmPValue: null }
  const control = controlOf(counts)!
  const ordered = [control, ...counts.filter((r) => r !== control).sort((a, b) => (a.variant < b.variant ? -1 : 1))]
  const rc = ratio(control.converted, control.exposed)
  const variants = ordered.map((r): VariantRow => {
    const rate = ratio(r.converted, r.exposed)
    if (r === control) return { ...r, rate, uplift: rate === null ? null : 0, pValue: null, ci95: null }
    if (rate === null || rc === null) return { ...r, rate, uplift: null, pValue: null, ci95: null }
    const [n1, n2] = [r.exposed, control.exposed]
    const pooled = (r.converted + control.converted) / (n1 + n2)
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    const diff = rate - rc
    const half = 1.96 * Math.sqrt((rate * (1 - rate)) / n1 + (rc * (1 - rc)) / n2)
    return { ...r, rate, uplift: ratio(diff, rc), pValue: se === 0 ? null : twoSided(diff / se), ci95: [diff - half, diff + half] }
  })
  const total = counts.reduce((n, r) => n + r.exposed, 0)
  let srmPValue: number | null = null
  if (counts.length >= 2 && total > 0) {
    const expected = total / counts.length
    const chi2 = counts.reduce((s, r) => s + (r.exposed - expected) ** 2 / expected, 0)
    srmPValue = 1 - jStat.chisquare.cdf(chi2, counts.length - 1)
  }
  return { variants, srmPValue }
}

/**
 * Exposures and goal events in range, of the selected sessions (SPEC §5): a person's variant is
 * the one of their first exposure to `experiment` (by t, then id); they converted with a goal
 * event whose t ≥ that exposure's t.
 */
export function experimentCounts(d: Derived, range: TimeRange, experiment: string, goal = 'purchase', filters: Filters = {}): VariantCounts[] {
  const first = new Map<string, { variant: string; t: number; id: string }>()
  const goalTimes = new Map<string, number[]>()
  for (const s of selectedSessions(d, filters)) {
    for (const e of s.events) {
      if (!inRange(e.t, range)) continue
      if (e.type === 'experiment' && e.experiment === experiment && e.variant !== null) {
        const seen = first.get(s.person)
        if (!seen || e.t < seen.t || (e.t === seen.t && e.id < seen.id)) first.set(s.person, { variant: e.variant, t: e.t, id: e.id })
      }
      if (isGoal(e, goal)) (goalTimes.get(s.person) ?? goalTimes.set(s.person, []).get(s.person)!).push(e.t)
    }
  }
  const by = new Map<string, VariantCounts>()
  for (const [person, x] of first) {
    const row = by.get(x.variant) ?? by.set(x.variant, { variant: x.variant, exposed: 0, converted: 0 }).get(x.variant)!
    row.exposed++
    if ((goalTimes.get(person) ?? []).some((t) => t >= x.t)) row.converted++
  }
  return [...by.values()].sort((a, b) => (a.variant < b.variant ? -1 : 1))
}

export const computeExperiment = (d: Derived, range: TimeRange, experiment: string, goal = 'purchase', filters: Filters = {}): ExperimentReport =>
  experimentStats(experimentCounts(d, range, experiment, goal, filters))
