import type { DuckDBConnection } from '@duckdb/node-api'
import { MAX_PATH_DEPTH } from '../../../core/paths.js'
import { CONTINUE_SQL, inRange, LINKS_UPDATE_SQL, newSessionsSql, ORDERS_SQL, PERSONS_DELETE_SQL, peSql } from './fast-writes.js'
import { CKEY_SQL, CPV_SQL } from './sessions-sql.js'
import { append, PERSON_KINDS, stage, stagingDdl, type Staging } from './staging.js'
import { compareText, key, plan, type Link, type PathEvent, type PersonState } from './fast-path.js'
import { numberEvents, sessionFigures, type Numbered } from './session-numbering.js'

/*
 * The refresh after appends, in O(new events): the events above the mark are read by rowid range,
 * and what they change is worked out (fast-path.ts) from the derived tables' per-person and
 * per-session state (tw_persons, tw_sessions, tw_links) instead of from the person's earlier events
 * in the log.
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
 *
 * Cost: three reads (the new events; their browsers' links; the persons they may belong to), one
 * to number new persons and sessions, appends, and one script of writes — each a scan at most, no
 * sort or window over the derived tables.
 */

export { stageDirty } from './staging.js'
export { LINKS_UPDATE_SQL, personLastSql } from './fast-writes.js'

/**
 * The new events of the rowids in (from, to]: only the columns the fast path works with (BIGINT as
 * DOUBLE, exact below 2^53). The columns it only copies (into tw_pe, and the first event's into a
 * new session) are joined from the log by rowid in the writes (PE_SQL, newSessionsSql): reading
 * every column into the process and appending them back cost most of the refresh.
 */
const eventsSql = (from: number, to: number) =>
  `SELECT e.rowid::DOUBLE AS rid, site, id, type, name, t::DOUBLE AS t, path, order_id, revenue, engaged_ms, anonymous_id, user_id,
    ${CKEY_SQL} AS ckey, ${CPV_SQL} AS cpv FROM events e WHERE ${inRange('e', from, to)} AND NOT is_bot`

/** A new event as read: what the fast path works with, its rowid, and what a purchase's order needs. */
interface ReadEvent extends PathEvent {
  rid: number
  order_id: string | null
  revenue: number | null
}

/** The stored links of the new events' browsers (tw_nk: their keys). */
const LINKS_SQL = `SELECT l.site, l.anonymous_id, l.user_id, l.t::DOUBLE, l.id FROM tw_links l SEMI JOIN tw_nk k ON k.site = l.site AND k.name = l.anonymous_id`

/** The stored rows of every person the new events may name (tw_nk: their browsers, their user ids, their browsers' links). */
const PERSONS_SQL = `
SELECT p.site, p.person, p.pno::DOUBLE, p.solo, p.last_sid::DOUBLE, p.last_t::DOUBLE, p.last_id, p.last_seq::DOUBLE, p.ckey_end
FROM tw_persons p SEMI JOIN tw_nk k ON k.site = p.site AND k.name = p.person`

/** The columns of a result as DuckDB values (VARCHAR: string, DOUBLE: number; no BIGINT here). */
async function columns(conn: DuckDBConnection, sql: string): Promise<{ n: number; c: unknown[][] }> {
  const r = await conn.runAndReadAll(sql)
  return { n: r.currentRowCount, c: r.getColumns() as unknown[][] }
}

