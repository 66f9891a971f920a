import type { Bucket, ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { bucketIndex } from '../selection.js'
import { raw, type Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

/**
 * core/retention.ts `retentionCounts`: per person the periods (1-based) with a selected event;
 * its cohort is the first; per cohort c and offset k < maxPeriods, the persons active in c + k.
 */
export function retentionSql(t: Tables, q: ReportQuery & { periods: readonly Bucket[]; maxPeriods: number }): Sql {
  const b = bucketIndex(q.periods)
  return personsQuery(t, q.site, q.filters, {
    span: { fromMs: Math.min(...q.periods.map((p) => p.fromMs)), toMs: Math.max(...q.periods.map((p) => p.toMs)) },
    with: [
      `arraySort(arrayDistinct(arrayFilter((k, ok) -> ok AND k > 0, arrayMap(tt -> ${raw(b('tt')).text}, p.e_t), e_sel))) AS active`,
      `active[1] AS cohort_period`,
      `arrayFilter(k -> k - cohort_period < ${Math.trunc(q.maxPeriods)}, active) AS retained_periods`,
    ],
    select: 'cohort_period - 1 AS cohort_index, period - cohort_period AS period_offset, count() AS persons',
    arrayJoin: `${same('retained_periods')} AS period`,
    where: ['length(active) > 0'],
    groupBy: 'cohort_index, period_offset',
  })
}
