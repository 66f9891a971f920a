/** A small seeded PRNG (mulberry32): the same seed gives the same demo history. */
export function seeded(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const ID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    /** Picks by weight: [[value, weight], …]. */
    weighted: <T>(xs: readonly (readonly [T, number])[]): T => {
      let r = next() * xs.reduce((n, [, w]) => n + w, 0)
      for (const [v, w] of xs) if ((r -= w) < 0) return v
      return xs[xs.length - 1]![0]
    },
    id: (n = 21) => Array.from({ length: n }, () => ID[Math.floor(next() * 64)]).join(''),
  }
}

export type Random = ReturnType<typeof seeded>
