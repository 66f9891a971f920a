import type { DuckDBConnection } from '@duckdb/node-api'
import { MAX_PATH_DEPTH } from '../../../core/paths.js'
import { CKEY_SQL, COLUMNS, CPV_SQL } from './sessions-sql.js'
import { derivedSessionsSql, SESSION_COLUMNS, sessionAggSql } from './tables.js'

/*
 * The refresh after appends, in O(new events): the events above the mark are read by rowid range,
 * and what they change is worked out from the derived tables' per-person and per-session state
 * (tw_persons, tw_sessions, tw_links) instead of from the person's earlier events in the log.
 *
 * A person's sessions depend only on their events in (t, id) order (SPEC §4). When every new event
 * of a person comes after the last one derived, the earlier sessions stay as they are: the new
 * events continue the last session (if within 30 minutes and not a campaign pageview with other
 * parameters than the key the session ends with, `ckey_end`) or start new ones, and their
 * positions (`seq`) follow the last one. That is the fast path, and live traffic is almost all of it.
 *
 * A person takes the slow path (materialize.ts: re-derived from the log) when
 * - a new event is older than (or equal in (t, id) to) their last derived one (a late event), or
 * - a browser's link (its earliest identify/signup) changes and moves earlier anonymous events
 *   between persons: then both its old and its new person do.
 * Except the common first signup of a browser: when the browser had no link, its person is `solo`
 * (only that browser's anonymous events) and the signed-up user has no events yet, the person is
 * renamed to the user (same number, same sessions) and continues on the fast path.
 */

const ne = COLUMNS.join(', ')

/** The new non-bot events. */
const NEW_EVENTS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_ne AS
SELECT ${ne}, ${CKEY_SQL} AS ckey, ${CPV_SQL} AS cpv FROM events WHERE rowid > $mark AND NOT is_bot`
const newEventsSql = (mark: number) => NEW_EVENTS_SQL.replace('$mark', String(Math.trunc(mark)))

/** `earlier` (l.t, l.id) < (r.t, r.id) with SQL columns. */
const before = (l: string, r: string) => `(${l}.t < ${r}.t OR (${l}.t = ${r}.t AND ${l}.id < ${r}.id))`

/** The browsers of the new events: the link they had and the one they have now (`moved`: the batch holds an earlier one). */
const BROWSERS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_nl AS
WITH b AS (SELECT DISTINCT site, anonymous_id FROM tw_ne),
bl AS (
  SELECT site, anonymous_id, arg_min(user_id, (t, id)) AS user_id, min(t) AS t, arg_min(id, (t, id)) AS id
  FROM tw_ne WHERE type IN ('identify', 'signup') AND user_id IS NOT NULL GROUP BY site, anonymous_id
)
SELECT b.site, b.anonymous_id, l.user_id AS old_user,
  bl.user_id IS NOT NULL AND (l.user_id IS NULL OR ${before('bl', 'l')}) AS moved,
  CASE WHEN bl.user_id IS NOT NULL AND (l.user_id IS NULL OR ${before('bl', 'l')}) THEN bl.user_id ELSE l.user_id END AS new_user,
  bl.t AS link_t, bl.id AS link_id
FROM b LEFT JOIN tw_links l USING (site, anonymous_id) LEFT JOIN bl USING (site, anonymous_id)`

/** Browsers whose person changes: from `old_person` (numbered `old_pno` if it has events) to `new_person`. */
const CHANGED_SQL = `
CREATE OR REPLACE TEMP TABLE tw_ch AS
SELECT n.site, n.anonymous_id, coalesce(n.old_user, n.anonymous_id) AS old_person, n.new_user AS new_person,
  op.pno AS old_pno,
  -- a first link of a browser whose person is its own anonymous events only, to a user without events:
  -- the person is renamed (unless one of its new events turns out late, below)
  n.old_user IS NULL AND op.pno IS NOT NULL AND op.solo AND np.pno IS NULL
    AND count(*) OVER (PARTITION BY n.site, n.new_user) = 1
    -- and nothing new is the old person's still (a user or a link of that name)
    AND NOT EXISTS (SELECT 1 FROM tw_np e WHERE e.site = n.site AND e.person = n.anonymous_id) AS renames
FROM tw_nl n
LEFT JOIN tw_persons op ON op.site = n.site AND op.person = coalesce(n.old_user, n.anonymous_id)
LEFT JOIN tw_persons np ON np.site = n.site AND np.person = n.new_user
WHERE n.new_user IS DISTINCT FROM n.old_user`

