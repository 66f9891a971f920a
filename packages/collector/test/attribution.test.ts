import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeAttribution, DAY_MS, weights, type Touch } from '../src/core/attribution.js'
import { row } from './fixtures/rows.js'

const T = Date.UTC(2026, 0, 25, 12)
const touch = (daysBefore: number, channel = 'Email'): Touch => ({ start: T - daysBefore * DAY_MS, channel })

describe('attribution weights (SPEC §5), by hand', () => {
  it('one touch gets 100 % under every model', () => {
    for (const m of ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based'] as const) {
      expect(weights(m, [touch(3)], T), m).toEqual([1])
    }
  })

  it('position_based: 50/50 for two, 40/20/40 for three, 40/10/10/40 for four', () => {
    expect(weights('position_based', [touch(2), touch(1)], T)).toEqual([0.5, 0.5])
    expect(weights('position_based', [touch(3), touch(2), touch(1)], T)).toEqual([0.4, 0.2, 0.4])
    expect(weights('position_based', [touch(4), touch(3), touch(2), touch(1)], T)).toEqual([0.4, 0.1, 0.1, 0.4])
  })

  it('time_decay halves every 7 days; linear splits equally; first and last touch', () => {
    const w = weights('time_decay', [touch(14), touch(7), touch(0)], T) // raw 1/4, 1/2, 1
    expect(w[0]).toBeCloseTo(1 / 7, 12)
    expect(w[1]).toBeCloseTo(2 / 7, 12)
    expect(w[2]).toBeCloseTo(4 / 7, 12)
    expect(weights('linear', [touch(2), touch(1), touch(0), touch(0)], T)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(weights('first_touch', [touch(2), touch(1)], T)).toEqual([1, 0])
    expect(weights('last_touch', [touch(2), touch(1)], T)).toEqual([0, 1])
  })

  it('last_non_direct skips trailing Direct touches, and is Direct when all are', () => {
    expect(weights('last_non_direct', [touch(3, 'Organic Search'), touch(2, 'Email'), touch(1, 'Direct')], T)).toEqual([0, 1, 0])
    expect(weights('last_non_direct', [touch(2, 'Direct'), touch(1, 'Direct')], T)).toEqual([0, 1])
  })
})

describe('computeAttribution', () => {
  // one customer: Google on Jan 1, the newsletter on Jan 20, then back directly on Jan 25 to buy for 90
  const events = [
    row({ anonymousId: 'ann', t: Date.UTC(2026, 0, 1, 12), referrerDomain: 'www.google.com' }),
    row({ anonymousId: 'ann', t: Date.UTC(2026, 0, 20, 12), utmSource: 'news', utmMedium: 'email', utmCampaign: 'jan' }),
    row({ anonymousId: 'ann', t: T }),
    row({ anonymousId: 'ann', t: T + 60_000, type: 'purchase', orderId: 'o-1', revenue: 90 }),
    row({ anonymousId: 'ann', t: T + 61_000, type: 'purchase', orderId: 'o-1', revenue: 90 }), // the same order again
  ]
  const range = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 1, 1) }
  const d = derive(events)

  it('credits each order once over its touchpoints in the lookback window', () => {
    expect(computeAttribution(d, range, 'linear', 'purchase', 30 * DAY_MS)).toEqual([
      { value: 'Direct', conversions: 1 / 3, revenue: 30 },
      { value: 'Email', conversions: 1 / 3, revenue: 30 },
      { value: 'Organic Search', conversions: 1 / 3, revenue: 30 },
    ])
    expect(computeAttribution(d, range, 'first_touch')).toEqual([{ value: 'Organic Search', conversions: 1, revenue: 90 }])
    expect(computeAttribution(d, range, 'last_non_direct')).toEqual([{ value: 'Email', conversions: 1, revenue: 90 }])
    expect(computeAttribution(d, range, 'last_touch', 'purchase', 30 * DAY_MS, 'source')).toEqual([{ value: '(direct)', conversions: 1, revenue: 90 }])
  })

  it('leaves out sessions that started before the lookback window', () => {
    expect(computeAttribution(d, range, 'linear', 'purchase', 10 * DAY_MS)).toEqual([
      { value: 'Direct', conversions: 0.5, revenue: 45 },
      { value: 'Email', conversions: 0.5, revenue: 45 },
    ])
    expect(computeAttribution(d, range, 'first_touch', 'purchase', 10 * DAY_MS, 'campaign')).toEqual([{ value: 'jan', conversions: 1, revenue: 90 }])
  })

  it('credits other goals per goal event, with no revenue', () => {
    expect(computeAttribution(d, range, 'last_touch', 'pageview')).toEqual([
      { value: 'Direct', conversions: 1, revenue: 0 },
      { value: 'Email', conversions: 1, revenue: 0 },
    ])
  })
})
