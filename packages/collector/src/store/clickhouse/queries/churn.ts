import type { ReportQuery, TimeRange } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { personsQuery } from './query.js'

/** core/retention.ts `churnCounts`: customers (orders in selected sessions) of the previous period, and those of them without one now. */
export const churnSql = (t: Tables, q: ReportQuery & { previous: TimeRange }): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: { fromMs: Math.min(q.previous.fromMs, q.range.fromMs), toMs: Math.max(q.previous.toMs, q.range.toMs) },
    with: [
      `arrayExists((tt, f, ok) -> f = 1 AND ok AND ${inRange('tt', q.previous)}, p.e_t, p.e_first, e_sel) AS was_customer`,
      `arrayExists((tt, f, ok) -> f = 1 AND ok AND ${inRange('tt', q.range)}, p.e_t, p.e_first, e_sel) AS is_customer`,
    ],
    select: `countIf(was_customer) AS previous, countIf(was_customer AND NOT is_customer) AS churned`,
  })
