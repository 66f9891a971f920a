import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeExperiment, experimentStats } from '../src/core/experiments.js'
import { row } from './fixtures/rows.js'

const day = (n: number) => Date.UTC(2026, 0, n, 12)
const RANGE = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 0, 21) }

describe('experiment statistics (SPEC §5), against known values', () => {
  it('two-proportion z-test, CI and uplift: 130/1000 vs a control of 100/1000', () => {
    // R: prop.test(c(130, 100), c(1000, 1000), correct = FALSE) → X-squared = 4.4214, p-value = 0.03549
    const r = experimentStats([{ variant: 'b', exposed: 1000, converted: 130 }, { variant: 'control', exposed: 1000, converted: 100 }])
    expect(r.variants.map((v) => v.variant)).toEqual(['control', 'b'])
    expect(r.variants[0]).toEqual({ variant: 'control', exposed: 1000, converted: 100, rate: 0.1, uplift: 0, pValue: null, ci95: null })
    const b = r.variants[1]!
    expect(b.rate).toBe(0.13)
    expect(b.uplift).toBeCloseTo(0.3, 12)
    expect(b.pValue).toBeCloseTo(0.03549, 5)
    // 0.03 ± 1.96 · √(0.13·0.87/1000 + 0.1·0.9/1000)
    expect(b.ci95![0]).toBeCloseTo(0.0020674, 6)
    expect(b.ci95![1]).toBeCloseTo(0.0579326, 6)
    expect(r.srmPValue).toBe(1) // an exact 50/50 split
  })

  it('sample ratio mismatch: chi-square with k − 1 degrees of freedom', () => {
    // R: chisq.test(c(1000, 1100))$p.value = 0.02910; chisq.test(c(500, 520, 580))$p.value = 0.03877
    expect(experimentStats([{ variant: 'a', exposed: 1000, converted: 0 }, { variant: 'b', exposed: 1100, converted: 0 }]).srmPValue).toBeCloseTo(0.0291, 4)
    expect(experimentStats(['a', 'b', 'c'].map((variant, i) => ({ variant, exposed: [500, 520, 580][i]!, converted: 1 }))).srmPValue).toBeCloseTo(0.03877, 4)
  })

  it('the control is the alphabetically first without a variant named control; nulls, never NaN', () => {
    const r = experimentStats([{ variant: 'zeta', exposed: 10, converted: 0 }, { variant: 'alpha', exposed: 10, converted: 0 }])
    expect(r.variants.map((v) => [v.variant, v.uplift, v.pValue])).toEqual([['alpha', 0, null], ['zeta', null, null]])
    expect(experimentStats([{ variant: 'only', exposed: 3, converted: 1 }]).srmPValue).toBeNull()
    expect(experimentStats([])).toEqual({ variants: [], srmPValue: null })
  })
})

describe('experiment counts from events', () => {
  it('keeps a person in the variant of their first exposure; converts only at or after it', () => {
    const exposure = (anonymousId: string, t: number, variant: string) => row({ anonymousId, t, type: 'experiment', experiment: 'hero', variant })
    const buy = (anonymousId: string, t: number) => row({ anonymousId, t, type: 'purchase', orderId: `o-${anonymousId}-${t}`, revenue: 1 })
    const events = [
      exposure('a', day(11), 'control'), buy('a', day(11)), // same t: converted
      exposure('b', day(11), 'control'), buy('b', day(11) - 1), // bought before: not converted
      exposure('c', day(12), 'green'), exposure('c', day(13), 'control'), buy('c', day(14)), // stays green
      exposure('d', day(12), 'green'),
      exposure('e', day(5), 'green'), buy('e', day(12)), // exposed before the range: not in it
      row({ anonymousId: 'f', t: day(12), type: 'experiment', experiment: 'other', variant: 'x' }),
    ]
    const r = computeExperiment(derive(events), RANGE, 'hero')
    expect(r.variants.map(({ variant, exposed, converted }) => ({ variant, exposed, converted }))).toEqual([
      { variant: 'control', exposed: 2, converted: 1 },
      { variant: 'green', exposed: 2, converted: 1 },
    ])
    expect(r.variants[1]!.uplift).toBe(0)
  })
})
