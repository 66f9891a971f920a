import type { Bucketing, Fragment } from '../selection.js'

/**
 * core/retention.ts `retentionCounts` over the derived tables: per cohort index c (the period of a
 * person's first in-range event) and offset k, the persons with an event in period c + k.
 */
export const retentionSql = (sel: Fragment, b: Bucketing) => `
WITH ${sel.sql},
${b.cte},
presence AS (SELECT DISTINCT e.pno, m.label FROM sev e ${b.join('e.t')}),
idx AS (SELECT label, row_number() OVER (ORDER BY b_start) - 1 AS i FROM buckets),
pi AS (SELECT p.pno, x.i FROM presence p JOIN idx x USING (label)),
cohort AS (SELECT pno, min(i) AS c FROM pi GROUP BY pno)
SELECT c, i - c AS k, count(*) AS persons
FROM pi JOIN cohort USING (pno)
WHERE i - c < $periods
GROUP BY c, k`

/** core/retention.ts `computeChurnRate`: customers of the previous period, and those of them without an order now. */
export const churnSql = (sel: Fragment) => `
WITH ${sel.sql},
ord AS (SELECT o.pno, o.first_t FROM tw_orders o WHERE o.site = $site AND o.sid IN (SELECT sid FROM sel)),
now_c AS (SELECT DISTINCT pno FROM ord WHERE first_t >= $from AND first_t < $to),
prev_c AS (SELECT DISTINCT pno FROM ord WHERE first_t >= $prev_from AND first_t < $prev_to)
SELECT (SELECT count(*) FROM prev_c) AS previous, (SELECT count(*) FROM prev_c WHERE pno NOT IN (SELECT pno FROM now_c)) AS churned`