async function read(conn: DuckDBConnection, from: number, to: number) {
  // getColumns (DuckDB's values) and one object literal per event: getColumnsJS's conversions
  // and objects built key by key cost ~5× as much
  const { n, c } = await columns(conn, eventsSql(from, to))
  const [rid, site, id, type, name, t, path, orderId, revenue, engagedMs, anonymousId, userId, ckey, cpv] = c as [
    number[], string[], string[], string[], (string | null)[], number[], string[], (string | null)[], (number | null)[], (number | null)[],
    string[], (string | null)[], string[], boolean[],
  ]
  const events: ReadEvent[] = []
  for (let i = 0; i < n; i++) {
    events.push({
      rid: rid[i]!, site: site[i]!, id: id[i]!, type: type[i]!, name: name[i]!, t: t[i]!, path: path[i]!, order_id: orderId[i]!, revenue: revenue[i]!,
      engaged_ms: engagedMs[i]!, anonymous_id: anonymousId[i]!, user_id: userId[i]!, ckey: ckey[i]!, cpv: cpv[i]!,
    })
  }
  const links = new Map<string, Link>()
  const persons = new Map<string, PersonState>()
  if (n === 0) return { events, links, persons }
  // the names to look up: browsers first (their links), then users and linked users
  const names = new Map<string, [string, string]>()
  for (const e of events) names.set(key(e.site, e.anonymous_id), [e.site, e.anonymous_id])
  await conn.run(stagingDdl('tw_nk'))
  await stage(conn, 'tw_nk', [...names.values()])
  const l = await columns(conn, LINKS_SQL)
  for (let i = 0; i < l.n; i++) {
    links.set(key(l.c[0]![i] as string, l.c[1]![i] as string), { user: l.c[2]![i] as string, t: l.c[3]![i] as number, id: l.c[4]![i] as string })
  }
  const more = new Map<string, [string, string]>()
  const add = (site: string, name: string) => { if (!names.has(key(site, name))) more.set(key(site, name), [site, name]) }
  for (const e of events) if (e.user_id !== null) add(e.site, e.user_id)
  for (const [k, l] of links) add(k.slice(0, k.indexOf('\u0000')), l.user)
  await stage(conn, 'tw_nk', [...more.values()])
  const p = await columns(conn, PERSONS_SQL)
  const [, , pno, solo, lastSid, lastT, lastId, lastSeq, ckeyEnd] = p.c as [unknown, unknown, number[], boolean[], (number | null)[], (number | null)[], (string | null)[], (number | null)[], (string | null)[]]
  for (let i = 0; i < p.n; i++) {
    persons.set(key(p.c[0]![i] as string, p.c[1]![i] as string), {
      pno: pno[i]!, solo: solo[i]!, lastSid: lastSid[i]!, lastT: lastT[i]!, lastId: lastId[i]!, lastSeq: lastSeq[i]!, ckeyEnd: ckeyEnd[i]!,
    })
  }
  return { events, links, persons }
}

/** `n` numbers of each sequence. */
async function numbers(conn: DuckDBConnection, persons: number, sessions: number): Promise<{ pnos: number[]; sids: number[] }> {
  if (persons + sessions === 0) return { pnos: [], sids: [] }
  const [[p, s]] = (await conn.runAndReadAll(
    `SELECT (SELECT list(nextval('tw_pno_seq')) FROM range(${persons})), (SELECT list(nextval('tw_sid_seq')) FROM range(${sessions}))`,
  )).getRowsJS() as [[bigint[] | null, bigint[] | null]]
  return { pnos: (p ?? []).map(Number), sids: (s ?? []).map(Number) }
}

/**
 * Derives the events of the rowids in (from, to] on the fast path and adds the persons of the slow
 * path to `slow` (keys of fast-path.ts; materialize.ts derives them from the log when every range
 * is done). Applies moved links. Inside the caller's transaction. The events are read into the
 * process: the caller bounds the range (materialize.ts's REFRESH_CHUNK).
 */
