/** The person an id names: see core/journey.ts `resolvePerson`. Parameters: $site, $id. */
export const RESOLVE_PERSON_SQL = `
WITH own AS (
  SELECT e.t, e.id, e.user_id, p.person FROM tw_pe e JOIN tw_persons p ON p.site = e.site AND p.pno = e.pno
  WHERE e.site = $site AND e.anonymous_id = $id
)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM tw_pe WHERE site = $site AND user_id = $id) THEN $id
  ELSE coalesce(
    (SELECT arg_min(person, (t, id)) FROM own WHERE user_id IS NULL),
    (SELECT arg_min(person, (t, id)) FROM own))
  END AS person`

/** A person's events with their session, and which of them are the earliest purchase of an order. */
export const JOURNEY_SQL = `
SELECT e.id, e.type, e.t, e.path, e.name, e.order_id, e.revenue, e.sid,
  s.start_t, s.end_t, s.channel, s.source, s.medium, s.campaign, s.entry_page, s.exit_page, s.device,
  e.id IN (SELECT first_id FROM tw_orders WHERE site = $site) AS first_purchase
FROM tw_pe e
JOIN tw_sessions s USING (sid)
JOIN tw_persons p ON p.site = e.site AND p.pno = e.pno
WHERE e.site = $site AND p.person = $person
ORDER BY e.t, e.id`
