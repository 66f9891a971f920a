import { SESSIONS_CTE, sessionsCte } from './sessions-sql.js'

/** The person an id names: see core/journey.ts `resolvePerson`. Parameters: $site, $id. */
export const RESOLVE_PERSON_SQL = `
WITH ${SESSIONS_CTE}
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM ev WHERE user_id = $id) THEN $id
  ELSE coalesce(
    (SELECT arg_min(person, (t, id)) FROM pe WHERE anonymous_id = $id AND user_id IS NULL),
    (SELECT arg_min(person, (t, id)) FROM pe WHERE anonymous_id = $id))
  END AS person`

/** A person's events with their session, and which of them are the earliest purchase of an order. */
export const JOURNEY_SQL = `
WITH ${sessionsCte(true)},
first_purchase_ids AS (
  -- over the whole log: another person may have reported the same order earlier
  SELECT arg_min(id, (t, id)) AS id FROM ev WHERE type = 'purchase' AND order_id IS NOT NULL GROUP BY order_id
)
SELECT pe.id, pe.type, pe.t, pe.path, pe.name, pe.order_id, pe.revenue, pe.session_no,
  s.first_id, s.start_t, s.end_t, s.channel, s.source, s.medium, s.campaign, s.entry_page, s.exit_page, s.device,
  pe.id IN (SELECT id FROM first_purchase_ids) AS first_purchase
FROM pe JOIN sessions s USING (person, session_no)
WHERE pe.person = $person
ORDER BY pe.t, pe.id`
