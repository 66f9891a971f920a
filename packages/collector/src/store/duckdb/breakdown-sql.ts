import { SESSIONS_CTE } from './sessions-sql.js'
import { SELECTED_SESSIONS_CTE } from './overview-sql.js'
import { SESSION_DIMENSIONS, type Dimension } from '../../core/breakdown.js'

/** Column of each session dimension in the `sessions` CTE (names are code, never request text). */
const COLUMN: Record<(typeof SESSION_DIMENSIONS)[number], string> = {
  channel: 'channel',
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  referrerDomain: 'referrer_domain',
  entryPage: 'entry_page',
  exitPage: 'exit_page',
  device: 'device',
  browser: 'browser',
  os: 'os',
  country: 'country',
}

const COMMON = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE},
started AS (SELECT * FROM sel WHERE start_t >= $from AND start_t < $to),
order_events AS (
  SELECT arg_min(id, (t, id)) AS id FROM pe WHERE type = 'purchase' AND order_id IS NOT NULL GROUP BY order_id
)`

/** Is event `e` a goal event ($goal_type, and $goal_name for custom:name)? */
const goalOf = (e: string) => `${e}.type = $goal_type AND ($goal_name::VARCHAR IS NULL OR ${e}.name = $goal_name)`

/**
 * The breakdown of core/breakdown.ts in SQL; `page` rows count what follows the session's first
 * view of the path (by t, then id, i.e. person_seq). Sorted and limited by the caller's $limit.
 */
export function breakdownSql(dimension: Dimension): string {
  if (dimension === 'page') {
    return `${COMMON},
views AS (
  SELECT e.person, e.session_no, e.path, min(e.person_seq) AS first_seq
  FROM pe e JOIN started USING (person, session_no)
  WHERE e.type = 'pageview' GROUP BY e.person, e.session_no, e.path
),
per_view AS (
  SELECT v.path AS value, v.person, v.session_no,
    bool_or(${goalOf('e')}) FILTER (WHERE e.person_seq > v.first_seq) AS converted,
    sum(e.revenue) FILTER (WHERE e.person_seq > v.first_seq AND e.id IN (SELECT id FROM order_events)) AS revenue
  FROM views v JOIN pe e USING (person, session_no)
  GROUP BY v.path, v.person, v.session_no
)
SELECT value, count(DISTINCT person) AS visitors, count(*) AS sessions,
  count(*) FILTER (WHERE converted) AS conversions, coalesce(sum(revenue), 0) AS revenue
FROM per_view GROUP BY value
ORDER BY visitors DESC, value ASC NULLS LAST LIMIT $limit`
  }
  return `${COMMON},
per_session AS (
  SELECT s.${COLUMN[dimension]} AS value, s.person, s.session_no,
    bool_or(${goalOf('e')}) AS converted,
    sum(e.revenue) FILTER (WHERE e.id IN (SELECT id FROM order_events)) AS revenue
  FROM started s JOIN pe e USING (person, session_no)
  GROUP BY s.${COLUMN[dimension]}, s.person, s.session_no
)
SELECT value, count(DISTINCT person) AS visitors, count(*) AS sessions,
  count(*) FILTER (WHERE converted) AS conversions, coalesce(sum(revenue), 0) AS revenue
FROM per_session GROUP BY value
ORDER BY visitors DESC, value ASC NULLS LAST LIMIT $limit`
}
