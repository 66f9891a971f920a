import type { AttributionDimension } from '../../../core/attribution.js'
import type { Fragment } from '../selection.js'
import { conversionsSql, touchpointsOf } from './attribution.js'

/**
 * core/attribution.ts `markovCounts` over the derived tables: the transitions of every path,
 * counted — (src, dst, converts, n), src NULL for START and dst NULL for the end (CONVERSION when
 * `converts`). Converting paths: each conversion's touchpoints (as attribution's) in order of
 * start, then first event id. Non-converting: persons with a selected session in range and no
 * conversion, all their sessions in range. Columns `conversions` and `revenue` repeat the
 * range's totals on every row. The dimension is code (an enum), never request text.
 */
export function markovSql(sel: Fragment, goal: Fragment | null, by: AttributionDimension): string {
  return `
WITH ${sel.sql},
conv AS (
  ${conversionsSql(goal)}
),
touch AS (
  SELECT c.cid AS path, s.start_t, s.first_id, s.${by} AS value
  FROM conv c ${touchpointsOf('c')}
),
lost AS (
  SELECT DISTINCT pno FROM sel WHERE start_t >= $from AND start_t < $to AND pno NOT IN (SELECT pno FROM conv)
),
lost_touch AS (
  SELECT CAST(s.pno AS VARCHAR) AS path, s.start_t, s.first_id, s.${by} AS value
  FROM lost JOIN tw_sessions s ON s.site = $site AND s.pno = lost.pno
  WHERE s.start_t >= $from AND s.start_t < $to
),
steps AS (
  SELECT value, true AS converts,
    lag(value) OVER (PARTITION BY path ORDER BY start_t, first_id) AS prev,
    row_number() OVER (PARTITION BY path ORDER BY start_t DESC, first_id DESC) = 1 AS last
  FROM touch
  UNION ALL
  SELECT value, false,
    lag(value) OVER (PARTITION BY path ORDER BY start_t, first_id),
    row_number() OVER (PARTITION BY path ORDER BY start_t DESC, first_id DESC) = 1
  FROM lost_touch
),
transitions AS (
  SELECT prev AS src, value AS dst, false AS converts FROM steps
  UNION ALL
  SELECT value, NULL, converts FROM steps WHERE last
)
SELECT src, dst, converts, count(*) AS n,
  (SELECT count(*) FROM conv) AS conversions, (SELECT coalesce(sum(credit), 0) FROM conv) AS revenue
FROM transitions GROUP BY src, dst, converts`
}
