import type { AttributionDimension } from '../../../core/attribution.js'
import type { Fragment } from '../selection.js'
import { conversionsSql, touchpointsOf } from './attribution.js'

/**
 * core/attribution.ts `markovCounts` over the derived tables: the transitions of every path,
 * counted — (src, dst, converts, n), src NULL for START and dst NULL for the end (CONVERSION when
 * `converts`). Converting paths: each conversion's touchpoints (as attribution's) in order of
 * start, then first event id. Non-converting: persons with a selected session in range and no
 * conversion, all their sessions in range (`filtered` false: every session is selected, so no
 * semi join is needed). Columns `conversions` and `revenue` repeat the range's totals on every
 * row. The dimension is code (an enum), never request text.
 *
 * One window pass over both kinds of paths (a path is (pno, seq): integers, the converting
 * event's place, seq NULL for a non-converting one — a person has either), its steps
 * materialized once and counted twice: as the transition from the previous value (START at the
 * first step) and, at the last step, into the end.
 */
export function markovSql(sel: Fragment, goal: Fragment | null, by: AttributionDimension, filtered: boolean): string {
  const qualifies = filtered ? `\n    AND s.pno IN (SELECT pno FROM sel WHERE start_t >= $from AND start_t < $to)` : ''
  return `
WITH ${sel.sql},
conv AS MATERIALIZED (
  ${conversionsSql(goal)}
),
paths AS (
  SELECT c.pno, c.seq, true AS converts, s.start_t, s.first_id, s.${by} AS value
  FROM conv c ${touchpointsOf('c')}
  UNION ALL
  SELECT s.pno, NULL, false, s.start_t, s.first_id, s.${by}
  FROM tw_sessions s
  WHERE s.site = $site AND s.start_t >= $from AND s.start_t < $to${qualifies}
    AND s.pno NOT IN (SELECT pno FROM conv)
),
steps AS MATERIALIZED (
  SELECT value, converts, lag(value) OVER w AS prev, lead(start_t) OVER w IS NULL AS last
  FROM paths WINDOW w AS (PARTITION BY pno, seq ORDER BY start_t, first_id)
),
transitions AS (
  SELECT prev AS src, value AS dst, false AS converts, count(*) AS n FROM steps GROUP BY prev, value
  UNION ALL
  SELECT value, NULL, converts, count(*) FROM steps WHERE last GROUP BY value, converts
)
SELECT src, dst, converts, n,
  (SELECT count(*) FROM conv) AS conversions, (SELECT coalesce(sum(credit), 0) FROM conv) AS revenue
FROM transitions`
}
