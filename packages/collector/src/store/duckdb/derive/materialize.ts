import type { DuckDBConnection } from '@duckdb/node-api'
import type { DeriveEvent, RefreshResult } from '../../derivation.js'
import { derivationCte, DIRTY_CANDIDATES_SQL } from './sessions-sql.js'
import { personLastSql, refreshTouched, stageDirty } from './incremental.js'
import { derivedSessionsSql, newPersonsSql, SESSION_COLUMNS } from './tables.js'
import { commit } from '../handle.js'

/**
 * Version of the derived tables' definition: a store whose tables were derived by another version
 * is rebuilt from the log when it opens. Bump it whenever the derivation or these tables change.
 */
export const DERIVED_VERSION = 5


/**
 * The derived tables (docs/ingest.md, "Derived tables"). They are a cache of the event log: the
 * log stays the only truth, every row here can be recomputed from it (`trackway rebuild`).
 *
 * - `tw_state`: the highest events rowid already derived (`mark`) and the definition version.
 *   The events table is append-only, so its rowids only grow: rows above the mark are new.
 * - `tw_persons`: a number per (site, person) — integer keys make the report joins cheap — and
 *   `solo`: all of its events are anonymous events of the browser its key names (so a first
 *   signup of that browser renames the person instead of merging histories, see incremental.ts),
 *   and its last session (`last_sid`, its last event's `last_t`, `last_id`, `last_seq`, and its `ckey_end`):
 *   what the next refresh continues from; NULL when the person has no events (any more).
 * - `tw_sessions`: one row per session (SPEC §4) with its first-event attributes, the per-session
 *   figures the overview needs, its goal keys (event types and `custom:name`, sorted) and first
 *   pages, and what a later event needs to continue it: its last event (`last_id`, `last_seq`,
 *   `end_t`) and `ckey_end`, the campaign key a later campaign pageview of its segment is compared with.
 * - `tw_links`: each browser's earliest identify/signup (SPEC §4's link), with its t and id.
 * - `tw_pe`: every non-bot event with its person, session and position in the person's events.
 * - `tw_orders`: each order once, at its earliest purchase event (SPEC §5).
 */
export const DERIVED_DDL = [
  `CREATE SEQUENCE IF NOT EXISTS tw_pno_seq`,
  `CREATE SEQUENCE IF NOT EXISTS tw_sid_seq`,
  `CREATE TABLE IF NOT EXISTS tw_state (mark BIGINT NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_persons (site VARCHAR NOT NULL, person VARCHAR NOT NULL, pno BIGINT NOT NULL, solo BOOLEAN NOT NULL,
     last_sid BIGINT, last_t BIGINT, last_id VARCHAR, last_seq BIGINT, ckey_end VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS tw_links (site VARCHAR NOT NULL, anonymous_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, t BIGINT NOT NULL, id VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_sessions (
     site VARCHAR NOT NULL, sid BIGINT NOT NULL, pno BIGINT NOT NULL, first_id VARCHAR NOT NULL,
     start_t BIGINT NOT NULL, end_t BIGINT NOT NULL, pageviews BIGINT NOT NULL, exit_page VARCHAR,
     channel VARCHAR NOT NULL, source VARCHAR NOT NULL, medium VARCHAR NOT NULL, campaign VARCHAR NOT NULL,
     referrer_domain VARCHAR, entry_page VARCHAR NOT NULL, device VARCHAR NOT NULL, browser VARCHAR, os VARCHAR, country VARCHAR,
     others BIGINT NOT NULL, last_pv BIGINT, first_cart BIGINT, first_checkout BIGINT, last_purchase BIGINT,
     tail DOUBLE NOT NULL, goals VARCHAR[] NOT NULL, pages VARCHAR[] NOT NULL,
     last_id VARCHAR NOT NULL, last_seq BIGINT NOT NULL, ckey_end VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_pe (
     site VARCHAR NOT NULL, pno BIGINT NOT NULL, sid BIGINT NOT NULL, seq BIGINT NOT NULL,
     id VARCHAR NOT NULL, type VARCHAR NOT NULL, name VARCHAR, t BIGINT NOT NULL, path VARCHAR NOT NULL,
     order_id VARCHAR, revenue DOUBLE, engaged_ms DOUBLE, referral_code VARCHAR, score INTEGER, experiment VARCHAR, variant VARCHAR,
     anonymous_id VARCHAR NOT NULL, user_id VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS tw_orders (
     site VARCHAR NOT NULL, order_id VARCHAR NOT NULL, first_id VARCHAR NOT NULL, first_t BIGINT NOT NULL,
     revenue DOUBLE, sid BIGINT NOT NULL, pno BIGINT NOT NULL, seq BIGINT NOT NULL)`,
]


