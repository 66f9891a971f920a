import type { DuckDBConnection } from '@duckdb/node-api'
import { COLUMNS, derivationCte, DIRTY_CANDIDATES_SQL } from './sessions-sql.js'
import { personLastSql } from './incremental.js'
import { derivedSessionsSql, newPersonsSql, SESSION_COLUMNS } from './tables.js'

/*
 * Deriving persons and sessions from the log itself, in SQL: every person (a rebuild) or the
 * persons of `tw_dirty` (the slow path of a refresh). materialize.ts runs these; the fast path is
 * incremental.ts.
 */

export const derivedEvents = (scope: 'all' | 'dirty') => `
CREATE OR REPLACE TEMP TABLE tw_dpe AS
WITH ${derivationCte(scope)}
SELECT pe.site, pe.person, pe.session_no, pe.person_seq AS seq, pe.starts, pe.rid, ${COLUMNS.filter((c) => c !== 'site').map((c) => `e.${c}`).join(', ')}, pe.ckey, pe.cpv
FROM pe JOIN events e ON e.rowid = pe.rid`

export const INSERT_SESSIONS_SQL = `INSERT INTO tw_sessions SELECT ${SESSION_COLUMNS} FROM tw_dses ORDER BY site, start_t`

export const INSERT_EVENTS_SQL = `
INSERT INTO tw_pe
SELECT e.site, s.pno, s.sid, e.seq, e.id, e.type, e.name, e.t, e.path, e.order_id, e.revenue, e.engaged_ms,
  e.referral_code, e.score, e.experiment, e.variant, e.anonymous_id, e.user_id
FROM tw_dpe e JOIN tw_dses s USING (site, person, session_no)
ORDER BY e.site, e.t`

/** Orders whose purchase events were re-derived: recomputed over all of their events. */
export const ORDERS_SQL = [
  `CREATE OR REPLACE TEMP TABLE tw_dord AS
   SELECT DISTINCT site, order_id FROM tw_dpe WHERE type = 'purchase' AND order_id IS NOT NULL`,
  `DELETE FROM tw_orders o WHERE EXISTS (SELECT 1 FROM tw_dord d WHERE d.site = o.site AND d.order_id = o.order_id)`,
  `INSERT INTO tw_orders
   SELECT e.site, e.order_id, arg_min(e.id, (e.t, e.id)), min(e.t), arg_min(e.revenue, (e.t, e.id)),
     arg_min(e.sid, (e.t, e.id)), arg_min(e.pno, (e.t, e.id)), arg_min(e.seq, (e.t, e.id))
   FROM tw_pe e
   WHERE e.type = 'purchase' AND e.order_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM tw_dord d WHERE d.site = e.site AND d.order_id = e.order_id)
   GROUP BY e.site, e.order_id`,
]

/** Every browser's link, from the whole log (a rebuild). */
export const ALL_LINKS_SQL = `
INSERT INTO tw_links
SELECT site, anonymous_id, arg_min(user_id, (t, id)), min(t), arg_min(id, (t, id))
FROM events WHERE type IN ('identify', 'signup') AND user_id IS NOT NULL AND NOT is_bot
GROUP BY site, anonymous_id`

/** `solo` of the re-derived persons (none left: true). */
const SLOW_SOLO_SQL = `
UPDATE tw_persons SET solo = s.solo
FROM (
  SELECT x.site, x.person, coalesce(d.solo, true) AS solo FROM tw_dirty x
  LEFT JOIN (SELECT site, person, bool_and(user_id IS NULL AND anonymous_id = person) AS solo FROM tw_dpe GROUP BY site, person) d USING (site, person)
) s
WHERE tw_persons.site = s.site AND tw_persons.person = s.person`

export const DROP_TEMP = ['tw_dirty', 'tw_dirty_all', 'tw_cand_anon', 'tw_cand', 'tw_dpe', 'tw_dses', 'tw_dord', 'tw_dpno', 'tw_nl', 'tw_jses', 'tw_cont', 'tw_cses', 'tw_jp', 'tw_jo', 'tw_nk', 'tw_ford', 'tw_pm'].map((t) => `DROP TABLE IF EXISTS temp.${t}`)


/** Sessions, events and orders of the persons derived into tw_dpe. */
async function writeDerived(conn: Runner): Promise<void> {
  await conn.run(derivedSessionsSql('tw_dpe'))
  await conn.run(INSERT_SESSIONS_SQL)
  await conn.run(INSERT_EVENTS_SQL)
  for (const sql of ORDERS_SQL) await conn.run(sql)
}

/** What the slow path and a rebuild run their statements on: the connection, one statement at a time under the memory lock. */
export type Runner = Pick<DuckDBConnection, 'run' | 'runAndReadAll'>

