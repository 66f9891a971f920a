import type { DuckDBConnection } from '@duckdb/node-api'
import { MAX_PATH_DEPTH } from '../../../core/paths.js'
import type { RefreshResult } from '../../derivation.js'
import { derivationCte, DIRTY_CANDIDATES_SQL } from './sessions-sql.js'

/**
 * Version of the derived tables' definition: a store whose tables were derived by another version
 * is rebuilt from the log when it opens. Bump it whenever the derivation or these tables change.
 */
export const DERIVED_VERSION = 3


/**
 * The derived tables (docs/ingest.md, "Derived tables"). They are a cache of the event log: the
 * log stays the only truth, every row here can be recomputed from it (`trackway rebuild`).
 *
 * - `tw_state`: the highest events rowid already derived (`mark`) and the definition version.
 *   The events table is append-only, so its rowids only grow: rows above the mark are new.
 * - `tw_persons`: a number per (site, person) — integer keys make the report joins cheap.
 * - `tw_sessions`: one row per session (SPEC §4) with its first-event attributes, the per-session
 *   figures the overview needs, its goal keys (event types and `custom:name`) and first pages.
 * - `tw_pe`: every non-bot event with its person, session and position in the person's events.
 * - `tw_orders`: each order once, at its earliest purchase event (SPEC §5).
 */
export const DERIVED_DDL = [
  `CREATE SEQUENCE IF NOT EXISTS tw_pno_seq`,
  `CREATE SEQUENCE IF NOT EXISTS tw_sid_seq`,
  `CREATE TABLE IF NOT EXISTS tw_state (mark BIGINT NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_persons (site VARCHAR NOT NULL, person VARCHAR NOT NULL, pno BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_sessions (
     site VARCHAR NOT NULL, sid BIGINT NOT NULL, pno BIGINT NOT NULL, first_id VARCHAR NOT NULL,
     start_t BIGINT NOT NULL, end_t BIGINT NOT NULL, pageviews BIGINT NOT NULL, exit_page VARCHAR,
     channel VARCHAR NOT NULL, source VARCHAR NOT NULL, medium VARCHAR NOT NULL, campaign VARCHAR NOT NULL,
     referrer_domain VARCHAR, entry_page VARCHAR NOT NULL, device VARCHAR NOT NULL, browser VARCHAR, os VARCHAR, country VARCHAR,
     others BIGINT NOT NULL, last_pv BIGINT, first_cart BIGINT, first_checkout BIGINT, last_purchase BIGINT,
     tail DOUBLE NOT NULL, goals VARCHAR[] NOT NULL, pages VARCHAR[] NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tw_pe (
     site VARCHAR NOT NULL, pno BIGINT NOT NULL, sid BIGINT NOT NULL, seq BIGINT NOT NULL,
     id VARCHAR NOT NULL, type VARCHAR NOT NULL, name VARCHAR, t BIGINT NOT NULL, path VARCHAR NOT NULL,
     order_id VARCHAR, revenue DOUBLE, engaged_ms DOUBLE, referral_code VARCHAR, score INTEGER, experiment VARCHAR, variant VARCHAR,
     anonymous_id VARCHAR NOT NULL, user_id VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS tw_orders (
     site VARCHAR NOT NULL, order_id VARCHAR NOT NULL, first_id VARCHAR NOT NULL, first_t BIGINT NOT NULL,
     revenue DOUBLE, sid BIGINT NOT NULL, pno BIGINT NOT NULL, seq BIGINT NOT NULL)`,
]

/** Persons touched by the events above $mark: their new persons, and the persons their browsers had. */
const DIRTY_SQL = `
CREATE OR REPLACE TEMP TABLE tw_dirty AS
WITH new_ev AS (
  SELECT site, anonymous_id, user_id FROM events WHERE rowid > $mark AND NOT is_bot
),
d_anon AS (SELECT DISTINCT site, anonymous_id FROM new_ev),
d_links AS (
  SELECT e.site, e.anonymous_id, arg_min(e.user_id, (e.t, e.id)) AS linked_user
  FROM events e
  WHERE e.type IN ('identify', 'signup') AND e.user_id IS NOT NULL AND NOT e.is_bot
    AND EXISTS (SELECT 1 FROM d_anon d WHERE d.site = e.site AND d.anonymous_id = e.anonymous_id)
  GROUP BY e.site, e.anonymous_id
)
SELECT site, user_id AS person FROM new_ev WHERE user_id IS NOT NULL
UNION
SELECT a.site, coalesce(l.linked_user, a.anonymous_id) FROM d_anon a LEFT JOIN d_links l USING (site, anonymous_id)
UNION
SELECT p.site, p.person FROM tw_pe e JOIN tw_persons p ON p.site = e.site AND p.pno = e.pno
WHERE EXISTS (SELECT 1 FROM d_anon d WHERE d.site = e.site AND d.anonymous_id = e.anonymous_id)`

