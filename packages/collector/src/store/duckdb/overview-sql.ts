import { SESSIONS_CTE } from './sessions-sql.js'

/**
 * Sessions the common filters select (SPEC §6; decisions in docs/metrics.md): by first-event
 * attributes, by a pageview of $path in the session, by whether the person was referred.
 * Every filter parameter is NULL when absent.
 */
export const SELECTED_SESSIONS_CTE = `
sel AS (
  SELECT s.* FROM sessions s LEFT JOIN person_refs r USING (person)
  WHERE ($channel::VARCHAR IS NULL OR s.channel = $channel)
    AND ($source::VARCHAR IS NULL OR s.source = $source)
    AND ($medium::VARCHAR IS NULL OR s.medium = $medium)
    AND ($campaign::VARCHAR IS NULL OR s.campaign = $campaign)
    AND ($device::VARCHAR IS NULL OR s.device = $device)
    AND ($browser::VARCHAR IS NULL OR s.browser = $browser)
    AND ($os::VARCHAR IS NULL OR s.os = $os)
    AND ($country::VARCHAR IS NULL OR s.country = $country)
    AND ($referred::BOOLEAN IS NULL OR (r.referral_code IS NOT NULL) = $referred)
    AND ($path::VARCHAR IS NULL OR EXISTS (
      SELECT 1 FROM pe WHERE pe.person = s.person AND pe.session_no = s.session_no AND pe.type = 'pageview' AND pe.path = $path))
),
sev AS (
  SELECT pe.* FROM pe JOIN sel USING (person, session_no)
)`

/**
 * The overview of SPEC §5–6 over [$from, $to): core/metrics.ts is the reference
 * (test/sessions-agreement.test.ts). Goal: $goal_type, and $goal_name for `custom:name`.
 */
export const OVERVIEW_SQL = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE},
inr AS (SELECT * FROM sev WHERE t >= $from AND t < $to),
started AS (SELECT * FROM sel WHERE start_t >= $from AND start_t < $to),
sagg AS (
  SELECT person, session_no,
    count(*) FILTER (WHERE type NOT IN ('pageview', 'engagement')) AS others,
    max(person_seq) FILTER (WHERE type = 'pageview') AS last_pv,
    min(person_seq) FILTER (WHERE type = 'cart_add') AS first_cart,
    min(person_seq) FILTER (WHERE type = 'checkout') AS first_checkout,
    max(person_seq) FILTER (WHERE type = 'purchase') AS last_purchase
  FROM sev JOIN started USING (person, session_no)
  GROUP BY person, session_no
),
tails AS (
  SELECT e.person, e.session_no, sum(e.engaged_ms) AS tail
  FROM sev e JOIN sagg a USING (person, session_no)
  WHERE e.type = 'engagement' AND e.person_seq > a.last_pv
  GROUP BY e.person, e.session_no
),
first_purchases AS (
  SELECT order_id, arg_min(revenue, (t, id)) AS revenue, min(t) AS first_t,
    arg_min(person, (t, id)) AS person, arg_min(session_no, (t, id)) AS session_no
  FROM pe WHERE type = 'purchase' AND order_id IS NOT NULL
  GROUP BY order_id
),
orders AS (
  SELECT f.* FROM first_purchases f JOIN sel USING (person, session_no)
  WHERE f.first_t >= $from AND f.first_t < $to
)
SELECT
  (SELECT count(DISTINCT person) FROM inr) AS visitors,
  (SELECT count(*) FROM started) AS sessions,
  (SELECT count(*) FROM inr WHERE type = 'pageview') AS pageviews,
  (SELECT count(*) FROM started s JOIN sagg a USING (person, session_no) WHERE s.pageviews = 1 AND a.others = 0) AS bounces,
  (SELECT coalesce(sum(pageviews), 0) FROM started) AS session_pageviews,
  (SELECT coalesce(sum(s.end_t - s.start_t + coalesce(tl.tail, 0)), 0) FROM started s LEFT JOIN tails tl USING (person, session_no)) AS length_sum,
  (SELECT count(DISTINCT person) FROM inr WHERE type = $goal_type AND ($goal_name::VARCHAR IS NULL OR name = $goal_name)) AS converted,
  (SELECT count(*) FROM sagg WHERE first_cart IS NOT NULL) AS carts,
  (SELECT count(*) FROM sagg WHERE first_cart < last_purchase) AS carts_bought,
  (SELECT count(*) FROM sagg WHERE first_checkout IS NOT NULL) AS checkouts,
  (SELECT count(*) FROM sagg WHERE first_checkout < last_purchase) AS checkouts_bought,
  (SELECT count(*) FROM orders) AS orders,
  (SELECT coalesce(sum(revenue), 0) FROM orders) AS revenue,
  (SELECT count(DISTINCT person) FROM inr WHERE type = 'signup') AS signups
`

/** Visitors with an event since $since in the selected sessions (core/metrics.ts computeRealtime). */
export const REALTIME_SQL = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE}
SELECT count(DISTINCT person) AS visitors FROM sev WHERE t >= $since`