const derivedEvents = (scope: 'all' | 'dirty') => `
CREATE OR REPLACE TEMP TABLE tw_dpe AS
WITH ${derivationCte(scope)}
SELECT site, person, session_no, person_seq AS seq, starts, id, type, name, t, path, order_id, revenue, engaged_ms,
  referral_code, score, experiment, variant, anonymous_id, user_id, referrer_domain, url_ref, device, browser, os, country,
  utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id, gclid, fbclid, msclkid, ckey, cpv
FROM pe`

const INSERT_SESSIONS_SQL = `INSERT INTO tw_sessions SELECT ${SESSION_COLUMNS} FROM tw_dses ORDER BY site, start_t`

const INSERT_EVENTS_SQL = `
INSERT INTO tw_pe
SELECT e.site, s.pno, s.sid, e.seq, e.id, e.type, e.name, e.t, e.path, e.order_id, e.revenue, e.engaged_ms,
  e.referral_code, e.score, e.experiment, e.variant, e.anonymous_id, e.user_id
FROM tw_dpe e JOIN tw_dses s USING (site, person, session_no)
ORDER BY e.site, e.t`

/** Orders whose purchase events were re-derived: recomputed over all of their events. */
const ORDERS_SQL = [
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
const ALL_LINKS_SQL = `
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

const DROP_TEMP = ['tw_dirty', 'tw_cand_anon', 'tw_cand', 'tw_dpe', 'tw_dses', 'tw_dord', 'tw_dpno', 'tw_nl', 'tw_jses', 'tw_cont', 'tw_cses', 'tw_jp', 'tw_jo', 'tw_nk', 'tw_ford', 'tw_pm'].map((t) => `DROP TABLE IF EXISTS temp.${t}`)


/** Sessions, events and orders of the persons derived into tw_dpe. */
async function writeDerived(conn: DuckDBConnection): Promise<void> {
  await conn.run(derivedSessionsSql('tw_dpe'))
  await conn.run(INSERT_SESSIONS_SQL)
  await conn.run(INSERT_EVENTS_SQL)
  for (const sql of ORDERS_SQL) await conn.run(sql)
}

const count = async (conn: DuckDBConnection, sql: string): Promise<number> =>
  Number((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0)

/** Rowids per range of a refresh: the events of one range are held in the process at once. */
export const REFRESH_CHUNK = 10_000

/**
 * The persons of `tw_dirty` derived again from all of their events in the log: those with late
 * events or moved links (incremental.ts).
 */
async function rederive(conn: DuckDBConnection): Promise<number> {
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
 * Brings the derived tables up to date with the event log, in one transaction (a crash leaves the
 * previous consistent state and mark). Derives the events above the mark from the persons' state in
 * the derived tables (incremental.ts: O(new events)), and only persons with late events or moved
 * links again from the log; everything when the tables are new (no state), of another version, or
 * `full` is asked for. The tables must exist (DERIVED_DDL, run by the store's init).
 * Must not run concurrently with itself on the same database (the store serializes calls).
 */
export async function refreshDerived(conn: DuckDBConnection, full = false, progress?: (e: DeriveEvent) => void, chunk = REFRESH_CHUNK): Promise<RefreshResult> {
  const t0 = performance.now()
  let big = true
  let restoreLimit: string | null = null
  await conn.run('BEGIN TRANSACTION')
  try {
    const [state, topRow] = (await conn.runAndReadAll('SELECT (SELECT {mark: max(mark), version: max(version)} FROM tw_state) AS state, (SELECT coalesce(max(rowid), -1) FROM events) AS top')).getRowsJS()[0] as [{ mark: unknown; version: unknown } | null, unknown]
    const top = Number(topRow)
    const rebuild = full || state === null || state.mark === null || Number(state.version) !== DERIVED_VERSION
    const mark = rebuild ? -1 : Number(state!.mark)
    if (!rebuild && top <= mark) {
      big = false
      await commit(conn)
      return { kind: 'none', events: 0, persons: 0, ms: performance.now() - t0 }
    }
    let events: number
    let persons: number
    if (rebuild) {
      // Deriving everything sorts and windows the whole log: under a --memory-limit sized for
      // serving, a first start after an upgrade could not complete it. It runs uncapped (DuckDB's
      // default); the cap comes back when it is done.
      const [[limit]] = (await conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRowsJS() as [[string]]
      await conn.run('RESET GLOBAL memory_limit')
      restoreLimit = limit
      progress?.({ phase: 'rebuilding', events: top + 1 })
      const steps: [string, string][] = [
        ['persons and sessions of every event', derivedEvents('all')],
        ['numbering persons', newPersonsSql('tw_dpe')],
        ['browser links', ALL_LINKS_SQL],
        ['per-session figures', derivedSessionsSql('tw_dpe')],
        ['writing sessions', INSERT_SESSIONS_SQL],
        ['writing events', INSERT_EVENTS_SQL],
        ['orders', ORDERS_SQL.join(';\n')],
        ['persons\' last sessions', personLastSql('SELECT pno, sid, end_t, last_id, last_seq, ckey_end FROM tw_dses')],
      ]
      // tables of another version may have other columns: created again
      for (const t of ['tw_pe', 'tw_sessions', 'tw_orders', 'tw_persons', 'tw_links']) await conn.run(`DROP TABLE IF EXISTS ${t}`)
      for (const sql of DERIVED_DDL) await conn.run(sql)
      for (const [i, [name, sql]] of steps.entries()) {
        progress?.({ phase: 'step', step: i + 1, steps: steps.length, name, ms: Math.round(performance.now() - t0) })
        await conn.run(sql)
      }
      events = await count(conn, 'SELECT count(*) FROM tw_dpe')
      persons = await count(conn, 'SELECT count(DISTINCT (site, person)) FROM tw_dpe')
    } else {
      events = 0
      persons = 0
      // in rowid ranges: each range's events are worked out in the process (incremental.ts), and a
      // refresh after a long pause (a restart, a big import) must not hold them all at once; the
      // persons of the slow path are derived again once, after the last range
      const slow = new Map<string, { site: string; person: string }>()
      for (let from = mark; from < top; from += chunk) {
        const done = await refreshTouched(conn, from, Math.min(top, from + chunk), slow)
        events += done.events
        persons += done.persons
      }
      if (slow.size > 0) {
        await stageDirty(conn, slow.values())
        events += await rederive(conn)
        persons += slow.size
      }
    }
    await conn.run(`DELETE FROM tw_state; INSERT INTO tw_state VALUES (${top}, ${DERIVED_VERSION})`)
    await commit(conn)
    // small temporary tables are replaced by the next refresh; large ones go now
    big = rebuild || events > 50_000 || persons > 5_000
    return { kind: rebuild ? 'rebuild' : 'refresh', events, persons, ms: performance.now() - t0 }
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    if (big) for (const sql of DROP_TEMP) await conn.run(sql).catch(() => undefined)
    if (restoreLimit !== null) await conn.run(`SET GLOBAL memory_limit = '${restoreLimit.replace(/'/g, '')}'`).catch(() => undefined)
  }
}
