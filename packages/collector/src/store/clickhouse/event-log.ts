import { StaleCursorError } from '../../errors.js'
import { EVENT_COLUMNS, eventRowOf } from '../event-columns.js'
import { DEFAULT_PAGE_SIZE, eventKey, type EventKey, type EventLog, type EventRow, type LogCursor, type LogPage, type StoredKey } from '../event-log.js'
import type { ClickHouseConnection, Settings } from './connection.js'
import type { PersonDeriver } from './derive/deriver.js'
import { writeMeta, type ImportMark } from './meta.js'
import { ID_HOUR_MS, type Tables } from './schema.js'
import { join, list, raw, sql, type Sql } from './sql.js'

/**
 * Ids per look-up. Each query reads the id column of every granule (1024 rows) one of its ids
 * falls in — up to the whole table — so fewer, longer lists read less: a 10,000-event page of
 * `trackway copy` is one query, not five (5× less read at 1M events); max_query_size is raised
 * for it (its default, 256 KiB, holds ~9,000 ids).
 */
const IN_CHUNK = 10_000
const LONG_QUERY: Settings = { max_query_size: 16_777_216 }

const COLUMNS = raw(EVENT_COLUMNS.map(([c]) => c).join(', '))

/** A ClickHouse cursor: the sort key (site, anonymous_id, id) of a page's last row. */
interface Cursor {
  clickhouse: [site: string, anonymousId: string, id: string]
}

function parseCursor(text: LogCursor): Cursor['clickhouse'] {
  let c: Partial<Cursor> | null = null
  try {
    c = JSON.parse(text) as Partial<Cursor>
  } catch {
    // not ours: below
  }
  const key = c?.clickhouse
  if (!Array.isArray(key) || key.length !== 3 || !key.every((k) => typeof k === 'string')) {
    throw new StaleCursorError(`not a cursor of a ClickHouse log: ${text.slice(0, 80)}`)
  }
  return key as Cursor['clickhouse']
}

/** Rows of a site after (anonymousId, id), in key order; `anonymous_id >= a` lets the primary key skip what comes before. */
const after = (a: string, id: string): Sql => sql`AND anonymous_id >= ${a} AND (anonymous_id > ${a} OR id > ${id})`
const upTo = (a: string, id: string): Sql => sql`AND anonymous_id <= ${a} AND (anonymous_id < ${a} OR id <= ${id})`

/**
 * An EventRow as the events table's JSONEachRow: snake_case columns, booleans as 0/1. A missing
 * required field fails the whole append before anything is sent (current ClickHouse would store
 * a default in its place: input_format_null_as_default, a setting 18.16 does not know).
 */
function toColumns(row: EventRow): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [column, field, kind, notNull] of EVENT_COLUMNS) {
    const v = row[field]
    if (notNull && (v === null || v === undefined)) throw new TypeError(`event ${row.id}: ${column} must not be null`)
    out[column] = kind === 'boolean' ? (v ? 1 : 0) : v
  }
  return out
}

/**
 * The event log in ClickHouse, shared by any number of collectors (`exclusive` false: the ingest
 * writer looks up every key it does not know as stored). An append inserts the rows (on a
 * cluster synchronously on every shard: insert_distributed_sync) and derives the persons they
 * touch before it resolves, so an acknowledged event is in every report asked after it.
 */
