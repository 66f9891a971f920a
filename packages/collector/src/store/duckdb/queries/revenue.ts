import type { Fragment } from '../selection.js'

/**
 * core/revenue.ts `computeRevenue` over the derived tables: orders (each once, at its earliest
 * purchase) placed in range in selected sessions, their persons as customers, the customers'
 * first order ever and revenue up to $to over all their orders, and the overview's visitors.
 */
export const revenueSql = (sel: Fragment) => `
WITH ${sel.sql},
ord AS (
  SELECT o.pno, coalesce(o.revenue, 0) AS revenue, o.first_t, o.sid IN (SELECT sid FROM sel) AS selected
  FROM tw_orders o WHERE o.site = $site
),
in_range AS (SELECT * FROM ord WHERE selected AND first_t >= $from AND first_t < $to),
customers AS (SELECT pno, count(*) AS orders FROM in_range GROUP BY pno),
history AS (
  SELECT o.pno, min(o.first_t) AS first_order, sum(o.revenue) FILTER (WHERE o.first_t < $to) AS lifetime
  FROM ord o SEMI JOIN customers c ON c.pno = o.pno
  GROUP BY o.pno
)
SELECT
  (SELECT count(*) FROM in_range) AS orders,
  (SELECT coalesce(sum(revenue), 0) FROM in_range) AS revenue,
  (SELECT count(*) FROM customers) AS customers,
  (SELECT count(*) FROM customers WHERE orders >= 2) AS repeat_customers,
  (SELECT count(*) FROM history WHERE first_order >= $from AND first_order < $to) AS new_customers,
  (SELECT coalesce(sum(lifetime), 0) FROM history) AS lifetime_revenue,
  (SELECT count(DISTINCT pno) FROM sev WHERE t >= $from AND t < $to) AS visitors`

/** core/revenue.ts `computeCsat`: scored `feedback` events in range of the selected sessions. */
export const csatSql = (sel: Fragment) => `
WITH ${sel.sql}
SELECT count(*) AS responses, count(*) FILTER (WHERE score >= 4) AS satisfied, sum(score) AS score_sum
FROM sev WHERE type = 'feedback' AND score IS NOT NULL AND t >= $from AND t < $to`
