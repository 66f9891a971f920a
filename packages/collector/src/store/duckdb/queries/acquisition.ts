import type { Bucketing, Fragment } from '../selection.js'
import { touchpointsOf } from './attribution.js'

/** Persons with a session of each channel started in range, of the selected sessions. */
export const channelVisitorsSql = (sel: Fragment) => `
WITH ${sel.sql}
SELECT channel, count(DISTINCT pno) AS visitors FROM sel
WHERE start_t >= $from AND start_t < $to GROUP BY channel`

/**
 * New customers by the channel of their first order's first touchpoint (core/acquisition.ts):
 * a person's first order ever (by its earliest purchase: t, then id), in range and placed in a
 * selected session; touchpoints as in attribution, over $lookback ms. Rows with `label` NULL
 * count them per channel (`customers`); the others give, per channel and day bucket of `b` (the
 * range's site-local days), the revenue of their orders placed that day — each order once, at its
 * earliest purchase, in any session. The first touches are found once for both.
 */
export const newCustomersSql = (sel: Fragment, b: Bucketing) => `
WITH ${sel.sql},
${b.cte},
firsts AS (
  SELECT pno, min(first_t) AS t, arg_min(sid, (first_t, first_id)) AS sid
  FROM tw_orders WHERE site = $site GROUP BY pno
),
nc AS (SELECT * FROM firsts WHERE t >= $from AND t < $to AND sid IN (SELECT sid FROM sel)),
touch AS (
  SELECT nc.pno, s.start_t, s.first_id, s.channel
  FROM nc ${touchpointsOf('nc')}
),
first_touch AS MATERIALIZED (SELECT pno, arg_min(channel, (start_t, first_id)) AS channel FROM touch GROUP BY pno)
SELECT channel, NULL AS label, count(*) AS customers, NULL AS revenue FROM first_touch GROUP BY channel
UNION ALL
SELECT ft.channel, m.label, NULL, coalesce(sum(o.revenue), 0)
FROM first_touch ft JOIN tw_orders o ON o.site = $site AND o.pno = ft.pno
${b.join('o.first_t')}
GROUP BY ft.channel, m.label`