export async function refreshTouched(
  conn: DuckDBConnection,
  from: number,
  to: number,
  slowSoFar: Map<string, { site: string; person: string }>,
): Promise<{ events: number; persons: number }> {
  const input = await read(conn, from, to)
  if (input.events.length === 0) return { events: 0, persons: 0 }
  const { fast, slow, moved } = plan(input.events, input.links, input.persons, new Set(slowSoFar.keys()))
  for (const d of slow) slowSoFar.set(key(d.site, d.person), d)
  const numbered = fast.map((p) => ({ p, rows: numberEvents(p) }))
  const newSessions = numbered.reduce((n, { rows }) => n + (rows.at(-1)?.sessionNo ?? 0), 0)
  const ids = await numbers(conn, fast.filter((p) => p.state === null).length, newSessions)

  const pe: unknown[][] = [] // tw_pm's columns, then the event's site and t to sort by
  const sessions: { start: ReadEvent; row: unknown[] }[] = []
  const continued: unknown[][] = []
  const personRows: unknown[][] = []
  const changedPnos: unknown[][] = []
  const purchases: unknown[][] = []
  let nextPno = 0
  let nextSid = 0
  for (const { p, rows } of numbered) {
    const pno = p.state?.pno ?? ids.pnos[nextPno++]!
    const sids = new Map<number, number>()
    for (const r of rows) if (r.starts) sids.set(r.sessionNo, ids.sids[nextSid++]!)
    let last = { sid: p.state?.lastSid ?? null, endT: 0, id: '', seq: 0, ckey: '' }
    for (let i = 0; i < rows.length; ) {
      let j = i
      while (j < rows.length && rows[j]!.sessionNo === rows[i]!.sessionNo) j++
      const part: Numbered<ReadEvent>[] = rows.slice(i, j)
      const f = sessionFigures(part, MAX_PATH_DEPTH)
      const no = part[0]!.sessionNo
      const sid = no === 0 ? p.state!.lastSid! : sids.get(no)!
      const first = part[0]!.e
      const ckeyEnd = f.cpvKey ?? (no === 0 ? p.state!.ckeyEnd! : first.ckey)
      if (no === 0) {
        continued.push([sid, pno, f.endT, f.pageviews, f.exitPage, f.others, f.lastPv, f.firstCart, f.firstCheckout, f.lastPurchase, f.tail,
          f.engaged ?? 0, f.goals, f.pages, f.lastId, f.lastSeq, ckeyEnd])
      } else {
        sessions.push({ start: first, row: [sid, pno, first.rid, f.endT, f.pageviews, f.exitPage, f.others, f.lastPv, f.firstCart, f.firstCheckout,
          f.lastPurchase, f.tail, f.goals, f.pages, f.lastId, f.lastSeq, ckeyEnd] })
      }
      last = { sid, endT: f.endT, id: f.lastId, seq: f.lastSeq, ckey: ckeyEnd }
      for (const { e, seq } of part) {
        pe.push([e.rid, pno, sid, seq, e.site, e.t])
        if (e.type === 'purchase' && e.order_id !== null) purchases.push([e.site, e.order_id, e.id, e.t, e.revenue, sid, pno, seq])
      }
      i = j
    }
    const solo = (p.state?.solo ?? true) && p.soloNew
    const lastSession = [last.sid, last.endT, last.id, last.seq, last.ckey]
    personRows.push([p.site, p.person, pno, solo, ...lastSession])
    if (p.state !== null) changedPnos.push([pno])
  }
  // in the order the whole derivation writes them: by site and time (zone maps on t stay narrow)
  pe.sort((a, b) => compareText(a[4] as string, b[4] as string) || (a[5] as number) - (b[5] as number))
  sessions.sort((a, b) => compareText(a.start.site, b.start.site) || a.start.t - b.start.t)

  const staged: [Staging, unknown[][]][] = [
    ['tw_pm', pe], ['tw_jses', sessions.map((s) => s.row)], ['tw_cont', continued], ['tw_jp', changedPnos], ['tw_jo', purchases],
  ]
  const linkRows = moved.map((m) => [m.site, m.anonymousId, m.oldUser, true, m.newUser, m.t, m.id])
  if (linkRows.length > 0) staged.push(['tw_nl', linkRows])
  const used = staged.filter(([, rows]) => rows.length > 0)
  if (used.length > 0) await conn.run(used.map(([name]) => stagingDdl(name)).join(';\n'))
  for (const [name, rows] of used) await stage(conn, name, rows)
  const writes = [
    ...(changedPnos.length > 0 ? [PERSONS_DELETE_SQL] : []),
    ...(continued.length > 0 ? CONTINUE_SQL : []),
    ...(sessions.length > 0 ? [newSessionsSql(from, to)] : []),
    ...(pe.length > 0 ? [peSql(from, to)] : []),
    ...(purchases.length > 0 ? ORDERS_SQL : []),
    ...(moved.length > 0 ? LINKS_UPDATE_SQL : []),
  ]
  if (writes.length > 0) await conn.run(writes.join(';\n'))
  await append(conn, 'tw_persons', null, PERSON_KINDS, personRows)
  return { events: pe.length, persons: fast.length }
}
