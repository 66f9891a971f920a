import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { goalOf, inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery } from './query.js'

/**
 * core/experiments.ts `experimentCounts`: per variant, the persons whose first in-range exposure
 * to the experiment (events in t, then id order) showed it, and of them those with an in-range
 * goal event at or after that exposure's t; selected sessions only.
 */
export const experimentSql = (t: Tables, q: ReportQuery & { experiment: string }): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      `arrayFirstIndex((ty, ex, va, tt, ok) -> ok AND ty = 'experiment' AND ifNull(ex = ${lit(q.experiment)}, 0) AND va IS NOT NULL AND ${inRange('tt', q.range)},
        p.e_type, p.e_exp, p.e_var, p.e_t, e_sel) AS xi`,
      `p.e_t[xi] AS xt`,
    ],
    select: `assumeNotNull(p.e_var[xi]) AS variant, count() AS exposed,
  countIf(arrayExists((tt, ty, nm, ok) -> ok AND ${inRange('tt', q.range)} AND ${goalOf(q.goal)} AND tt >= xt, p.e_t, p.e_type, p.e_name, e_sel)) AS converted`,
    where: ['xi > 0'],
    groupBy: 'variant',
    orderBy: 'variant',
  })
