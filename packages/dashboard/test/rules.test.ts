import { describe, expect, it } from 'vitest'
import { createFormat } from '../src/format.js'
import { acquisitionHints, csatHints, experimentHints, revenueHints, srmWarning } from '../src/rules.js'
import type { AcquisitionRow, Experiment, Revenue } from '../src/api-types.js'

const f = createFormat('USD', 'UTC', 'en-US')
const revenue: Revenue = { revenue: 1000, orders: 40, customers: 32, newCustomers: 30, aov: 25, purchaseFrequency: 1.25, repeatPurchaseRate: 0.25, revenuePerVisitor: 2, clv: 40, clvToAov: 1.6 }
const row = (o: Partial<AcquisitionRow>): AcquisitionRow => ({ channel: 'Display', visitors: 10, newCustomers: 2, conversions: 2, revenue: 50, spend: 100, cac: 50, cpa: 50, roas: 0.5, roi: -0.5, clv: null, ltvToCac: null, paybackDays: null, ...o })

describe('rules of thumb', () => {
  it('hints when CLV is below 3× AOV, not when it is above', () => {
    expect(revenueHints(revenue, f).map((h) => h.id)).toEqual(['clv-aov'])
    expect(revenueHints({ ...revenue, clvToAov: 3.4 }, f)).toEqual([])
    expect(revenueHints({ ...revenue, clvToAov: null }, f)).toEqual([])
  })

  it('names the channels whose ROAS is below 1, and those whose LTV:CAC is below 3', () => {
    const hints = acquisitionHints([row({}), row({ channel: 'Paid Search', roas: 3 }), row({ channel: 'Organic Search', spend: 0, roas: null })], f)
    expect(hints.map((h) => h.id)).toEqual(['roas'])
    expect(hints[0]!.text).toContain('Display (ROAS 0.5)')
    expect(hints[0]!.text).not.toContain('Paid Search')
    expect(acquisitionHints([row({ roas: 2, ltvToCac: 1.5 })], f).map((h) => h.id)).toEqual(['ltv-cac'])
    expect(acquisitionHints([row({ roas: 2, ltvToCac: 3 }), row({ roas: 2, ltvToCac: null })], f)).toEqual([])
  })

  it('reads CSAT against the 75–85 % band and warns about tiny samples first', () => {
    expect(csatHints({ responses: 10, csat: 50, avgScore: 3 }, f).map((h) => h.id)).toEqual(['csat-sample'])
    expect(csatHints({ responses: 200, csat: 70, avgScore: 3.7 }, f).map((h) => h.id)).toEqual(['csat'])
    expect(csatHints({ responses: 200, csat: 82, avgScore: 4.2 }, f)).toEqual([])
  })

  it('flags a sample ratio mismatch and a test that shows no significant difference', () => {
    const x: Experiment = {
      experiment: 'e',
      goal: 'purchase',
      srmPValue: 0.001,
      variants: [
        { variant: 'control', exposed: 600, converted: 60, rate: 0.1, uplift: 0, pValue: null, ci95: null },
        { variant: 'b', exposed: 500, converted: 55, rate: 0.11, uplift: 0.1, pValue: 0.6, ci95: [-0.03, 0.05] },
      ],
    }
    expect(srmWarning(x)).toBe(true)
    expect(srmWarning({ ...x, srmPValue: 0.4 })).toBe(false)
    expect(experimentHints(x, f).map((h) => h.id)).toEqual(['not-significant'])
  })
})
