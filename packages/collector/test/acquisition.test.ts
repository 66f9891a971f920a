import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { acquisitionParts, acquisitionRows } from '../src/core/acquisition.js'
import { row } from './fixtures/rows.js'

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

describe('acquisition (SPEC §5), by hand', () => {
  it('per channel: visitors, new customers by first touch, attributed orders, spend and the ratios', () => {
    const parts = acquisitionParts(derive(events), RANGE, 'last_non_direct')
    expect(parts.newCustomers).toEqual(new Map([['Organic Search', 1]])) // ann's first touch in 30 days: Google on Jan 5
    const rows = acquisitionRows({ ...parts, spend: new Map([['Paid Search', 20], ['Email', 30], ['Display', 10]]) })
    expect(rows).toEqual([
      { channel: 'Email', visitors: 1, newCustomers: 0, conversions: 1, revenue: 60, spend: 30, cac: null, cpa: 30, roas: 2, roi: 1 },
      { channel: 'Paid Search', visitors: 1, newCustomers: 0, conversions: 1, revenue: 40, spend: 20, cac: null, cpa: 20, roas: 2, roi: 1 },
      { channel: 'Direct', visitors: 1, newCustomers: 0, conversions: 0, revenue: 0, spend: 0, cac: null, cpa: null, roas: null, roi: null },
      { channel: 'Display', visitors: 0, newCustomers: 0, conversions: 0, revenue: 0, spend: 10, cac: null, cpa: null, roas: 0, roi: -1 },
      { channel: 'Organic Search', visitors: 0, newCustomers: 1, conversions: 0, revenue: 0, spend: 0, cac: 0, cpa: null, roas: null, roi: null },
    ])
  })
})
