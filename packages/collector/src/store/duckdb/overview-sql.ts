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
 * The overview of SPEC §5–6 per bucket: one row of raw counts per bucket [start, end) given as
 * parallel lists $starts, $ends, $labels (the overview is the one-bucket case). core/metrics.ts
 * is the reference (test/sessions-agreement.test.ts). Goal: $goal_type, and $goal_name for
 * `custom:name`. A session belongs to the bucket of its first event; an order to the bucket of
 * its earliest purchase event.
 */
export const OVERVIEW_BUCKETS_SQL = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE},
buckets AS (
  SELECT unnest($labels::VARCHAR[]) AS label, unnest($starts::BIGINT[]) AS b_start, unnest($ends::BIGINT[]) AS b_end
),
inr AS (
  SELECT b.label, sev.* FROM sev JOIN buckets b ON sev.t >= b.b_start AND sev.t < b.b_end
),
started AS (
  SELECT b.label, sel.* FROM sel JOIN buckets b ON sel.start_t >= b.b_start AND sel.start_t < b.b_end
),
sagg AS (
  SELECT st.label, st.person, st.session_no, st.pageviews, st.end_t - st.start_t AS span,
    count(*) FILTER (WHERE e.type NOT IN ('pageview', 'engagement')) AS others,
    max(e.person_seq) FILTER (WHERE e.type = 'pageview') AS last_pv,
    min(e.person_seq) FILTER (WHERE e.type = 'cart_add') AS first_cart,
    min(e.person_seq) FILTER (WHERE e.type = 'checkout') AS first_checkout,
    max(e.person_seq) FILTER (WHERE e.type = 'purchase') AS last_purchase
  FROM started st JOIN sev e USING (person, session_no)
  GROUP BY st.label, st.person, st.session_no, st.pageviews, st.end_t, st.start_t
),
tails AS (
  SELECT a.label, a.person, a.session_no, sum(e.engaged_ms) AS tail
  FROM sev e JOIN sagg a USING (person, session_no)
  WHERE e.type = 'engagement' AND e.person_seq > a.last_pv
  GROUP BY a.label, a.person, a.session_no
),
session_stats AS (
  SELECT a.label, count(*) AS sessions,
    count(*) FILTER (WHERE a.pageviews = 1 AND a.others = 0) AS bounces,
    sum(a.pageviews) AS session_pageviews,
    sum(a.span + coalesce(tl.tail, 0)) AS length_sum,
    count(*) FILTER (WHERE a.first_cart IS NOT NULL) AS carts,
    count(*) FILTER (WHERE a.first_cart < a.last_purchase) AS carts_bought,
    count(*) FILTER (WHERE a.first_checkout IS NOT NULL) AS checkouts,
    count(*) FILTER (WHERE a.first_checkout < a.last_purchase) AS checkouts_bought
  FROM sagg a LEFT JOIN tails tl USING (label, person, session_no)
  GROUP BY a.label
),
event_stats AS (
  SELECT label, count(DISTINCT person) AS visitors,
    count(*) FILTER (WHERE type = 'pageview') AS pageviews,
    count(DISTINCT person) FILTER (WHERE type = $goal_type AND ($goal_name::VARCHAR IS NULL OR name = $goal_name)) AS converted,
    count(DISTINCT person) FILTER (WHERE type = 'signup') AS signups
  FROM inr GROUP BY label
),
first_purchases AS (
  SELECT order_id, arg_min(revenue, (t, id)) AS revenue, min(t) AS first_t,
    arg_min(person, (t, id)) AS person, arg_min(session_no, (t, id)) AS session_no
  FROM pe WHERE type = 'purchase' AND order_id IS NOT NULL
  GROUP BY order_id
),
order_stats AS (
  SELECT b.label, count(*) AS orders, sum(f.revenue) AS revenue
  FROM first_purchases f JOIN sel USING (person, session_no)
  JOIN buckets b ON f.first_t >= b.b_start AND f.first_t < b.b_end
  GROUP BY b.label
)
SELECT b.label, b.b_start, es.visitors, ss.sessions, es.pageviews, ss.bounces, ss.session_pageviews, ss.length_sum,
  es.converted, ss.carts, ss.carts_bought, ss.checkouts, ss.checkouts_bought, os.orders, os.revenue, es.signups
FROM buckets b
LEFT JOIN event_stats es USING (label)
LEFT JOIN session_stats ss USING (label)
LEFT JOIN order_stats os USING (label)
ORDER BY b.b_start
`

/** Visitors with an event since $since in the selected sessions (core/metrics.ts computeRealtime). */
export const REALTIME_SQL = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE}
SELECT count(DISTINCT person) AS visitors FROM sev WHERE t >= $since`
