import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeAttribution, DAY_MS, markovCounts } from '../src/core/attribution.js'
import { countTransitions, markovRows, pathTransitions, removalEffects, solve, type MarkovCounts, type MarkovTransition } from '../src/core/markov.js'
import { prng, row } from './fixtures/rows.js'

/** Counts of paths given as `A>B>conv` or `A>null` (an empty path: `conv` / `null`). */
function chain(paths: string[], revenue = 0): MarkovCounts {
  const steps: MarkovTransition[] = []
  let conversions = 0
  for (const p of paths) {
    const parts = p.split('>')
    const end = parts.pop()!
    if (end === 'conv') conversions++
    steps.push(...pathTransitions(parts, end === 'conv'))
  }
  return { transitions: countTransitions(steps), conversions, revenue }
}

const shares = (rows: { value: string; conversions: number }[], n: number) => Object.fromEntries(rows.map((r) => [r.value, r.conversions / n]))

describe('Markov attribution (SPEC §5), by hand', () => {
  it('gives the published three-path example 0.2 / 0.4 / 0.4', () => {
    // C1→C2→C3→conversion, C1→null, C2→C3→null: P = 1/3; without C1 1/6 (RE ½), without C2 or C3 0 (RE 1)
    const c = chain(['C1>C2>C3>conv', 'C1>null', 'C2>C3>null'], 90)
    expect(removalEffects(c.transitions).p).toBeCloseTo(1 / 3, 12)
    const rows = markovRows(c)
    expect(rows.map((r) => r.value)).toEqual(['C2', 'C3', 'C1'])
    expect(rows[0]!.conversions).toBeCloseTo(0.4, 12)
    expect(rows[1]!.conversions).toBeCloseTo(0.4, 12)
    expect(rows[2]!.conversions).toBeCloseTo(0.2, 12)
    expect(rows.map((r) => r.revenue)).toEqual(rows.map((r) => r.conversions * 90))
  })

  it('gives 100 % to the only channel of one-channel paths, conversions and revenue summed', () => {
    const rows = markovRows(chain(['Email>conv', 'Email>Email>conv', 'Email>null', 'Email>Email>Email>null'], 250))
    expect(rows).toEqual([{ value: 'Email', conversions: 2, revenue: 250 }])
  })

  it('credits a channel seen only on non-converting paths when it leads to conversions', () => {
    // A→B→conversion, C→B→null: x = ½ everywhere, P = ½; RE(A) = RE(C) = ½, RE(B) = 1
    const rows = markovRows(chain(['A>B>conv', 'C>B>null', 'D>null', 'A>D>null'], 0))
    expect(rows.map((r) => r.value)).toEqual(['B', 'A', 'C']) // D reaches no conversion: no row
    expect(shares(rows, 1)).toEqual({ B: expect.closeTo(0.5, 12), A: expect.closeTo(0.25, 12), C: expect.closeTo(0.25, 12) })
    expect(rows.every((r) => r.revenue === 0)).toBe(true)
  })

  it('solves cycles exactly', () => {
    // A→B→A→conversion, B→null: x_A = ½ + ½x_B, x_B = ½x_A → x_A = ⅔, x_B = ⅓, P = ½;
    // without A: 0 (RE 1); without B: ½·½ = ¼ (RE ½) → shares ⅔, ⅓
    const c = chain(['A>B>A>conv', 'B>null'], 30)
    expect(removalEffects(c.transitions).p).toBeCloseTo(0.5, 12)
    const rows = markovRows(c)
    expect(rows[0]).toEqual({ value: 'A', conversions: expect.closeTo(2 / 3, 12), revenue: expect.closeTo(20, 10) })
    expect(rows[1]).toEqual({ value: 'B', conversions: expect.closeTo(1 / 3, 12), revenue: expect.closeTo(10, 10) })
  })

  it('is not changed by self-transitions (repeats are kept as transitions)', () => {
    const plain = markovRows(chain(['A>B>conv', 'B>null', 'A>null']))
    const repeated = markovRows(chain(['A>A>A>B>conv', 'B>B>null', 'A>A>null']))
    expect(repeated.map((r) => r.value)).toEqual(plain.map((r) => r.value))
    repeated.forEach((r, i) => expect(r.conversions).toBeCloseTo(plain[i]!.conversions, 12))
  })

  it('has no rows without conversions, or when every conversion has no touchpoints', () => {
    expect(markovRows(chain(['A>null', 'A>B>null']))).toEqual([])
    expect(markovRows(chain(['conv', 'conv', 'A>null'], 10))).toEqual([])
    expect(markovRows({ transitions: [], conversions: 0, revenue: 0 })).toEqual([])
  })

  it('still spreads all conversions when some have no touchpoints', () => {
    const rows = markovRows(chain(['conv', 'A>conv', 'A>null'], 40))
    expect(rows).toEqual([{ value: 'A', conversions: 2, revenue: 40 }])
  })

  it('agrees with solving the chain again with each value removed, on random chains with cycles', () => {
    const r = prng(42)
    for (let trial = 0; trial < 30; trial++) {
      const values = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, 2 + Math.floor(r() * 5))
      const paths = Array.from({ length: 5 + Math.floor(r() * 30) }, () => {
        const path = Array.from({ length: 1 + Math.floor(r() * 5) }, () => values[Math.floor(r() * values.length)]!)
        return [...path, r() < 0.3 ? 'conv' : 'null'].join('>')
      })
      const c = chain(paths)
      const { p, effects } = removalEffects(c.transitions)
      expect(p).toBeCloseTo(literalP(c.transitions, null), 10)
      for (const [v, re] of effects) expect(re, `${paths.join(' ')} without ${v}`).toBeCloseTo(1 - literalP(c.transitions, v) / p, 10)
      const rows = markovRows(c)
      if (c.conversions > 0) expect(rows.reduce((s, x) => s + x.conversions, 0)).toBeCloseTo(c.conversions, 10)
    }
  })

  it('solves a linear system by elimination with pivoting', () => {
    const a = [Float64Array.from([0, 2]), Float64Array.from([3, 1])]
    expect([...solve(a, [Float64Array.from([4]), Float64Array.from([5])]).map((x) => x[0])]).toEqual([1, 2])
  })
})

