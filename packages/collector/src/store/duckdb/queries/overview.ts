import type { Bucketing, Fragment } from '../selection.js'

/**
 * The overview of SPEC §5–6 per bucket, over the derived tables: one row of raw counts per
 * bucket (the overview is the one-bucket case). core/metrics.ts is the reference
 * (the store contract suite, test/contract). A session belongs to the bucket of its first event; an order
 * to the bucket of its earliest purchase event; visitors, pageviews, conversions and signups
 * count the events in the bucket.
 */
export const overviewBucketsSql = (sel: Fragment, b: Bucketing, goal: Fragment) => `
WITH ${sel.sql},
${b.cte},
person_stats AS (
  SELECT m.label, e.pno, count(*) FILTER (WHERE e.type = 'pageview') AS pageviews,
    bool_or(${goal.sql}) AS converted, bool_or(e.type = 'signup') AS signed_up
  FROM sev e ${b.join('e.t')}
  GROUP BY m.label, e.pno
),
event_stats AS (
  SELECT label, count(*) AS visitors, sum(pageviews) AS pageviews,
    count(*) FILTER (WHERE converted) AS converted, count(*) FILTER (WHERE signed_up) AS signups
  FROM person_stats GROUP BY label
),
session_stats AS (
  SELECT m.label, count(*) AS sessions,
    count(*) FILTER (WHERE s.pageviews = 1 AND s.others = 0) AS bounces,
    sum(s.pageviews) AS session_pageviews,
    sum(s.end_t - s.start_t + s.tail) AS length_sum,
    count(*) FILTER (WHERE s.first_cart IS NOT NULL) AS carts,
    count(*) FILTER (WHERE s.first_cart < s.last_purchase) AS carts_bought,
    count(*) FILTER (WHERE s.first_checkout IS NOT NULL) AS checkouts,
    count(*) FILTER (WHERE s.first_checkout < s.last_purchase) AS checkouts_bought
  FROM sel s ${b.join('s.start_t')}
  GROUP BY m.label
),
order_stats AS (
  SELECT m.label, count(*) AS orders, sum(o.revenue) AS revenue
  FROM tw_orders o JOIN sel s USING (sid) ${b.join('o.first_t')}
  GROUP BY m.label
)
SELECT b.label, b.b_start, es.visitors, ss.sessions, es.pageviews, ss.bounces, ss.session_pageviews, ss.length_sum,
  es.converted, ss.carts, ss.carts_bought, ss.checkouts, ss.checkouts_bought, os.orders, os.revenue, es.signups
FROM buckets b
LEFT JOIN event_stats es USING (label)
LEFT JOIN session_stats ss USING (label)
LEFT JOIN order_stats os USING (label)
ORDER BY b.b_start, b.label
`

/** Visitors with an event since $since in the selected sessions (core/metrics.ts computeRealtime). */
export const realtimeSql = (sel: Fragment) => `
WITH ${sel.sql}
SELECT count(DISTINCT pno) AS visitors FROM sev WHERE t >= $since`
