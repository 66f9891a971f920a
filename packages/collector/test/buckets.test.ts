import { describe, expect, it } from 'vitest'
import { bucketsOf, MAX_BUCKETS } from '../src/reports/buckets.js'
import { reportRange } from '../src/reports/range.js'

const labels = (from: string, to: string, interval: 'hour' | 'day' | 'week' | 'month', tz = 'UTC') =>
  bucketsOf(reportRange({ from, to }, tz), interval, tz)

describe('bucketsOf', () => {
  it('has every day of the range, in the site zone', () => {
    const b = labels('2026-03-28', '2026-03-30', 'day', 'Europe/Berlin')
    expect(b.map((x) => x.label)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30'])
    expect(b[1]!.toMs - b[1]!.fromMs).toBe(23 * 3_600_000) // the DST day
    expect(b[0]!.fromMs).toBe(Date.UTC(2026, 2, 27, 23))
  })

  it('starts weeks on Monday and cuts the first and last to the range', () => {
    const b = labels('2026-01-01', '2026-01-14', 'week') // a Thursday to a Wednesday
    expect(b.map((x) => x.label)).toEqual(['2025-12-29', '2026-01-05', '2026-01-12'])
    expect(b[0]!.fromMs).toBe(Date.UTC(2026, 0, 1))
    expect(b[2]!.toMs).toBe(Date.UTC(2026, 0, 15))
  })

  it('labels months by their first day', () => {
    expect(labels('2026-01-15', '2026-03-02', 'month').map((x) => x.label)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01'])
  })

  it('labels hours with their offset, unique across a DST change', () => {
    const b = labels('2026-10-25', '2026-10-25', 'hour', 'Europe/Berlin')
    expect(b).toHaveLength(25)
    expect(b[2]!.label).toBe('2026-10-25T02:00+02:00')
    expect(b[3]!.label).toBe('2026-10-25T02:00+01:00')
    expect(new Set(b.map((x) => x.label)).size).toBe(25)
  })

  it('refuses more than the bucket limit', () => {
    expect(() => labels('2020-01-01', '2026-01-01', 'hour')).toThrow(new RegExp(`more than ${MAX_BUCKETS}`))
  })
})