/** The SPEC's literal P₋c: states START and every value but `removed`, x = p(→CONVERSION) + Σ p·x, solved directly. */
function literalP(transitions: readonly MarkovTransition[], removed: string | null): number {
  const states = [null, ...new Set(transitions.flatMap((t) => [t.from, t.to]).filter((v): v is string => v !== null && v !== removed))]
  const idx = new Map(states.map((s, i) => [s, i]))
  const out = new Map<string | null, number>()
  for (const t of transitions) out.set(t.from, (out.get(t.from) ?? 0) + t.count)
  const a = states.map((_, i) => Float64Array.from(states, (_, j) => (i === j ? 1 : 0)))
  const b = states.map(() => new Float64Array(1))
  for (const t of transitions) {
    const i = idx.get(t.from)
    if (i === undefined) continue
    const p = t.count / out.get(t.from)!
    if (t.to === null) b[i]![0]! += t.converts ? p : 0
    else if (idx.has(t.to)) a[i]![idx.get(t.to)!]! -= p
  }
  // a value that reaches no end but itself cannot occur: every path ends; rows of dead values solve to 0
  return solve(a, b)[0]![0]!
}

describe('Markov paths from events (SPEC §5)', () => {
  const at = (d: number, h = 12) => Date.UTC(2026, 0, d, h)
  const RANGE = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 1, 1) }
  // ann: Google (Jan 5, before the range), newsletter (Jan 12), buys directly (Jan 14), then comes back via Google (Jan 20)
  // bo: paid search (Jan 15), newsletter (Jan 16), never buys; cy: direct before the range only
  const events = [
    row({ anonymousId: 'ann', t: at(5), referrerDomain: 'www.google.com' }),
    row({ anonymousId: 'ann', t: at(12), utmSource: 'news', utmMedium: 'email' }),
    row({ anonymousId: 'ann', t: at(14) }),
    row({ anonymousId: 'ann', t: at(14) + 1, type: 'purchase', orderId: 'o-1', revenue: 60 }),
    row({ anonymousId: 'ann', t: at(20), referrerDomain: 'www.google.com' }),
    row({ anonymousId: 'bo', t: at(15), gclid: 'g' }),
    row({ anonymousId: 'bo', t: at(16), utmSource: 'news', utmMedium: 'email' }),
    row({ anonymousId: 'cy', t: at(2) }),
  ]

  it('counts converting paths over the lookback and non-converting paths over the range', () => {
    const c = markovCounts(derive(events), RANGE, 'purchase', 30 * DAY_MS, 'channel')
    expect(c.conversions).toBe(1)
    expect(c.revenue).toBe(60)
    const key = (t: MarkovTransition) => `${t.from ?? 'START'}>${t.to ?? (t.converts ? 'CONVERSION' : 'NULL')}:${t.count}`
    // ann: Organic Search → Email → Direct → CONVERSION (her Jan 20 visit after the conversion is not used)
    // bo: Paid Search → Email → NULL; cy: no session in range
    expect(c.transitions.map(key).sort()).toEqual(
      ['START>Organic Search:1', 'Organic Search>Email:1', 'Email>Direct:1', 'Direct>CONVERSION:1', 'START>Paid Search:1', 'Paid Search>Email:1', 'Email>NULL:1'].sort(),
    )
  })

  it('answers model=markov through computeAttribution, by any dimension', () => {
    const rows = computeAttribution(derive(events), RANGE, 'markov', 'purchase', 3 * DAY_MS, 'source')
    // a 3-day lookback: ann's path is news → (direct) → CONVERSION; bo's (a gclid without referrer) (direct) → news → NULL,
    // a cycle: x_news = ½·x_direct, x_direct = ½ + ½·x_news → ⅔ and ⅓, P = ½; without news P = ¼ (RE ½), without (direct) 0 (RE 1)
    const [direct, news] = rows
    expect(direct).toEqual({ value: '(direct)', conversions: expect.closeTo(2 / 3, 12), revenue: expect.closeTo(40, 10) })
    expect(news).toEqual({ value: 'news', conversions: expect.closeTo(1 / 3, 12), revenue: expect.closeTo(20, 10) })
    expect(rows).toHaveLength(2)
  })
})