export const count = async (conn: Runner, sql: string): Promise<number> =>
  Number((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0)

/**
 * The persons of `tw_dirty` derived again from all of their events in the log: those with late
 * events or moved links (incremental.ts).
 */
export async function rederive(conn: Runner): Promise<number> {
  for (const sql of DIRTY_CANDIDATES_SQL) await conn.run(sql)
  await conn.run(derivedEvents('dirty'))
  await conn.run(newPersonsSql('tw_dpe'))
  await conn.run(`CREATE OR REPLACE TEMP TABLE tw_dpno AS
    SELECT p.site, p.pno FROM tw_dirty d JOIN tw_persons p USING (site, person)`)
  for (const t of ['tw_pe', 'tw_sessions']) {
    await conn.run(`DELETE FROM ${t} x WHERE EXISTS (SELECT 1 FROM tw_dpno d WHERE d.site = x.site AND d.pno = x.pno)`)
  }
  await writeDerived(conn)
  await conn.run(SLOW_SOLO_SQL)
  await conn.run(`UPDATE tw_persons SET last_sid = NULL, last_t = NULL, last_id = NULL, last_seq = NULL, ckey_end = NULL
    FROM tw_dpno d WHERE tw_persons.pno = d.pno`)
  await conn.run(personLastSql('SELECT pno, sid, end_t, last_id, last_seq, ckey_end FROM tw_dses'))
  return count(conn, 'SELECT count(*) FROM tw_dpe')
}


/**
 * Events per group of the slow path (`rederiveInGroups`): a group's statements window at most
 * about this many events. The 200k-event fill of bench/live.mjs (nearly every event late) was
 * re-derived in one group within the default 384MB memory limit; 1.6M was not.
 */
export const SLOW_GROUP_EVENTS = 150_000

/**
 * The slow path's group budget under a memory limit of `limitBytes`: SLOW_GROUP_EVENTS per GiB
 * (a group's windows and hash tables grow with its events), never above SLOW_GROUP_EVENTS nor
 * below 10,000; SLOW_GROUP_EVENTS without a limit. At the default 384MB: about 53,000.
 */
export function slowGroupEvents(limitBytes: number | null): number {
  if (limitBytes === null) return SLOW_GROUP_EVENTS
  return Math.max(10_000, Math.min(SLOW_GROUP_EVENTS, Math.floor((SLOW_GROUP_EVENTS * limitBytes) / 2 ** 30)))
}
/** Up to this many persons the slow path runs in the refresh's own transaction, as one group. */
export const SLOW_INLINE_PERSONS = 500

/**
 * The persons of the durable `tw_redo` list derived again, in groups of about `budget` events,
 * each group in its own transaction that also takes its persons off the list (so a failure or a
 * crash part way leaves the rest listed for the next refresh, and nothing half done). A person's
 * derivation depends only on their own events, so groups are independent; committing each one
 * lets DuckDB free its temporary tables (inside one transaction it keeps every replaced one until
 * the COMMIT: a fill of history re-derived in one transaction exceeded 384MB at 1.6M events).
 * A person's events are estimated by their derived `last_seq` (their position count) plus an even
 * share of the refresh's `newEvents`. Runs outside a transaction; `commit` commits one.
 */
export async function rederiveInGroups(
  conn: Runner,
  { newEvents, budget = SLOW_GROUP_EVENTS, signal, commit, onGroup }: {
    newEvents: number
    budget?: number
    signal?: AbortSignal
    commit: () => Promise<void>
    /** Told before each group: its index and the number of groups. */
    onGroup?: (group: number, groups: number) => void
  },
): Promise<{ events: number; persons: number }> {
  const persons = await count(conn, 'SELECT count(*) FROM tw_redo')
  const share = Math.ceil(newEvents / Math.max(1, persons))
  await conn.run('BEGIN TRANSACTION')
  await conn.run(`CREATE OR REPLACE TEMP TABLE tw_dirty_all AS
    SELECT r.site, r.person,
      (floor((sum(coalesce(p.last_seq, 0) + ${share}) OVER (ORDER BY r.site, r.person ROWS UNBOUNDED PRECEDING) - 1) / ${Math.max(1, Math.floor(budget))}))::BIGINT AS g
    FROM tw_redo r LEFT JOIN tw_persons p USING (site, person)`)
  await commit()
  const groups = await count(conn, 'SELECT coalesce(max(g), -1) + 1 FROM tw_dirty_all')
  let events = 0
  for (let g = 0; g < groups; g++) {
    signal?.throwIfAborted()
    onGroup?.(g, groups)
    await conn.run('BEGIN TRANSACTION')
    try {
      await conn.run(`CREATE OR REPLACE TEMP TABLE tw_dirty AS SELECT site, person FROM tw_dirty_all WHERE g = ${g}`)
      events += await rederive(conn)
      await conn.run(REDO_DONE_SQL)
      await commit()
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }
  return { events, persons }
}

/** The persons of `tw_dirty` off the `tw_redo` list. */
export const REDO_DONE_SQL = `DELETE FROM tw_redo r WHERE EXISTS (SELECT 1 FROM tw_dirty d WHERE d.site = r.site AND d.person = r.person)`
/** `tw_dirty` as the `tw_redo` list. */
export const REDO_SAVE_SQL = `DELETE FROM tw_redo; INSERT INTO tw_redo SELECT DISTINCT site, person FROM tw_dirty`
