import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { personsQuery } from './query.js'

/** Scored `feedback` events in range of the selected sessions (core/revenue.ts csatCounts). */
export const csatSql = (t: Tables, q: ReportQuery): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [`arrayFilter((s, ty, tt, ok) -> ok AND ty = 'feedback' AND s IS NOT NULL AND ${inRange('tt', q.range)}, p.e_score, p.e_type, p.e_t, e_sel) AS scores`],
    select: `sum(length(scores)) AS responses, sum(arrayCount(s -> ifNull(s >= 4, 0), scores)) AS satisfied, sum(arraySum(arrayMap(s -> ifNull(s, 0), scores))) AS score_sum`,
  })
