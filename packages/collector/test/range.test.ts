import { describe, expect, it } from 'vitest'
import { reportRange, startOfDay, today } from '../src/reports/range.js'

describe('reportRange', () => {
  it('covers whole UTC days, half-open', () => {
    const r = reportRange({ from: '2026-01-01', to: '2026-01-02' }, 'UTC')
    expect(r.fromMs).toBe(Date.UTC(2026, 0, 1))
    expect(r.toMs).toBe(Date.UTC(2026, 0, 3))
  })

  it('starts days at local midnight in the site zone, across DST changes', () => {
    // Berlin: UTC+1 in winter, UTC+2 from 2026-03-29.
    expect(startOfDay(2026, 1, 15, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 14, 23))
    expect(startOfDay(2026, 3, 30, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 22))
    const r = reportRange({ from: '2026-03-29', to: '2026-03-29' }, 'Europe/Berlin')
    expect(r.toMs - r.fromMs).toBe(23 * 3_600_000) // the short day
    expect(startOfDay(2026, 7, 1, 'America/Los_Angeles')).toBe(Date.UTC(2026, 6, 1, 7))
  })

  it('defaults to the 30 days ending today in the zone', () => {
    const now = Date.UTC(2026, 5, 30, 23, 30) // already July 1st in Tokyo
    expect(today('Asia/Tokyo', now)).toBe('2026-07-01')
    expect(reportRange({}, 'UTC', now)).toMatchObject({ from: '2026-06-01', to: '2026-06-30' })
  })

  it.each([
    [{ from: '2026-02-29' }, 'from'],
    [{ to: '2026-1-1' }, 'to'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'from'],
  ])('rejects %o naming %s', (query, param) => {
    expect(() => reportRange(query, 'UTC', Date.UTC(2026, 5, 1))).toThrow(expect.objectContaining({ message: expect.stringContaining(`"${param}"`) }))
  })
})