/** The new events with their person (SPEC §4: user id, else the browser's link, else the browser). */
const PERSON_EVENTS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_np AS
SELECT e.*, coalesce(e.user_id, n.new_user, e.anonymous_id) AS person
FROM tw_ne e JOIN tw_nl n USING (site, anonymous_id)`

/**
 * Per person of new events: its first new event, whether those are all its own browser's anonymous
 * events (`solo_new`), its number if it has one (a renamed browser's, if renamed), and its last session.
 */
const STATE_SQL = [
  `CREATE OR REPLACE TEMP TABLE tw_fs AS
   WITH ps AS (
     SELECT site, person, min(t) AS t, arg_min(id, (t, id)) AS id, bool_and(user_id IS NULL AND anonymous_id = person) AS solo_new
     FROM tw_np GROUP BY site, person
   ),
   rn AS (SELECT site, new_person AS person, old_person FROM tw_ch WHERE renames)
   SELECT ps.site, ps.person, ps.t, ps.id, ps.solo_new, rn.old_person AS renamed_from, p.pno AS old_pno, p.solo AS old_solo
   FROM ps LEFT JOIN rn USING (site, person)
   LEFT JOIN tw_persons p ON p.site = ps.site AND p.person = coalesce(rn.old_person, ps.person)`,
  `CREATE OR REPLACE TEMP TABLE tw_last AS
   SELECT s.* FROM tw_sessions s SEMI JOIN tw_fs f ON f.site = s.site AND f.old_pno = s.pno
   QUALIFY row_number() OVER (PARTITION BY s.site, s.pno ORDER BY s.last_seq DESC) = 1`,
]

/** The persons for the slow path (`tw_dirty`, as materialize.ts reads it). */
const SLOW_SQL = `
CREATE OR REPLACE TEMP TABLE tw_dirty AS
SELECT site, old_person AS person FROM tw_ch WHERE old_pno IS NOT NULL AND NOT renames
UNION
SELECT site, new_person FROM tw_ch WHERE old_pno IS NOT NULL AND NOT renames
UNION
SELECT site, person FROM (
  SELECT f.site, unnest([f.person, f.renamed_from]) AS person FROM tw_fs f JOIN tw_last l ON l.site = f.site AND l.pno = f.old_pno
  WHERE NOT (l.end_t < f.t OR (l.end_t = f.t AND l.last_id < f.id))
) WHERE person IS NOT NULL`

/** The persons of the fast path, each with its number (new ones numbered here). */
const FAST_PERSONS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_fp AS
SELECT f.*, coalesce(f.old_pno, CASE WHEN f.old_pno IS NULL THEN nextval('tw_pno_seq') END) AS pno
FROM tw_fs f WHERE NOT EXISTS (SELECT 1 FROM tw_dirty d WHERE d.site = f.site AND d.person = f.person)`

const RENAME_SQL = `
UPDATE tw_persons SET person = f.person
FROM tw_fp f
WHERE f.renamed_from IS NOT NULL AND tw_persons.pno = f.pno`

const NEW_PERSONS_SQL = `INSERT INTO tw_persons SELECT site, person, pno, solo_new FROM tw_fp WHERE old_pno IS NULL`

/**
 * The fast path's events, numbered as the whole derivation (sessions-sql.ts) would number them:
 * `session_no` 0 continues the person's last session, 1.. are new sessions; `seq` follows the last.
 */
