import { describe, expect, it } from 'vitest'
import { backoff } from '../src/backoff.js'

describe('backoff', () => {
  it('doubles from 1 s with equal jitter, capped at 60 s', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, 0, () => 0))).toEqual([500, 1000, 2000, 4000])
    expect([1, 2, 3, 4].map((n) => backoff(n, 0, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect(backoff(30, 0, () => 0.99)).toBeLessThanOrEqual(60_000)
    expect(backoff(30, 0, () => 0)).toBe(30_000)
  })

  it('waits at least what Retry-After asked, plus up to 1 s of jitter', () => {
    expect(backoff(1, 7000, () => 0)).toBe(7000)
    expect(backoff(9, 7000, () => 0.5)).toBe(7500)
  })
})
