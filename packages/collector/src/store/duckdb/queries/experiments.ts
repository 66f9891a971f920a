import type { Fragment } from '../selection.js'

/**
 * core/experiments.ts `experimentCounts` over the derived tables: per variant, the persons whose
 * first in-range exposure to $experiment (by t, then id: `seq`) showed it, and how many of them
 * have an in-range goal event at or after that exposure's t.
 */
export const experimentCountsSql = (sel: Fragment, goal: Fragment) => `
WITH ${sel.sql},
inr AS (SELECT * FROM sev e WHERE e.t >= $from AND e.t < $to),
exposure AS (
  SELECT pno, arg_min(variant, seq) AS variant, arg_min(t, seq) AS t
  FROM inr WHERE type = 'experiment' AND experiment = $experiment AND variant IS NOT NULL
  GROUP BY pno
),
converted AS (
  SELECT DISTINCT x.pno FROM exposure x JOIN inr e ON e.pno = x.pno
  WHERE ${goal.sql} AND e.t >= x.t
)
SELECT variant, count(*) AS exposed, count(*) FILTER (WHERE pno IN (SELECT pno FROM converted)) AS converted
FROM exposure GROUP BY variant ORDER BY variant`