const derivedEvents = (scope: 'all' | 'dirty') => `
CREATE OR REPLACE TEMP TABLE tw_dpe AS
WITH ${derivationCte(scope)}
SELECT site, person, session_no, person_seq AS seq, starts, id, type, name, t, path, order_id, revenue, engaged_ms,
  referral_code, score, experiment, variant, anonymous_id, user_id, referrer_domain, url_ref, device, browser, os, country,
  utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id, gclid, fbclid, msclkid
FROM pe`

const NEW_PERSONS_SQL = `
INSERT INTO tw_persons
SELECT site, person, nextval('tw_pno_seq') FROM (SELECT DISTINCT site, person FROM tw_dpe) d
WHERE NOT EXISTS (SELECT 1 FROM tw_persons p WHERE p.site = d.site AND p.person = d.person)`

/** The derived sessions, numbered, with the per-session figures of the overview. */
const DERIVED_SESSIONS_SQL = `
CREATE OR REPLACE TEMP TABLE tw_dses AS
WITH agg AS (
  SELECT site, person, session_no, max(t) AS end_t,
    count(*) FILTER (WHERE type = 'pageview') AS pageviews,
    arg_max(path, (t, id)) FILTER (WHERE type = 'pageview') AS exit_page,
    count(*) FILTER (WHERE type NOT IN ('pageview', 'engagement')) AS others,
    max(seq) FILTER (WHERE type = 'pageview') AS last_pv,
    min(seq) FILTER (WHERE type = 'cart_add') AS first_cart,
    min(seq) FILTER (WHERE type = 'checkout') AS first_checkout,
    max(seq) FILTER (WHERE type = 'purchase') AS last_purchase,
    list(DISTINCT CASE WHEN type = 'custom' THEN 'custom:' || name ELSE type END)
      FILTER (WHERE type <> 'custom' OR name IS NOT NULL) AS goals,
    list(path ORDER BY seq) FILTER (WHERE type = 'pageview') AS pages
  FROM tw_dpe GROUP BY site, person, session_no
),
tails AS (
  SELECT e.site, e.person, e.session_no, sum(e.engaged_ms) AS tail
  FROM tw_dpe e JOIN agg a USING (site, person, session_no)
  WHERE e.type = 'engagement' AND e.seq > a.last_pv
  GROUP BY e.site, e.person, e.session_no
)
SELECT f.site, f.person, f.session_no, nextval('tw_sid_seq') AS sid, p.pno, f.id AS first_id, f.t AS start_t, agg.end_t,
  agg.pageviews, agg.exit_page,
  tw_channel(f.utm_source, f.utm_medium, f.utm_campaign, f.utm_term, f.utm_content, f.utm_id, f.gclid, f.fbclid, f.msclkid,
    f.referrer_domain, f.url_ref) AS channel,
  coalesce(f.utm_source, f.referrer_domain, '(direct)') AS source,
  coalesce(f.utm_medium, CASE WHEN f.referrer_domain IS NULL THEN '(none)' WHEN tw_search(f.referrer_domain) THEN 'organic' ELSE 'referral' END) AS medium,
  coalesce(f.utm_campaign, '(none)') AS campaign,
  f.referrer_domain, f.path AS entry_page, f.device, f.browser, f.os, f.country,
  agg.others, agg.last_pv, agg.first_cart, agg.first_checkout, agg.last_purchase, coalesce(tails.tail, 0) AS tail,
  coalesce(agg.goals, []) AS goals, coalesce(agg.pages[1:${MAX_PATH_DEPTH}], []) AS pages
FROM tw_dpe f
JOIN agg USING (site, person, session_no)
LEFT JOIN tails USING (site, person, session_no)
JOIN tw_persons p ON p.site = f.site AND p.person = f.person
WHERE f.starts = 1`

