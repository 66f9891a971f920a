import type { DuckDBConnection } from '@duckdb/node-api'
import type { DeriveEvent, RefreshResult } from '../../derivation.js'
import { personLastSql, refreshTouched, stageDirty } from './incremental.js'
import { key } from './fast-path.js'
import { derivedSessionsSql, newPersonsSql } from './tables.js'
import { ALL_LINKS_SQL, count, derivedEvents, DROP_TEMP, INSERT_EVENTS_SQL, INSERT_SESSIONS_SQL, ORDERS_SQL, rederive, rederiveInGroups, REDO_DONE_SQL, REDO_SAVE_SQL, SLOW_INLINE_PERSONS, type Runner } from './from-log.js'
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
 * - `tw_redo`: persons a refresh found to need deriving again from the log (late events, moved
 *   links) and has not yet: a large refresh commits in steps (REFRESH_COMMIT_EVERY, the slow
 *   path's groups), and the next refresh starts with whoever is listed. Empty between refreshes.
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
  `CREATE TABLE IF NOT EXISTS tw_redo (site VARCHAR NOT NULL, person VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_orders (
     site VARCHAR NOT NULL, order_id VARCHAR NOT NULL, first_id VARCHAR NOT NULL, first_t BIGINT NOT NULL,
     revenue DOUBLE, sid BIGINT NOT NULL, pno BIGINT NOT NULL, seq BIGINT NOT NULL)`,
]


/** Rowids per range of a refresh: the events of one range are held in the process at once. */
export const REFRESH_CHUNK = 10_000
/**
 * A refresh of a longer backlog commits after about this many rowids (with the mark and the
 * persons still to re-derive in `tw_redo`): inside one transaction DuckDB keeps every replaced
 * staging table until the COMMIT, so a backlog of 1.6M events filled a 384MB limit.
 */
export const REFRESH_COMMIT_EVERY = 100_000

/**
 * Brings the derived tables up to date with the event log, in one transaction (a crash leaves the
 * previous consistent state and mark). Derives the events above the mark from the persons' state in
 * the derived tables (incremental.ts: O(new events)), and only persons with late events or moved
 * links again from the log; everything when the tables are new (no state), of another version, or
 * `full` is asked for. The tables must exist (DERIVED_DDL, run by the store's init).
 * Must not run concurrently with itself on the same database (the store serializes calls).
 */
export interface RefreshOptions {
  /** Derive everything again. */
  full?: boolean
  progress?: (e: DeriveEvent) => void
  /** Rowids per range (REFRESH_CHUNK). */
  chunk?: number
  /**
   * Held for each statement of a rebuild and of the slow path, and for their COMMIT: the
   * database's memoryLock, so no ingest commit runs beside them (handle.ts); commits run between
   * the statements. Default: none.
   */
  memoryLock?: () => Promise<() => void>
  /** Aborted: the refresh stops at the next range or step and rolls back (the store is closing). */
  signal?: AbortSignal
  /** Events per group of the slow path (from-log.ts SLOW_GROUP_EVENTS). */
  slowGroup?: number
  /** Rowids after which a refresh commits a step (REFRESH_COMMIT_EVERY). */
  commitEvery?: number
}

