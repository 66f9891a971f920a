import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { acquisitionParts, acquisitionRows } from '../src/core/acquisition.js'
import { row } from './fixtures/rows.js'
import { reportRange } from '../src/reports/range.js'
import { daysOf } from '../src/reports/buckets.js'

const at = (d: number) => Date.UTC(2026, 0, d, 12)
const RANGE = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 1, 1) }

// ann: Google on Jan 5 (before the range), the newsletter on Jan 12, buys directly on Jan 14 (her first order)
// bo: a paid search click on Jan 15, buys on Jan 15; bought before (Dec), so not a new customer
const events = [
  row({ anonymousId: 'ann', t: at(5), referrerDomain: 'www.google.com' }),
  row({ anonymousId: 'ann', t: at(12), utmSource: 'news', utmMedium: 'email' }),
  row({ anonymousId: 'ann', t: at(14) }),
  row({ anonymousId: 'ann', t: at(14) + 1, type: 'purchase', orderId: 'o-1', revenue: 60 }),
  row({ anonymousId: 'bo', t: Date.UTC(2025, 11, 20, 12), type: 'purchase', orderId: 'o-0', revenue: 5 }),
  row({ anonymousId: 'bo', t: at(15), gclid: 'g' }),
  row({ anonymousId: 'bo', t: at(15) + 1, type: 'purchase', orderId: 'o-2', revenue: 40 }),
]

const noLtv = { clv: null, ltvToCac: null, paybackDays: null }

describe('acquisition (SPEC §5), by hand', () => {
  it('per channel: visitors, new customers by first touch, attributed orders, spend and the ratios', () => {
    const parts = acquisitionParts(derive(events), RANGE, 'last_non_direct')
    expect(parts.newCustomers).toEqual(new Map([['Organic Search', 1]])) // ann's first touch in 30 days: Google on Jan 5
    const rows = acquisitionRows({ ...parts, spend: new Map([['Paid Search', 20], ['Email', 30], ['Display', 10]]) })
    expect(rows).toEqual([
      { channel: 'Email', visitors: 1, newCustomers: 0, conversions: 1, revenue: 60, spend: 30, cac: null, cpa: 30, roas: 2, roi: 1, ...noLtv },
      { channel: 'Paid Search', visitors: 1, newCustomers: 0, conversions: 1, revenue: 40, spend: 20, cac: null, cpa: 20, roas: 2, roi: 1, ...noLtv },
      { channel: 'Direct', visitors: 1, newCustomers: 0, conversions: 0, revenue: 0, spend: 0, cac: null, cpa: null, roas: null, roi: null, ...noLtv },
      { channel: 'Display', visitors: 0, newCustomers: 0, conversions: 0, revenue: 0, spend: 10, cac: null, cpa: null, roas: 0, roi: -1, ...noLtv },
      // ann's clv is her 60; no spend: cac 0, so no ltvToCac and no payback
      { channel: 'Organic Search', visitors: 0, newCustomers: 1, conversions: 0, revenue: 0, spend: 0, cac: 0, cpa: null, roas: null, roi: null, clv: 60, ltvToCac: null, paybackDays: null },
    ])
  })

  // dan: paid search on Jan 11, buys for 30 (and reports that order again on Jan 14), buys for 50 on Jan 13 at 03:00 UTC
  // (Jan 12, 22:00 in New York), and for 70 on Feb 3, after the range; eve: paid search on Jan 12, buys for 20
  const ltv = [
    row({ anonymousId: 'dan', t: at(11), gclid: 'g' }),
    row({ anonymousId: 'dan', t: at(11) + 1, type: 'purchase', orderId: 'd-1', revenue: 30 }),
    row({ anonymousId: 'dan', t: Date.UTC(2026, 0, 13, 3), type: 'purchase', orderId: 'd-2', revenue: 50 }),
    row({ anonymousId: 'dan', t: at(14), type: 'purchase', orderId: 'd-1', revenue: 30 }),
    row({ anonymousId: 'dan', t: Date.UTC(2026, 1, 3, 12), type: 'purchase', orderId: 'd-3', revenue: 70 }),
    row({ anonymousId: 'eve', t: at(12), gclid: 'g' }),
    row({ anonymousId: 'eve', t: at(12) + 1, type: 'purchase', orderId: 'e-1', revenue: 20 }),
  ]
  const paid = (spend: number, tz = 'UTC', model: 'linear' | 'markov' = 'linear') => {
    const range = reportRange({ from: '2026-01-10', to: '2026-01-31' }, tz)
    const parts = acquisitionParts(derive(ltv), range, model, {}, daysOf(range, tz))
    return acquisitionRows({ ...parts, spend: new Map([['Paid Search', spend]]) }).find((r) => r.channel === 'Paid Search')!
  }

  it('clv, LTV:CAC and payback of a channel\'s new customers: each order once, up to `to`', () => {
    // 2 new customers, 100 of revenue up to Jan 31 (each order once, not the 70 of Feb 3): clv 50; spend 90: cac 45
    const r = paid(90)
    expect(r).toMatchObject({ newCustomers: 2, clv: 50, cac: 45, ltvToCac: 50 / 45 })
    // cumulative revenue from Jan 10: 0, 30 (Jan 11), 50 (Jan 12), 100 (Jan 13) ≥ 90 → day 3
    expect(r.paybackDays).toBe(3)
    expect(paid(30).paybackDays).toBe(1) // reached exactly on Jan 11
    expect(paid(100.0000005).paybackDays).toBe(3) // within 10⁻⁶
    expect(paid(100.00001).paybackDays).toBeNull() // the range's revenue never covers it
    expect(paid(0)).toMatchObject({ cac: 0, clv: 50, ltvToCac: null, paybackDays: null })
  })

  it('counts payback days in the site\'s time zone', () => {
    // in New York dan's 50 falls on Jan 12 (day 2): 30 + 20 + 50 = 100 by then
    expect(paid(90, 'America/New_York').paybackDays).toBe(2)
    expect(paid(90, 'UTC').paybackDays).toBe(3)
  })

  it('does not depend on the model', () => {
    const { clv, ltvToCac, paybackDays } = paid(90)
    // markov: paths PS → CONVERSION (twice) and PS → Direct → CONVERSION (dan's Jan 13 order opens a Direct session):
    // RE(PS) = 1, RE(Direct) = ⅓ → PS gets ¾ of 3 orders and of 100
    expect(paid(90, 'UTC', 'markov')).toMatchObject({ clv, ltvToCac, paybackDays, conversions: 2.25, revenue: 75 })
  })
})
