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

/**
 * The stored rows of the persons the new events name, and of the persons their browsers had:
 * one look-up in tw_persons for everything below.
 */
const KNOWN_SQL = `
CREATE OR REPLACE TEMP TABLE tw_pk AS
SELECT p.* FROM tw_persons p SEMI JOIN (
  SELECT DISTINCT site, person FROM tw_np
  UNION SELECT site, coalesce(old_user, anonymous_id) FROM tw_nl WHERE new_user IS DISTINCT FROM old_user
) k ON k.site = p.site AND k.person = p.person`

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
LEFT JOIN tw_pk op ON op.site = n.site AND op.person = coalesce(n.old_user, n.anonymous_id)
LEFT JOIN tw_pk np ON np.site = n.site AND np.person = n.new_user
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
   SELECT ps.site, ps.person, ps.t, ps.id, ps.solo_new, rn.old_person AS renamed_from, p.pno AS old_pno, p.solo AS old_solo,
     p.last_sid, p.last_t, p.last_id, p.last_seq, p.ckey_end AS last_ckey
   FROM ps LEFT JOIN rn USING (site, person)
   LEFT JOIN tw_pk p ON p.site = ps.site AND p.person = coalesce(rn.old_person, ps.person)`,
]

/** The persons for the slow path (`tw_dirty`, as materialize.ts reads it). */
const SLOW_SQL = `
CREATE OR REPLACE TEMP TABLE tw_dirty AS
SELECT site, old_person AS person FROM tw_ch WHERE old_pno IS NOT NULL AND NOT renames
UNION
SELECT site, new_person FROM tw_ch WHERE old_pno IS NOT NULL AND NOT renames
UNION
SELECT site, person FROM (
  SELECT f.site, unnest([f.person, f.renamed_from]) AS person FROM tw_fs f
  WHERE f.last_t IS NOT NULL AND NOT (f.last_t < f.t OR (f.last_t = f.t AND f.last_id < f.id))
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

const NEW_PERSONS_SQL = `INSERT INTO tw_persons (site, person, pno, solo) SELECT site, person, pno, solo_new FROM tw_fp WHERE old_pno IS NULL`

/**
 * The fast path's events, numbered as the whole derivation (sessions-sql.ts) would number them:
 * `session_no` 0 continues the person's last session, 1.. are new sessions; `seq` follows the last.
 */
const FAST_EVENTS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_fpe AS
WITH x AS (
  SELECT e.*, f.pno, f.old_pno, f.last_sid, f.last_t, f.last_seq AS base_seq, f.last_ckey
  FROM tw_np e JOIN tw_fp f USING (site, person)
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

/** The new events' figures per continued last session (session_no 0). */
const CONTINUED_SQL = `
CREATE OR REPLACE TEMP TABLE tw_cont AS
WITH ${sessionAggSql('tw_fpe', 'WHERE session_no = 0')}
SELECT f.last_sid AS sid, f.pno, a.end_t, a.pageviews, a.exit_page, a.others, a.last_pv, a.first_cart, a.first_checkout, a.last_purchase,
  coalesce(tails.tail, 0) AS tail, coalesce(a.engaged, 0) AS engaged, coalesce(a.goals, []) AS goals, coalesce(a.pages, []) AS pages,
  a.last_id, a.last_seq, coalesce(a.cpv_key, f.last_ckey) AS ckey_end
FROM agg a
JOIN tw_fp f ON f.site = a.site AND f.person = a.person
LEFT JOIN tails ON tails.site = a.site AND tails.person = a.person AND tails.session_no = a.session_no`

/** Continued sessions extended in place: the whole derivation's figures, computed from the stored ones and the new events'. */
const CONTINUE_SQL = `
UPDATE tw_sessions SET end_t = c.end_t, pageviews = tw_sessions.pageviews + c.pageviews,
  exit_page = coalesce(c.exit_page, tw_sessions.exit_page), others = tw_sessions.others + c.others,
  last_pv = coalesce(c.last_pv, tw_sessions.last_pv), first_cart = coalesce(tw_sessions.first_cart, c.first_cart),
  first_checkout = coalesce(tw_sessions.first_checkout, c.first_checkout), last_purchase = coalesce(c.last_purchase, tw_sessions.last_purchase),
  -- engagement after the last pageview: the new events' own when they hold a pageview
  tail = CASE WHEN c.last_pv IS NOT NULL THEN c.tail WHEN tw_sessions.last_pv IS NULL THEN 0 ELSE tw_sessions.tail + c.engaged END,
  goals = list_sort(list_distinct(list_concat(tw_sessions.goals, c.goals))),
  pages = list_concat(tw_sessions.pages, c.pages)[1:${MAX_PATH_DEPTH}],
  last_id = c.last_id, last_seq = c.last_seq, ckey_end = c.ckey_end
FROM tw_cont c WHERE tw_sessions.sid = c.sid`

/** Each person's last session as tw_persons keeps it (what the next refresh continues from), from the sessions of `from`. */
export const personLastSql = (from: string) => `
UPDATE tw_persons SET last_sid = d.sid, last_t = d.end_t, last_id = d.last_id, last_seq = d.last_seq, ckey_end = d.ckey_end
FROM (
  SELECT pno, arg_max(sid, last_seq) AS sid, arg_max(end_t, last_seq) AS end_t, arg_max(last_id, last_seq) AS last_id,
    max(last_seq) AS last_seq, arg_max(ckey_end, last_seq) AS ckey_end
  FROM (${from}) GROUP BY pno
) d
WHERE tw_persons.pno = d.pno`

const FAST_WRITE_SQL = [
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
  `DELETE FROM tw_links l WHERE EXISTS (SELECT 1 FROM tw_nl n WHERE n.moved AND n.old_user IS NOT NULL AND n.site = l.site AND n.anonymous_id = l.anonymous_id)`,
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
  const first = [newEventsSql(mark), BROWSERS_SQL, PERSON_EVENTS_SQL, KNOWN_SQL, CHANGED_SQL, ...STATE_SQL, SLOW_SQL, FAST_PERSONS_SQL, FAST_EVENTS_SQL,
    `SELECT (SELECT count(*) FROM tw_fpe), (SELECT count(*) FROM tw_fp), (SELECT count(*) FROM tw_dirty),
       (SELECT count(*) FROM tw_fp WHERE renamed_from IS NOT NULL), (SELECT count(*) FROM tw_fp WHERE old_pno IS NULL),
       (SELECT count(*) FROM tw_fp WHERE old_pno IS NOT NULL AND old_solo AND NOT solo_new),
       (SELECT count(*) FROM tw_fpe WHERE type = 'purchase' AND order_id IS NOT NULL), (SELECT count(*) FROM tw_nl WHERE moved),
       (SELECT count(*) FROM tw_fpe WHERE session_no = 0), (SELECT count(*) FROM tw_nl WHERE moved AND old_user IS NOT NULL)`]
  const row = (await conn.runAndReadAll(first.join(';\n'))).getRowsJS()[0]!.map(Number)
  const [events, persons, slow, renamed, added, unsolo, purchases, moved, continued, relinked] = row as number[] as [number, number, number, number, number, number, number, number, number, number]
  if (events > 0) {
    const second = [
      ...(renamed > 0 ? [RENAME_SQL] : []),
      ...(added > 0 ? [NEW_PERSONS_SQL] : []),
      ...(unsolo > 0 ? [FAST_SOLO_SQL] : []),
      derivedSessionsSql('tw_fpe', 'column'),
      ...(continued > 0 ? [CONTINUED_SQL, CONTINUE_SQL] : []),
      ...FAST_WRITE_SQL.slice(0, 2),
      ...(purchases > 0 ? FAST_WRITE_SQL.slice(2) : []),
      personLastSql(`SELECT pno, sid, end_t, last_id, last_seq, ckey_end FROM tw_dses${continued > 0 ? ' UNION ALL SELECT pno, sid, end_t, last_id, last_seq, ckey_end FROM tw_cont' : ''}`),
    ]
    await conn.run(second.join(';\n'))
  }
  if (moved > 0 && slow === 0) await conn.run((relinked > 0 ? LINKS_UPDATE_SQL : LINKS_UPDATE_SQL.slice(1)).join(';\n'))
  return { events, persons, slow }
}