const FAST_EVENTS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_fpe AS
WITH x AS (
  SELECT e.*, f.pno, f.old_pno, l.sid AS last_sid, l.end_t AS last_t, l.last_seq AS base_seq, l.ckey_end AS last_ckey
  FROM tw_np e JOIN tw_fp f USING (site, person) LEFT JOIN tw_last l ON l.site = f.site AND l.pno = f.old_pno
),
p1 AS (
  SELECT *, CASE WHEN t - coalesce(lag(t) OVER (PARTITION BY site, person ORDER BY t, id), last_t) <= 1800000 THEN 0 ELSE 1 END AS gap_start
  FROM x
),
p2 AS (
  SELECT *, sum(gap_start) OVER (PARTITION BY site, person ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS seg
  FROM p1
),
p3 AS (
  SELECT *,
    CASE WHEN seg = 0 THEN last_ckey ELSE first_value(ckey) OVER (PARTITION BY site, person, seg ORDER BY t, id) END AS seg_key,
    last_value(CASE WHEN cpv THEN ckey END IGNORE NULLS)
      OVER (PARTITION BY site, person, seg ORDER BY t, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_cpv_key
  FROM p2
),
p4 AS (
  SELECT *, CASE WHEN gap_start = 1 OR (cpv AND ckey <> coalesce(prev_cpv_key, seg_key)) THEN 1 ELSE 0 END AS starts
  FROM p3
)
SELECT *, sum(starts) OVER (PARTITION BY site, person ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS session_no,
  coalesce(base_seq, 0) + row_number() OVER (PARTITION BY site, person ORDER BY t, id) AS seq
FROM p4`

/** Persons already numbered whose new events are not all their browser's anonymous ones: no longer solo. */
const FAST_SOLO_SQL = `
UPDATE tw_persons SET solo = false
FROM tw_fp f
WHERE f.old_pno IS NOT NULL AND f.old_solo AND NOT f.solo_new AND tw_persons.pno = f.pno`

/** Each continued last session, with its figures extended by the new events (the whole derivation's figures, computed incrementally). */
const CONTINUED_SQL = `
CREATE OR REPLACE TEMP TABLE tw_cont AS
WITH ${sessionAggSql('tw_fpe', 'WHERE session_no = 0')}
SELECT l.site, l.sid, l.pno, l.first_id, l.start_t, a.end_t, l.pageviews + a.pageviews AS pageviews,
  coalesce(a.exit_page, l.exit_page) AS exit_page, l.channel, l.source, l.medium, l.campaign,
  l.referrer_domain, l.entry_page, l.device, l.browser, l.os, l.country, l.others + a.others AS others,
  coalesce(a.last_pv, l.last_pv) AS last_pv, coalesce(l.first_cart, a.first_cart) AS first_cart,
  coalesce(l.first_checkout, a.first_checkout) AS first_checkout, coalesce(a.last_purchase, l.last_purchase) AS last_purchase,
  -- engagement after the last pageview: the new events' own when they hold a pageview
  CASE WHEN a.last_pv IS NOT NULL THEN coalesce(tails.tail, 0) WHEN l.last_pv IS NULL THEN 0 ELSE l.tail + coalesce(a.engaged, 0) END AS tail,
  list_sort(list_distinct(list_concat(l.goals, coalesce(a.goals, [])))) AS goals,
  list_concat(l.pages, coalesce(a.pages, []))[1:${MAX_PATH_DEPTH}] AS pages,
  a.last_id, a.last_seq, coalesce(a.cpv_key, l.ckey_end) AS ckey_end
FROM agg a
JOIN tw_fp f ON f.site = a.site AND f.person = a.person
JOIN tw_last l ON l.site = f.site AND l.pno = f.old_pno
LEFT JOIN tails ON tails.site = a.site AND tails.person = a.person AND tails.session_no = a.session_no`

const FAST_WRITE_SQL = [
  `DELETE FROM tw_sessions s WHERE EXISTS (SELECT 1 FROM tw_cont c WHERE c.sid = s.sid)`,
  `INSERT INTO tw_sessions SELECT ${SESSION_COLUMNS} FROM tw_cont`,
  `INSERT INTO tw_sessions SELECT ${SESSION_COLUMNS} FROM tw_dses ORDER BY site, start_t`,
  `INSERT INTO tw_pe
   SELECT e.site, e.pno, coalesce(s.sid, e.last_sid), e.seq, e.id, e.type, e.name, e.t, e.path, e.order_id,
     e.revenue, e.engaged_ms, e.referral_code, e.score, e.experiment, e.variant, e.anonymous_id, e.user_id
   FROM tw_fpe e LEFT JOIN tw_dses s USING (site, person, session_no)
   ORDER BY e.site, e.t`,
  // Orders of new purchases: the earliest of the stored row and the new purchases (SPEC §5)
  `CREATE OR REPLACE TEMP TABLE tw_ford AS
   WITH np AS (
     SELECT e.site, e.order_id, e.id, e.t, e.revenue, coalesce(s.sid, e.last_sid) AS sid, e.pno, e.seq
     FROM tw_fpe e LEFT JOIN tw_dses s USING (site, person, session_no)
     WHERE e.type = 'purchase' AND e.order_id IS NOT NULL
   ),
   cand AS (
     SELECT o.site, o.order_id, o.first_id AS id, o.first_t AS t, o.revenue, o.sid, o.pno, o.seq
     FROM tw_orders o SEMI JOIN np ON np.site = o.site AND np.order_id = o.order_id
     UNION ALL SELECT * FROM np
   )
   SELECT site, order_id, arg_min(id, (t, id)) AS first_id, min(t) AS first_t, arg_min(revenue, (t, id)) AS revenue,
     arg_min(sid, (t, id)) AS sid, arg_min(pno, (t, id)) AS pno, arg_min(seq, (t, id)) AS seq
   FROM cand GROUP BY site, order_id`,
  `DELETE FROM tw_orders o WHERE EXISTS (SELECT 1 FROM tw_ford d WHERE d.site = o.site AND d.order_id = o.order_id)`,
  `INSERT INTO tw_orders SELECT * FROM tw_ford`,
]

/** Browsers whose batch holds an earlier identify/signup than their stored link: the link is that one now. */
export const LINKS_UPDATE_SQL = [
  `DELETE FROM tw_links l WHERE EXISTS (SELECT 1 FROM tw_nl n WHERE n.moved AND n.site = l.site AND n.anonymous_id = l.anonymous_id)`,
  `INSERT INTO tw_links SELECT site, anonymous_id, new_user, link_t, link_id FROM tw_nl WHERE moved`,
]

/**
 * Derives the events above `mark` on the fast path and leaves the persons of the slow path in
 * `tw_dirty` (for materialize.ts, which then runs LINKS_UPDATE_SQL). Inside the caller's transaction.
 * Two round trips: the statements run as multi-statement scripts (each statement a hop through the
 * engine's thread pool otherwise, which on a busy machine costs more than these small statements);
 * the second leaves out what the first found nothing to do for.
 */
export async function refreshTouched(conn: DuckDBConnection, mark: number): Promise<{ events: number; persons: number; slow: number }> {
  const first = [newEventsSql(mark), BROWSERS_SQL, PERSON_EVENTS_SQL, CHANGED_SQL, ...STATE_SQL, SLOW_SQL, FAST_PERSONS_SQL, FAST_EVENTS_SQL,
    `SELECT (SELECT count(*) FROM tw_fpe), (SELECT count(*) FROM tw_fp), (SELECT count(*) FROM tw_dirty),
       (SELECT count(*) FROM tw_fp WHERE renamed_from IS NOT NULL), (SELECT count(*) FROM tw_fp WHERE old_pno IS NULL),
       (SELECT count(*) FROM tw_fp WHERE old_pno IS NOT NULL AND old_solo AND NOT solo_new),
       (SELECT count(*) FROM tw_fpe WHERE type = 'purchase' AND order_id IS NOT NULL), (SELECT count(*) FROM tw_nl WHERE moved)`]
  const row = (await conn.runAndReadAll(first.join(';\n'))).getRowsJS()[0]!.map(Number)
  const [events, persons, slow, renamed, added, unsolo, purchases, moved] = row as [number, number, number, number, number, number, number, number]
  if (events > 0) {
    const second = [
      ...(renamed > 0 ? [RENAME_SQL] : []),
      ...(added > 0 ? [NEW_PERSONS_SQL] : []),
      ...(unsolo > 0 ? [FAST_SOLO_SQL] : []),
      derivedSessionsSql('tw_fpe', 'column'),
      CONTINUED_SQL,
      ...FAST_WRITE_SQL.slice(0, 4),
      ...(purchases > 0 ? FAST_WRITE_SQL.slice(4) : []),
    ]
    await conn.run(second.join(';\n'))
  }
  if (moved > 0 && slow === 0) await conn.run(LINKS_UPDATE_SQL.join(';\n'))
  return { events, persons, slow }
}
