import { SESSION_DIMENSIONS, type Dimension } from '../../../core/breakdown.js'
import type { Fragment } from '../selection.js'

/** Column of each session dimension in `tw_sessions` (names are code, never request text). */
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

const ROWS = `
SELECT value, count(DISTINCT pno) AS visitors, count(*) AS sessions,
  count(*) FILTER (WHERE converted) AS conversions, coalesce(sum(revenue), 0) AS revenue
FROM per_row GROUP BY value
ORDER BY visitors DESC, value ASC NULLS LAST LIMIT $limit`

/**
 * The breakdown of core/breakdown.ts over the derived tables, for sessions started in
 * [$from, $to). A session converts with a goal event anywhere in it; its revenue is that of the
 * orders whose earliest purchase is in it. `page` rows count what follows the session's first
 * view of the path (by t, then id: `seq`).
 */
export function breakdownSql(dimension: Dimension, sel: Fragment, goal: Fragment): string {
  const started = `started AS (SELECT * FROM sel WHERE start_t >= $from AND start_t < $to)`
  if (dimension === 'page') {
    return `WITH ${sel.sql},
${started},
views AS (
  SELECT e.sid, e.pno, e.path, min(e.seq) AS first_seq
  FROM tw_pe e JOIN started s USING (sid)
  WHERE e.site = $site AND e.type = 'pageview' GROUP BY e.sid, e.pno, e.path
),
last_goal AS (
  SELECT e.sid, max(e.seq) AS seq FROM tw_pe e JOIN started s USING (sid)
  WHERE e.site = $site AND ${goal.sql} GROUP BY e.sid
),
view_revenue AS (
  SELECT v.sid, v.path, sum(o.revenue) AS revenue
  FROM views v JOIN tw_orders o ON o.sid = v.sid AND o.seq > v.first_seq
  GROUP BY v.sid, v.path
),
per_row AS (
  SELECT v.path AS value, v.pno, g.seq > v.first_seq AS converted, r.revenue
  FROM views v LEFT JOIN last_goal g USING (sid) LEFT JOIN view_revenue r USING (sid, path)
)${ROWS}`
  }
  return `WITH ${sel.sql},
${started},
session_revenue AS (
  SELECT o.sid, sum(o.revenue) AS revenue FROM tw_orders o WHERE o.site = $site GROUP BY o.sid
),
per_row AS (
  SELECT s.${COLUMN[dimension]} AS value, s.pno, list_contains(s.goals, $goal_key) AS converted, r.revenue
  FROM started s LEFT JOIN session_revenue r USING (sid)
)${ROWS}`
}
