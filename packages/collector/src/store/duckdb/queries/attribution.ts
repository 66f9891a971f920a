import type { AttributionDimension, Model } from '../../../core/attribution.js'
import { HALF_LIFE_MS } from '../../../core/attribution.js'
import type { Fragment } from '../selection.js'

/** Each model's weight of touchpoint i of n (1-based, in time order) as SQL over `ranked`. */
const WEIGHT: Record<Model, string> = {
  first_touch: 'CASE WHEN r.i = 1 THEN 1.0 ELSE 0.0 END',
  last_touch: 'CASE WHEN r.i = r.n THEN 1.0 ELSE 0.0 END',
  last_non_direct: 'CASE WHEN r.i = p.pick THEN 1.0 ELSE 0.0 END',
  linear: '1.0 / r.n',
  time_decay: 'r.decay / sum(r.decay) OVER (PARTITION BY r.cid)',
  position_based: 'CASE WHEN r.n = 1 THEN 1.0 WHEN r.n = 2 THEN 0.5 WHEN r.i = 1 OR r.i = r.n THEN 0.4 ELSE 0.2 / (r.n - 2) END',
}

/**
 * The touchpoints (sessions `s`) of conversions `c` (columns pno, sid, t): the person's sessions
 * from the first one starting within $lookback ms before the conversion through the converting
 * session — core/attribution.ts `touchpoints`. Goes right after `FROM conv c`.
 */
export const touchpointsOf = (c: string) => `
  JOIN tw_sessions cs ON cs.sid = ${c}.sid
  JOIN tw_sessions s ON s.site = $site AND s.pno = ${c}.pno
  WHERE (s.start_t < cs.start_t OR (s.start_t = cs.start_t AND s.first_id <= cs.first_id))
    AND (s.start_t >= ${c}.t - $lookback OR s.sid = ${c}.sid)`

/**
 * The conversions in range of the selected sessions (columns cid, pno, seq, t, sid, credit):
 * orders at their earliest purchase (credit = revenue) for `purchase` (goal null), else goal
 * events (credit 0); (pno, seq) is the converting event's place in its person's events.
 */
export const conversionsSql = (goal: Fragment | null): string =>
  goal === null
    ? `SELECT o.first_id AS cid, o.pno, o.seq, o.first_t AS t, o.sid, coalesce(o.revenue, 0) AS credit FROM tw_orders o
  WHERE o.site = $site AND o.first_t >= $from AND o.first_t < $to AND o.sid IN (SELECT sid FROM sel)`
    : `SELECT e.id AS cid, e.pno, e.seq, e.t, e.sid, 0.0 AS credit FROM tw_pe e
  WHERE e.site = $site AND ${goal.sql} AND e.t >= $from AND e.t < $to AND e.sid IN (SELECT sid FROM sel)`

/**
 * core/attribution.ts `computeAttribution` over the derived tables. Conversions in range of the
 * selected sessions: orders (at their earliest purchase, credit = revenue) for `purchase`, else
 * goal events (credit 0). Touchpoints: the person's sessions from the first one starting within
 * $lookback ms before the conversion through the converting session. Model and dimension are
 * code (enums), never request text.
 */
export function attributionSql(sel: Fragment, goal: Fragment | null, model: Model, by: AttributionDimension): string {
  return `
WITH ${sel.sql},
conv AS (
  ${conversionsSql(goal)}
),
touch AS (
  SELECT c.cid, c.t, c.credit, s.start_t, s.first_id, s.channel, s.${by} AS value
  FROM conv c ${touchpointsOf('c')}
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY cid ORDER BY start_t, first_id) AS i,
    count(*) OVER (PARTITION BY cid) AS n,
    pow(2.0, -(t - start_t) / ${HALF_LIFE_MS}.0) AS decay
  FROM touch
),
picks AS (
  SELECT cid, coalesce(max(i) FILTER (WHERE channel <> 'Direct'), max(i)) AS pick FROM ranked GROUP BY cid
),
weighted AS (
  SELECT r.value, r.credit, ${WEIGHT[model]} AS w
  FROM ranked r JOIN picks p USING (cid)
)
SELECT value, sum(w) AS conversions, sum(w * credit) AS revenue
FROM weighted WHERE w > 0 GROUP BY value
ORDER BY revenue DESC, conversions DESC, value ASC`
}
