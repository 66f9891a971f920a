import type { Fragment } from '../selection.js'

/** Shared CTEs of the referral queries (core/referrals.ts `computeReferrals`). */
const common = (sel: Fragment) => `
WITH ${sel.sql},
refs AS (
  -- a person's code: on their earliest event carrying one, their own invites aside
  SELECT pno, arg_min(referral_code, seq) AS code FROM tw_pe
  WHERE site = $site AND referral_code IS NOT NULL AND type <> 'referral_invite'
  GROUP BY pno
),
inr AS (SELECT pno, type, referral_code FROM sev WHERE t >= $from AND t < $to),
visitors AS (SELECT DISTINCT pno FROM inr),
invites AS (SELECT pno, referral_code AS code FROM inr WHERE type = 'referral_invite' AND referral_code IS NOT NULL),
referred AS (SELECT v.pno, r.code FROM visitors v JOIN refs r USING (pno)),
referred_signups AS (
  SELECT r.pno, r.code FROM referred r WHERE r.pno IN (SELECT pno FROM inr WHERE type = 'signup')
),
orders AS (
  SELECT o.pno, coalesce(o.revenue, 0) AS revenue FROM tw_orders o
  WHERE o.site = $site AND o.first_t >= $from AND o.first_t < $to AND o.sid IN (SELECT sid FROM sel)
),
customers AS (SELECT DISTINCT pno FROM orders)`

/** Totals and the top referral codes in one pass over the shared CTEs. */
export const referralsSql = (sel: Fragment) => `${common(sel)},
by_invites AS (SELECT code, count(*) AS n FROM invites GROUP BY code),
by_signups AS (SELECT code, count(*) AS n FROM referred_signups GROUP BY code),
by_revenue AS (SELECT r.code, sum(o.revenue) AS revenue FROM orders o JOIN refs r USING (pno) GROUP BY r.code),
codes AS (
  SELECT code FROM by_invites UNION SELECT code FROM by_signups
  UNION SELECT r.code FROM refs r WHERE r.pno IN (SELECT pno FROM customers)
),
top AS (
  SELECT c.code, coalesce(i.n, 0) AS invites, coalesce(s.n, 0) AS signups, coalesce(v.revenue, 0) AS revenue
  FROM codes c LEFT JOIN by_invites i USING (code) LEFT JOIN by_signups s USING (code) LEFT JOIN by_revenue v USING (code)
  ORDER BY signups DESC, revenue DESC, invites DESC, c.code ASC
  LIMIT $limit
)
SELECT
  (SELECT count(*) FROM invites) AS invites,
  (SELECT count(DISTINCT pno) FROM invites) AS referrers,
  (SELECT count(*) FROM referred) AS referred_visitors,
  (SELECT count(*) FROM referred_signups) AS referred_signups,
  (SELECT count(*) FROM customers) AS customers,
  (SELECT count(*) FROM customers WHERE pno IN (SELECT pno FROM invites)) AS inviting_customers,
  (SELECT count(*) FROM visitors) AS visitors,
  (SELECT list({'code': code, 'invites': invites, 'signups': signups, 'revenue': revenue}
     ORDER BY signups DESC, revenue DESC, invites DESC, code ASC) FROM top) AS top`
