import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeCsat, computeRevenue } from '../src/core/revenue.js'
import type { EventRow } from '../src/store/event-log.js'
import { row } from './fixtures/rows.js'

const DAY = 86_400_000
const day = (n: number) => Date.UTC(2026, 0, n, 12)
const RANGE = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 0, 21) } // Jan 10–20

const buy = (anonymousId: string, t: number, orderId: string, revenue: number, device = 'desktop') =>
  row({ anonymousId, t, type: 'purchase', orderId, revenue, device })
const feedback = (anonymousId: string, t: number, score: number, device = 'desktop') => row({ anonymousId, t, type: 'feedback', score, device })

/** ann: a customer since Jan 2, buys twice in range and once after it; bo: a new customer (order sent twice); cy, di: visitors. */
const events: EventRow[] = [
  buy('ann', day(2), 'o-0', 5),
  buy('ann', day(12), 'o-1', 10),
  buy('ann', day(15), 'o-2', 30),
  buy('ann', day(25), 'o-4', 100),
  feedback('ann', day(25), 3),
  row({ anonymousId: 'bo', t: day(14), device: 'mobile' }),
  buy('bo', day(14) + 60_000, 'o-3', 20, 'mobile'),
  buy('bo', day(14) + 120_000, 'o-3', 20, 'mobile'),
  feedback('bo', day(14) + 180_000, 4, 'mobile'),
  row({ anonymousId: 'cy', t: day(11) }),
  feedback('cy', day(11) + 1, 2),
  row({ anonymousId: 'di', t: day(11) }),
  feedback('di', day(11) + 1, 5),
]

describe('revenue metrics (SPEC §5)', () => {
  it('counts orders once, customers, new customers and lifetime value by hand', () => {
    expect(computeRevenue(derive(events), RANGE)).toEqual({
      revenue: 60, // o-1 + o-2 + o-3 (o-3 once)
      orders: 3,
      customers: 2,
      newCustomers: 1, // bo; ann's first order ever is Jan 2
      aov: 20,
      purchaseFrequency: 1.5,
      repeatPurchaseRate: 0.5, // ann
      revenuePerVisitor: 15, // 60 ÷ ann, bo, cy, di
      clv: 32.5, // (ann 5 + 10 + 30, not o-4 after `to`) + bo 20, ÷ 2
      clvToAov: 1.625,
    })
  })

  it('with filters counts the orders of the selected sessions, and their customers\' whole history', () => {
    expect(computeRevenue(derive(events), RANGE, { device: 'mobile' })).toMatchObject({ revenue: 20, orders: 1, customers: 1, newCustomers: 1, revenuePerVisitor: 20, clv: 20, clvToAov: 1 })
    const ann = computeRevenue(derive(events), RANGE, { device: 'desktop' })
    expect(ann).toMatchObject({ revenue: 40, orders: 2, customers: 1, newCustomers: 0, clv: 45 })
  })

  it('answers null ratios, never NaN, without orders or visitors', () => {
    expect(computeRevenue(derive(events), { fromMs: day(30), toMs: day(31) })).toEqual({
      revenue: 0, orders: 0, customers: 0, newCustomers: 0, aov: null, purchaseFrequency: null,
      repeatPurchaseRate: null, revenuePerVisitor: null, clv: null, clvToAov: null,
    })
  })
})

describe('CSAT (SPEC §5)', () => {
  it('is the share of scores 4 and 5 as a percentage, with the mean score, over feedback in range', () => {
    const c = computeCsat(derive(events), RANGE)
    expect(c.responses).toBe(3) // cy 2, di 5, bo 4; ann's is after the range
    expect(c.csat).toBeCloseTo(200 / 3, 10)
    expect(c.avgScore).toBeCloseTo(11 / 3, 10)
    expect(computeCsat(derive(events), RANGE, { device: 'mobile' })).toEqual({ responses: 1, csat: 100, avgScore: 4 })
    expect(computeCsat(derive(events), { fromMs: RANGE.fromMs, toMs: RANGE.fromMs + DAY })).toEqual({ responses: 0, csat: null, avgScore: null })
  })
})