export class ClickHouseEventLog implements EventLog {
  readonly exclusive = false
  /** `events` reads in sort-key order: an event stored later may sort before a cursor. */
  readonly readsInAppendOrder = false

  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    private readonly writeSettings: Settings,
    private readonly deriver: PersonDeriver,
    private readonly imports: ImportMark = { marked: false },
  ) {}

  async append(rows: readonly EventRow[], stored: readonly EventRow[] = []): Promise<void> {
    if (rows.length > 0) await this.conn.insert(this.t.name('events').text, rows.map(toColumns), this.writeSettings)
    // rows found stored are derived again too: whoever stored them may have stopped before deriving
    if (rows.length > 0 || stored.length > 0) await this.deriver.deriveTouched([...rows, ...stored])
  }

  /**
   * Inserts without deriving (a bulk load derives once, with rebuild(), at the end): the first
   * import marks the store not derived, so a collector that opens it meanwhile rebuilds it.
   */
  async import(rows: readonly EventRow[]): Promise<void> {
    if (rows.length === 0) return
    const columns = rows.map(toColumns)
    if (!this.imports.marked) {
      await writeMeta(this.conn, this.t, 'derived', '0')
      this.imports.marked = true
    }
    await this.conn.insert(this.t.name('events').text, columns, this.writeSettings)
  }

  /**
   * Pages in the key order (site, anonymous_id, id), each event once: of copies of an id (two
   * collectors stored one batch at once) the one the derivation uses, the first received. A page
   * is two queries: the key of its last row (reads only the key columns after the cursor; the
   * primary key skips what comes before), then its rows, a primary-key range. So every query is
   * short and bounded in memory, however long the whole read takes.
   */
  async events(site: string | null, cursor: LogCursor | null, onPage: (page: LogPage) => void | Promise<void>, options: { pageSize?: number } = {}): Promise<void> {
    const size = options.pageSize ?? DEFAULT_PAGE_SIZE
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`pageSize must be a positive integer, got ${size}`)
    let from = cursor === null ? null : parseCursor(cursor)
    if (from && site !== null && from[0] !== site) throw new StaleCursorError(`a cursor of a read of site "${from[0]}" cannot go on reading "${site}"`)
    const sites =
      site !== null ? [site] : (await this.conn.query<{ site: string }>(sql`SELECT DISTINCT site FROM ${this.t.name('events')} ORDER BY site`)).map((r) => r.site)
    const events = this.t.name('events')
    for (const s of sites) {
      if (from && s < from[0]) continue
      let last = from && from[0] === s ? from : null
      for (;;) {
        const start = last ? after(last[1], last[2]) : sql``
        const [end] = await this.conn.query<{ anonymous_id: string; id: string }>(
          sql`SELECT anonymous_id, id FROM ${events} WHERE site = ${s} ${start}
              ORDER BY anonymous_id, id LIMIT 1 BY anonymous_id, id LIMIT ${size - 1}, 1`,
        )
        const rows = await this.conn.query<Record<string, unknown>>(
          sql`SELECT ${COLUMNS} FROM ${events} WHERE site = ${s} ${start} ${end ? upTo(end.anonymous_id, end.id) : sql``}
              ORDER BY anonymous_id, id, received_at, t LIMIT 1 BY anonymous_id, id`,
        )
        if (rows.length === 0) break
        const tail = rows.at(-1)!
        last = [s, tail.anonymous_id as string, tail.id as string]
        await onPage({ rows: rows.map(eventRowOf), cursor: JSON.stringify({ clickhouse: last }) })
        if (!end) break
      }
      from = null
    }
  }

  /**
   * Looks the keys up in `event_ids`, sorted by (site, hour of ts, id): a key with its `ts` reads
   * only the granules of that hour (a retry carries the same ts), not the ids of the whole log.
   */
  async findStored(keys: readonly StoredKey[]): Promise<Set<EventKey>> {
    const found = new Set<EventKey>()
    const bySite = new Map<string, StoredKey[]>()
    for (const k of keys) (bySite.get(k.site) ?? bySite.set(k.site, []).get(k.site)!).push(k)
    for (const [site, all] of bySite) {
      const timed = all.filter((k) => k.ts !== undefined)
      const untimed = all.filter((k) => k.ts === undefined).map((k) => k.id)
      for (let i = 0; i < timed.length; i += IN_CHUNK) {
        const part = timed.slice(i, i + IN_CHUNK).map((k) => sql`(${Math.floor(k.ts! / ID_HOUR_MS)}, ${k.id})`)
        const rows = await this.conn.query<{ id: string }>(
          sql`SELECT DISTINCT id FROM ${this.t.name('event_ids')} WHERE site = ${site} AND (hour, id) IN (${join(part)})`,
          LONG_QUERY,
        )
        for (const r of rows) found.add(eventKey(site, r.id))
      }
      for (let i = 0; i < untimed.length; i += IN_CHUNK) {
        const part = untimed.slice(i, i + IN_CHUNK)
        const rows = await this.conn.query<{ id: string }>(sql`SELECT DISTINCT id FROM ${this.t.name('event_ids')} WHERE site = ${site} AND id IN (${list(part)})`, LONG_QUERY)
        for (const r of rows) found.add(eventKey(site, r.id))
      }
    }
    return found
  }

  async scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void> {
    await this.conn.stream<{ site: string; id: string; received_at: number }>(
      sql`SELECT site, id, received_at FROM ${this.t.name('event_ids')} WHERE received_at >= ${sinceMs} ORDER BY received_at`,
      (rows) => onPage(rows.map((r) => ({ key: eventKey(r.site, r.id), receivedAt: Number(r.received_at) }))),
    )
  }

  async count(site: string): Promise<number> {
    const [r] = await this.conn.query<{ n: number }>(sql`SELECT uniqExact(id) AS n FROM ${this.t.name('events')} WHERE site = ${site}`)
    return Number(r?.n ?? 0)
  }

  async ping(): Promise<void> {
    await this.conn.query(sql`SELECT 1 AS ok`)
  }
}
