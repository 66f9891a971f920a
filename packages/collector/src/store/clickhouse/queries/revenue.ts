import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery } from './query.js'

/**
 * core/revenue.ts `revenueCounts`: orders (each once, at its earliest purchase: `e_first`) in range
 * in selected sessions; their persons as customers; a customer's first order ever and revenue up
 * to `to` over all its orders; the overview's visitors.
 */
export const revenueSql = (t: Tables, q: ReportQuery): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      `arrayMap(r -> ifNull(r, 0), p.e_revenue) AS rev`,
      `arrayFilter((r, tt, f, ok) -> f = 1 AND ok AND ${inRange('tt', q.range)}, rev, p.e_t, p.e_first, e_sel) AS ord_rev`,
      `arrayFilter((tt, f) -> f = 1, p.e_t, p.e_first) AS all_orders`,
      `arraySum(arrayFilter((r, tt, f) -> f = 1 AND tt < ${lit(q.range.toMs)}, rev, p.e_t, p.e_first)) AS lifetime`,
    ],
    select: `sum(length(ord_rev)) AS orders, sum(arraySum(ord_rev)) AS revenue, countIf(length(ord_rev) > 0) AS customers,
  countIf(length(ord_rev) >= 2) AS repeat_customers,
  countIf(length(ord_rev) > 0 AND ${inRange('all_orders[1]', q.range)}) AS new_customers,
  sumIf(lifetime, length(ord_rev) > 0) AS lifetime_revenue,
  countIf(arrayExists((tt, ok) -> ok AND ${inRange('tt', q.range)}, p.e_t, e_sel)) AS visitors`,
  })