export async function refreshDerived(conn: DuckDBConnection, { full = false, progress, chunk = REFRESH_CHUNK, memoryLock, signal, slowGroup, commitEvery = REFRESH_COMMIT_EVERY }: RefreshOptions = {}): Promise<RefreshResult> {
  const t0 = performance.now()
  let big = true
  let restoreLimit: string | null = null
  const locked = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await memoryLock?.()
    try {
      return await work()
    } finally {
      release?.()
    }
  }
  const heavy: Runner = {
    run: (sql, ...rest) => locked(() => conn.run(sql, ...rest)),
    runAndReadAll: (sql, ...rest) => locked(() => conn.runAndReadAll(sql, ...rest)),
  }
  let slowPath = false
  await conn.run('BEGIN TRANSACTION')
  try {
    const [state, topRow, redoRow] = (await conn.runAndReadAll('SELECT (SELECT {mark: max(mark), version: max(version)} FROM tw_state) AS state, (SELECT coalesce(max(rowid), -1) FROM events) AS top, (SELECT count(*) FROM tw_redo) AS redo')).getRowsJS()[0] as [{ mark: unknown; version: unknown } | null, unknown, unknown]
    const top = Number(topRow)
    const rebuild = full || state === null || state.mark === null || Number(state.version) !== DERIVED_VERSION
    const mark = rebuild ? -1 : Number(state!.mark)
    if (!rebuild && top <= mark && Number(redoRow) === 0) {
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
      for (const t of ['tw_pe', 'tw_sessions', 'tw_orders', 'tw_persons', 'tw_links', 'tw_redo']) await conn.run(`DROP TABLE IF EXISTS ${t}`)
      for (const sql of DERIVED_DDL) await conn.run(sql)
      for (const [i, [name, sql]] of steps.entries()) {
        signal?.throwIfAborted()
        progress?.({ phase: 'step', step: i + 1, steps: steps.length, name, ms: Math.round(performance.now() - t0) })
        await heavy.run(sql)
      }
      events = await count(conn, 'SELECT count(*) FROM tw_dpe')
      persons = await count(conn, 'SELECT count(DISTINCT (site, person)) FROM tw_dpe')
    } else {
      events = 0
      persons = 0
      // in rowid ranges: each range's events are worked out in the process (incremental.ts), and a
      // refresh after a long pause (a restart, a big import) must not hold them all at once; the
      // persons of the slow path — those a refresh before left listed in tw_redo, and those found
      // now — are derived again once, after the last range
      const slow = new Map<string, { site: string; person: string }>()
      for (const [site, person] of (await conn.runAndReadAll('SELECT site, person FROM tw_redo')).getRowsJS() as [string, string][]) {
        slow.set(key(site, person), { site, person })
      }
      let since = 0
      for (let from = mark; from < top; from += chunk) {
        signal?.throwIfAborted()
        const to = Math.min(top, from + chunk)
        const done = await refreshTouched(conn, from, to, slow)
        events += done.events
        persons += done.persons
        since += to - from
        if (since >= commitEvery && to < top) {
          // a step: what is derived so far, its mark, and who still needs the slow path
          await saveRedo(conn, slow)
          await conn.run(markSql(to))
          await commit(conn)
          await conn.run('BEGIN TRANSACTION')
          since = 0
        }
      }
      if (slow.size > SLOW_INLINE_PERSONS) {
        // many persons to derive again (a fill of history): listed, committed with the mark, then in groups
        slowPath = true
        await saveRedo(conn, slow)
        await conn.run(markSql(top))
        await locked(() => commit(conn))
        const done = await rederiveInGroups(heavy, {
          newEvents: top - mark, budget: slowGroup, signal, commit: () => locked(() => commit(conn)),
          onGroup: (g, n) => progress?.({ phase: 'step', step: g + 1, steps: n, name: 'persons with late events, from the log', ms: Math.round(performance.now() - t0) }),
        })
        events += done.events
        persons += done.persons
        big = true
        return { kind: 'refresh', events, persons, ms: performance.now() - t0 }
      }
      if (slow.size > 0) {
        signal?.throwIfAborted()
        slowPath = true
        await stageDirty(conn, slow.values())
        events += await rederive(heavy)
        await conn.run(REDO_DONE_SQL)
        persons += slow.size
      }
    }
    await conn.run(markSql(top))
    if (rebuild || slowPath) await locked(() => commit(conn))
    else await commit(conn)
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

const markSql = (mark: number) => `DELETE FROM tw_state; INSERT INTO tw_state VALUES (${mark}, ${DERIVED_VERSION})`

/** `slow` as the durable `tw_redo` list (see DERIVED_DDL). */
async function saveRedo(conn: DuckDBConnection, slow: Map<string, { site: string; person: string }>): Promise<void> {
  await stageDirty(conn, slow.values())
  await conn.run(REDO_SAVE_SQL)
}
