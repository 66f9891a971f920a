import { CAMPAIGN_FIELDS } from '../../../core/channels.js'
import { EVENT_COLUMNS } from '../../event-columns.js'

/**
 * The derivation of SPEC §4 in SQL: persons and sessions from the event log, for the
 * materialization (materialize.ts) to store. Bots are excluded.
 *
 * Scope `all` derives every person of every site; scope `dirty` only the persons listed in the
 * temporary table `tw_dirty(site, person)` — a person's sessions depend on their own events only,
 * so re-deriving the persons new events touch keeps the materialization equal to a full derivation.
Scope `dirty` reads the temporary tables DIRTY_CANDIDATES_SQL creates.
 *
 * Output CTE `pe`: the events' `rid` (rowid in the log), `site`, `person`, `ckey`, `cpv`,
 * `session_no` (per person, from 1), `person_seq` (1.. by t, then id) and `starts` (1 on each
 * session's first event); the other event columns are joined from the log by rid.
 *
 * Sessions: a person's events by (t, id) split into gap segments (> 30 min); inside a segment a
 * pageview carrying campaign parameters starts a session when its parameters differ from those
 * of the session's first event. That first event's parameters are the ones of the previous
 * campaign pageview of the segment (each either continued or started the current session), or
 * else of the segment's first event — so plain window functions suffice. core/sessions.ts is the
 * reference; the store contract suite (test/contract) requires both to agree.
 */
/**
 * The event columns the derivation copies into `tw_dpe` (the wide url/props/items strings stay in
 * the log). They are joined by rowid after the windows (`derivedEvents`): the windows sort only
 * the few columns sessions are cut by (NARROW), not these (1.6M events: 7.5 s → 1.9 s for
 * the windows plus 1.2 s for the join, measured side by side).
 */
export const COLUMNS = ['site', 'id', 'type', 'name', 't', 'path', 'order_id', 'revenue', 'engaged_ms', 'referral_code', 'score', 'experiment', 'variant', 'anonymous_id',
  'user_id']
// The columns only a session's first event gives the session (referrer, url_ref, device, browser,
// os, country, utm_*, click ids) are not copied: derivedSessionsSql (tables.ts) reads them from the
// log by rowid for the first events alone, one in eight at 10M.

/**
 * For scope `dirty`: the browsers whose anonymous events may belong to a dirty person (the person
 * itself, an unlinked browser, and every browser that identified as a dirty user) ...
 */
export const DIRTY_CANDIDATES_SQL = [
  `CREATE OR REPLACE TEMP TABLE tw_cand_anon AS
   SELECT site, person AS anonymous_id FROM tw_dirty
   UNION
   SELECT e.site, e.anonymous_id FROM events e SEMI JOIN tw_dirty d ON d.site = e.site AND d.person = e.user_id
   WHERE e.type IN ('identify', 'signup') AND NOT e.is_bot`,
  // ... and the rowids of a dirty person's events: those carrying its user id, and the anonymous
  // ones of its browsers. Narrow scans; the rows are fetched by rowid.
  `CREATE OR REPLACE TEMP TABLE tw_cand AS
   SELECT e.rowid AS rid FROM events e SEMI JOIN tw_dirty d ON d.site = e.site AND d.person = e.user_id
   WHERE NOT e.is_bot
   UNION ALL
   SELECT e.rowid FROM events e SEMI JOIN tw_cand_anon c ON c.site = e.site AND c.anonymous_id = e.anonymous_id
   WHERE NOT e.is_bot AND e.user_id IS NULL`,
]

/** The campaign parameters' columns, in core/sessions.ts's order (CAMPAIGN_FIELDS). */
const CAMPAIGN_COLUMNS = CAMPAIGN_FIELDS.map((f) => EVENT_COLUMNS.find(([, field]) => field === f)![0])
const col = (alias: string, c: string) => (alias ? `${alias}.${c}` : c)
const ckeySql = (alias = '') => `concat_ws(chr(1), ${CAMPAIGN_COLUMNS.map((c) => `coalesce(${col(alias, c)}, '')`).join(', ')})`
const cpvSql = (alias = '') => `${col(alias, 'type')} = 'pageview' AND coalesce(${CAMPAIGN_COLUMNS.map((c) => col(alias, c)).join(', ')}) IS NOT NULL`
/** A event's campaign parameters as one comparable key, and whether it is a pageview carrying any. */
export const CKEY_SQL = ckeySql()
export const CPV_SQL = cpvSql()
/** What the windows of the derivation read of each event (see COLUMNS). */
const narrow = (alias: string) => `${col(alias, 'rowid')} AS rid, ${['site', 'id', 'type', 't', 'anonymous_id', 'user_id'].map((c) => col(alias, c)).join(', ')},
    ${ckeySql(alias)} AS ckey, ${cpvSql(alias)} AS cpv`

