import { describe, expect, it } from 'vitest'
import { daysOf, defaultInterval, intervalsFor, rangeOf, todayIn } from '../src/dates.js'

describe('dates', () => {
  it("takes today in the site's time zone, not the browser's", () => {
    const now = Date.UTC(2026, 10, 23, 22, 30) // 22:30 UTC
    expect(todayIn('UTC', now)).toBe('2026-11-23')
    expect(todayIn('Asia/Tokyo', now)).toBe('2026-11-24') // already 07:30 the next day
    expect(todayIn('America/Los_Angeles', Date.UTC(2026, 10, 24, 5))).toBe('2026-11-23')
  })

  it('turns presets into inclusive site-local days', () => {
    const today = '2026-03-10'
    expect(rangeOf('today', today)).toEqual({ from: today, to: today })
    expect(rangeOf('7d', today)).toEqual({ from: '2026-03-04', to: today })
    expect(rangeOf('30d', today)).toEqual({ from: '2026-02-09', to: today })
    expect(rangeOf('90d', today)).toEqual({ from: '2025-12-11', to: today })
    expect(rangeOf('mtd', today)).toEqual({ from: '2026-03-01', to: today })
    expect(rangeOf('lastmonth', today)).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(rangeOf('lastmonth', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(rangeOf('custom', today, { from: '2026-01-31', to: '2026-01-01' })).toEqual({ from: '2026-01-01', to: '2026-01-31' })
    expect(rangeOf('custom', today, { from: 'x' })).toEqual(rangeOf('30d', today))
    expect(daysOf(rangeOf('7d', today))).toBe(7)
  })

  it('offers only intervals the API answers (at most 2000 buckets) and a readable default', () => {
    expect(intervalsFor({ from: '2026-03-10', to: '2026-03-10' })).toEqual(['hour', 'day'])
    expect(intervalsFor({ from: '2026-01-01', to: '2026-03-31' })).toEqual(['day', 'week', 'month'])
    expect(defaultInterval({ from: '2026-03-10', to: '2026-03-10' })).toBe('hour')
    expect(defaultInterval({ from: '2026-01-01', to: '2026-01-30' })).toBe('day')
    expect(defaultInterval({ from: '2024-01-01', to: '2026-01-01' })).toBe('month')
  })
})
