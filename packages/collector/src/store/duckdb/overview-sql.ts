/*
 * The overview of the foundation slice (SPEC §5), over [$from, $to) in epoch ms, bots excluded.
 * person (SPEC §4): userId of the event, else the userId of the earliest identify/signup
 * (by t, then id) of its anonymousId, else the anonymousId. An order counts once, at its
 * earliest purchase event (by t, then id), with that event's revenue.
 * Must agree with src/core/overview.ts (test/overview-agreement.test.ts).
 */
export const OVERVIEW_SQL = `
WITH ev AS (
  SELECT * FROM events WHERE site = $site AND NOT is_bot
),
links AS (
  SELECT anonymous_id, arg_min(user_id, (t, id)) AS linked_user
  FROM ev WHERE type IN ('identify', 'signup') AND user_id IS NOT NULL
  GROUP BY anonymous_id
),
in_range AS (
  SELECT ev.type, coalesce(ev.user_id, links.linked_user, ev.anonymous_id) AS person
  FROM ev LEFT JOIN links USING (anonymous_id)
  WHERE ev.t >= $from AND ev.t < $to
),
orders AS (
  SELECT order_id, arg_min(revenue, (t, id)) AS revenue, min(t) AS first_t
  FROM ev WHERE type = 'purchase' AND order_id IS NOT NULL
  GROUP BY order_id
)
SELECT
  (SELECT count(DISTINCT person) FROM in_range) AS visitors,
  (SELECT count(*) FROM in_range WHERE type = 'pageview') AS pageviews,
  (SELECT count(*) FROM orders WHERE first_t >= $from AND first_t < $to) AS orders,
  (SELECT coalesce(sum(revenue), 0) FROM orders WHERE first_t >= $from AND first_t < $to) AS revenue,
  (SELECT count(DISTINCT person) FROM in_range WHERE type = 'signup') AS signups
`
