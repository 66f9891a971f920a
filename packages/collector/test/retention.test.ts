import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeChurnRate, computeRetention } from '../src/core/retention.js'
import { bucketsOf } from '../src/reports/buckets.js'
import { reportRange, previousRange } from '../src/reports/range.js'
import { row } from './fixtures/rows.js'

const at = (m: number, d: number) => Date.UTC(2026, m - 1, d, 12)
const visit = (anonymousId: string, t: number) => row({ anonymousId, t })
const buy = (anonymousId: string, t: number, orderId: string) => row({ anonymousId, t, type: 'purchase', orderId, revenue: 10 })

const events = [
  visit('a', at(1, 6)), visit('a', at(1, 13)), visit('a', at(1, 27)), // cohort Jan 5: weeks 0, 1, 3
  visit('b', at(1, 7)), // cohort Jan 5: week 0
  visit('c', at(1, 14)), visit('c', at(1, 21)), // cohort Jan 12: weeks 1, 2
  visit('d', at(1, 2)), visit('d', at(1, 20)), // Jan 2 is before the range: cohort Jan 19
  // a bought in December and again in January; b only in December
  buy('a', Date.UTC(2025, 11, 20, 12), 'o-a1'), buy('a', at(1, 10), 'o-a2'), buy('b', Date.UTC(2025, 11, 22, 12), 'o-b1'),
]

describe('retention (SPEC §5), by hand', () => {
  const range = reportRange({ from: '2026-01-05', to: '2026-02-01' }, 'UTC')
  const weeks = bucketsOf(range, 'week', 'UTC')

  it('cohorts by the week of the first in-range event; retained shares per later week', () => {
    expect(weeks.map((w) => w.label)).toEqual(['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26'])
    expect(computeRetention(derive(events), weeks, 8)).toEqual([
      { cohort: '2026-01-05', size: 2, retained: [1, 0.5, 0, 0.5] },
      { cohort: '2026-01-12', size: 1, retained: [1, 1, 0] },
      { cohort: '2026-01-19', size: 1, retained: [1, 0] },
    ])
    expect(computeRetention(derive(events), weeks, 2).map((c) => c.retained)).toEqual([[1, 0.5], [1, 1], [1, 0]])
  })

  it('names a cohort by the date its period starts, also before `from`, counting only in-range events', () => {
    const mid = reportRange({ from: '2026-01-07', to: '2026-01-20' }, 'UTC')
    const cohorts = computeRetention(derive(events), bucketsOf(mid, 'week', 'UTC'), 8)
    // a's Jan 6 visit is out: a joins the cohort with the Jan 10 purchase, b with Jan 7
    expect(cohorts[0]).toEqual({ cohort: '2026-01-05', size: 2, retained: [1, 0.5, 0] })
    expect(cohorts.map((c) => c.cohort)).toEqual(['2026-01-05', '2026-01-12', '2026-01-19'])
    // months: February (cut to Feb 1, the range's last day) starts on or before `to`
    const months = computeRetention(derive(events), bucketsOf(range, 'month', 'UTC'), 8)
    expect(months).toEqual([{ cohort: '2026-01-01', size: 4, retained: [1, 0] }])
  })

  it("churnRate: customers of the previous period without an order now ÷ the previous period's customers", () => {
    const d = derive(events)
    expect(computeChurnRate(d, range, previousRange(range, 'UTC'))).toBe(0.5) // b churned, a bought again
    expect(computeChurnRate(d, previousRange(range, 'UTC'), reportRange({ from: '2025-11-10', to: '2025-12-07' }, 'UTC'))).toBeNull()
  })
})