const INSERT_SESSIONS_SQL = `
INSERT INTO tw_sessions
SELECT site, sid, pno, first_id, start_t, end_t, pageviews, exit_page, channel, source, medium, campaign,
  referrer_domain, entry_page, device, browser, os, country, others, last_pv, first_cart, first_checkout,
  last_purchase, tail, goals, pages
FROM tw_dses ORDER BY site, start_t`

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

const DROP_TEMP = ['tw_dirty', 'tw_cand_anon', 'tw_cand', 'tw_dpe', 'tw_dses', 'tw_dord', 'tw_dpno'].map((t) => `DROP TABLE IF EXISTS temp.${t}`)


const count = async (conn: DuckDBConnection, sql: string): Promise<number> =>
  Number((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0)

/**
 * Brings the derived tables up to date with the event log, in one transaction (a crash leaves the
 * previous consistent state and mark). Re-derives only the persons new events touch, unless the
 * tables are new (no state), of another version, or `full` is asked for: then everything.
 * The tables must exist (DERIVED_DDL, run by the store's init).
 * Must not run concurrently with itself on the same database (the store serializes calls).
 */
export async function refreshDerived(conn: DuckDBConnection, full = false, onRebuild?: (events: number) => void): Promise<RefreshResult> {
  const t0 = performance.now()
  await conn.run('BEGIN TRANSACTION')
  try {
    const state = (await conn.runAndReadAll('SELECT mark, version FROM tw_state')).getRowObjectsJS()[0]
    const top = await count(conn, 'SELECT coalesce(max(rowid), -1) FROM events')
    const rebuild = full || state === undefined || Number(state.version) !== DERIVED_VERSION
    const mark = rebuild ? -1 : Number(state!.mark)
    if (!rebuild && top <= mark) {
      await conn.run('COMMIT')
      return { kind: 'none', events: 0, persons: 0, ms: performance.now() - t0 }
    }
    if (rebuild) {
      onRebuild?.(top + 1)
      // tables of another version may have other columns: created again
      for (const t of ['tw_pe', 'tw_sessions', 'tw_orders', 'tw_persons']) await conn.run(`DROP TABLE IF EXISTS ${t}`)
      for (const sql of DERIVED_DDL) await conn.run(sql)
      await conn.run(derivedEvents('all'))
      await conn.run(NEW_PERSONS_SQL)
    } else {
      await conn.run(DIRTY_SQL, { mark: BigInt(mark) })
      for (const sql of DIRTY_CANDIDATES_SQL) await conn.run(sql)
      await conn.run(derivedEvents('dirty'))
      await conn.run(NEW_PERSONS_SQL)
      await conn.run(`CREATE OR REPLACE TEMP TABLE tw_dpno AS
        SELECT p.site, p.pno FROM tw_dirty d JOIN tw_persons p USING (site, person)`)
      for (const t of ['tw_pe', 'tw_sessions']) {
        await conn.run(`DELETE FROM ${t} x WHERE EXISTS (SELECT 1 FROM tw_dpno d WHERE d.site = x.site AND d.pno = x.pno)`)
      }
    }
    await conn.run(DERIVED_SESSIONS_SQL)
    await conn.run(INSERT_SESSIONS_SQL)
    await conn.run(INSERT_EVENTS_SQL)
    for (const sql of ORDERS_SQL) await conn.run(sql)
    const events = await count(conn, 'SELECT count(*) FROM tw_dpe')
    const persons = await count(conn, rebuild ? 'SELECT count(DISTINCT (site, person)) FROM tw_dpe' : 'SELECT count(*) FROM tw_dirty')
    await conn.run('DELETE FROM tw_state')
    await conn.run('INSERT INTO tw_state VALUES ($mark, $version)', { mark: BigInt(top), version: DERIVED_VERSION })
    await conn.run('COMMIT')
    return { kind: rebuild ? 'rebuild' : 'refresh', events, persons, ms: performance.now() - t0 }
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    for (const sql of DROP_TEMP) await conn.run(sql).catch(() => undefined)
  }
}
