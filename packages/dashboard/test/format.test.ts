import { describe, expect, it } from 'vitest'
import { createFormat, relativeChange } from '../src/format.js'

const f = createFormat('EUR', 'Europe/Paris', 'en-US')

describe('format', () => {
  it('shows money in the site currency, rates as percentages and null as a dash', () => {
    expect(f.money(1234.5)).toBe('€1,234.50')
    expect(f.percent(0.1234)).toBe('12.3%')
    expect(f.value('pct100', 69.88)).toBe('69.9%')
    expect(f.int(1547)).toBe('1,547')
    expect(f.money(null)).toBe('–')
    expect(f.percent(undefined)).toBe('–')
    expect(f.value('coefficient', 0.01681)).toBe('0.017')
  })

  it('reads durations the way people say them', () => {
    expect(f.duration(42_000)).toBe('42 s')
    expect(f.duration(455_042)).toBe('7 min 35 s')
    expect(f.duration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 05 min')
    expect(f.duration(5 * 86_400_000)).toBe('5 days')
  })

  it("shows instants in the site's zone and dates as dates", () => {
    expect(f.time('2026-11-20T09:12:03.000Z')).toBe('10:12 AM')
    expect(f.day('2026-11-03', '2026')).toBe('Nov 3')
    expect(f.day('2025-11-03', '2026')).toBe('Nov 3, 2025')
  })

  it('compares with the previous period only when there is one', () => {
    expect(relativeChange(110, 100)).toBeCloseTo(0.1)
    expect(relativeChange(5, 0)).toBeNull()
    expect(relativeChange(null, 3)).toBeNull()
    expect(f.change(0.125)).toBe('+12.5%')
    expect(f.change(-0.5)).toBe('-50%')
  })

  it('falls back to plain numbers for a currency Intl does not know', () => {
    expect(createFormat('XX1', 'UTC', 'en-US').money(3)).toBe('3.00')
  })
})
