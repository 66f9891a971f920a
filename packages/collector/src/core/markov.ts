import type { AttributionRow } from './attribution.js'

/**
 * A count of one transition of the Markov chain (SPEC §5 Markov attribution): from `START`
 * (`from` null) or a value, to a value or, when `to` is null, to the path's end — `CONVERSION`
 * when `converts`, else `NULL`.
 */
export interface MarkovTransition {
  from: string | null
  to: string | null
  converts: boolean
  count: number
}

/** What a store counts for `model=markov`: the transitions of every path, and the range's conversions and their revenue. */
export interface MarkovCounts {
  transitions: readonly MarkovTransition[]
  /** N: conversions in range (each order once, or each goal event). */
  conversions: number
  /** R: their total revenue (0 for goals other than `purchase`). */
  revenue: number
}

/** The transitions of one path v₁…vₙ (START → v₁ → … → vₙ → end); an empty path is START → end. */
export function pathTransitions(values: readonly string[], converts: boolean): MarkovTransition[] {
  const out: MarkovTransition[] = []
  let from: string | null = null
  for (const v of values) {
    out.push({ from, to: v, converts: false, count: 1 })
    from = v
  }
  out.push({ from, to: null, converts, count: 1 })
  return out
}

/** Transitions summed per (from, to, end): what a store's GROUP BY gives. */
export function countTransitions(transitions: Iterable<MarkovTransition>): MarkovTransition[] {
  const sums = new Map<string, MarkovTransition>()
  for (const t of transitions) {
    const key = JSON.stringify([t.from, t.to, t.to === null && t.converts])
    const seen = sums.get(key)
    if (seen) seen.count += t.count
    else sums.set(key, { from: t.from, to: t.to, converts: t.to === null && t.converts, count: t.count })
  }
  return [...sums.values()]
}

/**
 * Solves A·X = B in place by Gaussian elimination with partial pivoting (A: n×n, B: n×m, both
 * row-major) and returns X. Exact up to rounding: no iteration, no simulation.
 */
export function solve(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  const n = a.length
  for (let k = 0; k < n; k++) {
    let p = k
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i
    ;[a[k], a[p]] = [a[p]!, a[k]!]
    ;[b[k], b[p]] = [b[p]!, b[k]!]
    const ak = a[k]!
    const bk = b[k]!
    const pivot = ak[k]!
    for (let i = k + 1; i < n; i++) {
      const ai = a[i]!
      const f = ai[k]! / pivot
      if (f === 0) continue
      for (let j = k; j < n; j++) ai[j]! -= f * ak[j]!
      const bi = b[i]!
      for (let j = 0; j < bi.length; j++) bi[j]! -= f * bk[j]!
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const ak = a[k]!
    const bk = b[k]!
    for (let j = k + 1; j < n; j++) {
      const f = ak[j]!
      if (f === 0) continue
      const bj = b[j]!
      for (let c = 0; c < bk.length; c++) bk[c]! -= f * bj[c]!
    }
    for (let c = 0; c < bk.length; c++) bk[c]! /= ak[k]!
  }
  return b
}

/** Removal effects of a chain: P, and RE(c) for every value from which CONVERSION can be reached. */
export interface RemovalEffects {
  /** Probability of absorption in CONVERSION from START. */
  p: number
  /** RE(c) = 1 − P₋c ÷ P of each value that reaches CONVERSION, in first-seen order. */
  effects: Map<string, number>
}

/**
 * SPEC §5 Markov chain of transition counts: p(i→j) = count(i→j) ÷ count(i→any), x = the
 * probability of absorption in CONVERSION, and each live value's removal effect.
 *
 * The values that cannot reach CONVERSION (decided on the graph of counted transitions) have
 * x = 0 and RE = 0, so they are folded into NULL before solving; the rest form the transient
 * system (I − Q)·x = b over START and the live values, solved once for N = (I − Q)⁻¹ (one
 * O(n³) elimination with n right-hand sides). Removing c (x_c = 0, transitions into c go to NULL)
 * keeps exactly the conversions whose walk never visits c, so P₋c = P − h_c·x_c, with h_c the
 * probability of ever visiting c from START = N[START][c] ÷ N[c][c] (first-passage
 * decomposition). That is the same number as solving the system again without c — a test checks
 * it against that literal removal — but costs O(n³) for all values instead of O(n⁴), and has no
 * cancellation in 1 − P₋c ÷ P when RE is tiny.
 */
export function removalEffects(transitions: readonly MarkovTransition[]): RemovalEffects {
  // reverse reachability from CONVERSION over transitions with a count
  const into = new Map<string, Set<string | null>>()
  const live = new Set<string | null>()
  const queue: (string | null)[] = []
  for (const t of transitions) {
    if (t.count <= 0) continue
    if (t.to === null) {
      if (t.converts && !live.has(t.from)) live.add(t.from), queue.push(t.from)
    } else (into.get(t.to) ?? into.set(t.to, new Set()).get(t.to)!).add(t.from)
  }
  while (queue.length > 0) {
    const v = queue.pop()!
    if (v === null) continue
    for (const from of into.get(v) ?? []) if (!live.has(from)) live.add(from), queue.push(from)
  }
  if (!live.has(null)) return { p: 0, effects: new Map() }
  const values = [...new Set(transitions.flatMap((t) => [t.from, t.to]))].filter((v): v is string => v !== null && live.has(v))
  const index = new Map<string | null, number>([[null, 0], ...values.map((v, i) => [v, i + 1] as const)])
  const n = values.length + 1
  const outOf = new Float64Array(n)
  for (const t of transitions) {
    const i = index.get(t.from)
    if (i !== undefined && t.count > 0) outOf[i]! += t.count
  }
  const a = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n)
    row[i] = 1
    return row
  })
  const conv = new Float64Array(n)
  for (const t of transitions) {
    const i = index.get(t.from)
    if (i === undefined || t.count <= 0) continue
    const p = t.count / outOf[i]!
    if (t.to === null) {
      if (t.converts) conv[i]! += p
      continue
    }
    const j = index.get(t.to)
    if (j !== undefined) a[i]![j]! -= p // into a dead value: as into NULL
  }
  const fundamental = solve(a, Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))))
  const x = fundamental.map((row) => row.reduce((s, v, j) => s + v * conv[j]!, 0))
  const p = x[0]!
  const effects = new Map<string, number>()
  values.forEach((v, k) => {
    const c = k + 1
    const reach = fundamental[0]![c]! / fundamental[c]![c]!
    effects.set(v, Math.min(1, Math.max(0, (reach * x[c]!) / p)))
  })
  return { p, effects }
}

/**
 * SPEC §5 Markov attribution from the store's counts: share(c) = RE(c) ÷ Σ RE of every value
 * that reaches CONVERSION, conversions = share × N, revenue = share × R. No rows without
 * conversions (P = 0) or when no value reaches CONVERSION (Σ RE = 0). Sorted as attribution:
 * revenue, conversions (descending), then value.
 */
export function markovRows(c: MarkovCounts): AttributionRow[] {
  if (c.conversions === 0) return []
  const { p, effects } = removalEffects(c.transitions)
  const total = [...effects.values()].reduce((s, v) => s + v, 0)
  if (p === 0 || effects.size === 0 || total === 0) return []
  return [...effects]
    .map(([value, re]) => ({ value, conversions: (re / total) * c.conversions, revenue: (re / total) * c.revenue }))
    .sort((a, b) => b.revenue - a.revenue || b.conversions - a.conversions || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
}