export function derivationCte(scope: 'all' | 'dirty'): string {
  const source =
    scope === 'all'
      ? `
ev AS (
  SELECT ${narrow('e')} FROM events e WHERE NOT e.is_bot
),
links AS (
  SELECT site, anonymous_id, arg_min(user_id, (t, id)) AS linked_user
  FROM ev WHERE type IN ('identify', 'signup') AND user_id IS NOT NULL
  GROUP BY site, anonymous_id
),`
      : `
ev AS (
  -- fetched by rowid: scanning every column of the log to find a few persons' events is the slow part
  SELECT ${narrow('e')} FROM events e SEMI JOIN tw_cand c ON e.rowid = c.rid
),
links AS (
  -- from the whole log: a browser's earliest identify may name a user that is not dirty
  SELECT e.site, e.anonymous_id, arg_min(e.user_id, (e.t, e.id)) AS linked_user
  FROM events e SEMI JOIN tw_cand_anon c ON c.site = e.site AND c.anonymous_id = e.anonymous_id
  WHERE e.type IN ('identify', 'signup') AND e.user_id IS NOT NULL AND NOT e.is_bot
  GROUP BY e.site, e.anonymous_id
),`
  return `${source}
p00 AS (
  SELECT ev.*, coalesce(ev.user_id, links.linked_user, ev.anonymous_id) AS person
  FROM ev LEFT JOIN links USING (site, anonymous_id)
),
p0 AS (
  SELECT * FROM p00${scope === 'dirty' ? `
  WHERE EXISTS (SELECT 1 FROM tw_dirty d WHERE d.site = p00.site AND d.person = p00.person)` : ''}
),
p1 AS (
  -- the one sort by (t, id): the gap to the previous event, the position in the person's events,
  -- and the person's first rowid — an integer key the two later passes partition by (sorting
  -- by (pk, person_seq) instead of (site, person, t, id) and carrying fewer columns: 10M events
  -- 19.7/21.6 s → 17.5/19.2 s for tw_dpe, the same rows; BENCHMARKS.md, Target 5)
  SELECT rid, site, person, ckey, cpv,
    CASE WHEN t - lag(t) OVER w <= 1800000 THEN 0 ELSE 1 END AS gap_start,
    row_number() OVER w AS person_seq,
    first_value(rid) OVER w AS pk
  FROM p0 WINDOW w AS (PARTITION BY site, person ORDER BY t, id)
),
p3 AS (
  -- in one pass over the person's order: the segment's first event (the last gap start so far,
  -- with its key) and the last campaign pageview before this event, each as {position, key}
  SELECT *,
    last_value(CASE WHEN gap_start = 1 THEN {s: person_seq, k: ckey} END IGNORE NULLS)
      OVER (PARTITION BY pk ORDER BY person_seq ROWS UNBOUNDED PRECEDING) AS seg_first,
    last_value(CASE WHEN cpv THEN {s: person_seq, k: ckey} END IGNORE NULLS)
      OVER (PARTITION BY pk ORDER BY person_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_cpv
  FROM p1
),
p4 AS (
  -- the previous campaign pageview counts only inside the segment: at or after its first event
  SELECT rid, pk, site, person, ckey, cpv, person_seq, CASE WHEN gap_start = 1 OR (cpv AND ckey <> CASE
      WHEN prev_cpv.s >= seg_first.s THEN prev_cpv.k ELSE seg_first.k END) THEN 1 ELSE 0 END AS starts
  FROM p3
),
pe AS (
  SELECT *, sum(starts) OVER (PARTITION BY pk ORDER BY person_seq ROWS UNBOUNDED PRECEDING) AS session_no
  FROM p4
)`
}
