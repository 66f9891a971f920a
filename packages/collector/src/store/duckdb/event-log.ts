import { listValue } from '@duckdb/node-api'
import { StaleCursorError } from '../../errors.js'
import { EVENT_COLUMNS, eventRowsOfColumns } from '../event-columns.js'
import { DEFAULT_PAGE_SIZE, eventKey, type EventKey, type EventLog, type EventRow, type LogCursor, type LogPage, type StoredKey } from '../event-log.js'
import { appendRows } from './appender.js'
import type { DuckDBHandle } from './handle.js'

const COLUMNS = EVENT_COLUMNS.map(([c]) => c).join(', ')

/** A DuckDB cursor: the rowid of a page's last row, with its site and id to check it still names that row. */
interface Cursor {
  duckdb: number
  site: string
  id: string
}

function parseCursor(text: LogCursor): Cursor {
  let c: Partial<Cursor> | null = null
  try {
    c = JSON.parse(text) as Partial<Cursor>
  } catch {
    // not ours: below
  }
  if (!c || !Number.isSafeInteger(c.duckdb) || typeof c.site !== 'string' || typeof c.id !== 'string') {
    throw new StaleCursorError(`not a cursor of a DuckDB log: ${text.slice(0, 80)}`)
  }
  return c as Cursor
}

/**
 * The event log in one DuckDB file. This process is its only writer (`exclusive`), so the
 * ingest dedup filter knows every stored key. `onAppend` tells the derivation after each commit.
 */
export class DuckDBEventLog implements EventLog {
  readonly exclusive = true
  /** The table is append-only and read in rowid order: rows appended later come after every cursor. */
  readonly readsInAppendOrder = true

  constructor(
    private readonly db: DuckDBHandle,
    private readonly onAppend: (events: number) => void,
  ) {}

  /** Appends rows in one transaction with DuckDB's appender: all or none are stored when it settles. */
  async append(rows: readonly EventRow[]): Promise<void> {
    if (rows.length === 0) return
    const conn = this.db.write
    await this.db.transaction(conn, async () => {
      const appender = await conn.createAppender('events')
      try {
        appendRows(appender, rows)
      } finally {
        appender.closeSync()
      }
    })
    this.onAppend(rows.length)
  }

  /** The embedded store derives lazily (before the next report, or in the background): an import is an append. */
  import(rows: readonly EventRow[]): Promise<void> {
    return this.append(rows)
  }

  /**
   * Pages in rowid order (the order of appending). Rowids are stable — events are never deleted or
   * updated — and a rowid range is pushed into the scan, so each query reads a bounded range of
   * rows (`ORDER BY rowid LIMIT n` instead scans every row after the cursor: 1M events took minutes
   * that way). The range spans more rowids when the site is a small part of the log. A read covers
   * the rows stored when it starts; later ones come after its last cursor.
   */
  async events(site: string | null, after: LogCursor | null, onPage: (page: LogPage) => void | Promise<void>, options: { pageSize?: number } = {}): Promise<void> {
    const size = options.pageSize ?? DEFAULT_PAGE_SIZE
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`pageSize must be a positive integer, got ${size}`)
    const conn = await this.db.instance.connect()
    try {
      let scanned = -1
      if (after !== null) {
        const c = parseCursor(after)
        const at = (await conn.runAndReadAll('SELECT site, id FROM events WHERE rowid = $r', { r: BigInt(c.duckdb) })).getRowObjectsJS()[0]
        if (!at || at.site !== c.site || at.id !== c.id) throw new StaleCursorError(`this log holds no event ${c.site}/${c.id} at row ${c.duckdb}`)
        if (site !== null && c.site !== site) throw new StaleCursorError(`a cursor of a read of site "${c.site}" cannot go on reading "${site}"`)
        scanned = c.duckdb
      }
      const top = Number((await conn.runAndReadAll('SELECT coalesce(max(rowid), -1) FROM events')).getRowsJS()[0]![0])
      const rows: EventRow[] = []
      const rowids: number[] = []
      const emit = async (n: number) => {
        const page = rows.splice(0, n)
        const last = rowids.splice(0, n).at(-1)!
        await onPage({ rows: page, cursor: JSON.stringify({ duckdb: last, site: page[n - 1]!.site, id: page[n - 1]!.id }) })
      }
      let read = 0
      let matched = 0
      while (scanned < top) {
        // rowids per query: a page's worth of the site's rows, as dense as they were so far (at most 16 pages' span)
        const span = Math.min(16 * size, Math.ceil((size * (read + 1)) / (matched + 1)))
        const to = Math.min(scanned + span, top)
        const reader = await conn.runAndReadAll(
          `SELECT rowid, ${COLUMNS} FROM events WHERE rowid > $from AND rowid <= $to${site === null ? '' : ' AND site = $site'} ORDER BY rowid`,
          { from: BigInt(scanned), to: BigInt(to), ...(site === null ? {} : { site }) },
        )
        read += to - scanned
        scanned = to
        const n = reader.currentRowCount
        matched += n
        if (n > 0) {
          // by column: 1.6× faster than getRowObjectsJS for these 40 columns (measured, 100k rows)
          const [ids, ...columns] = reader.getColumnsJS() as [bigint[], ...unknown[][]]
          rows.push(...eventRowsOfColumns(columns, n))
          for (const r of ids) rowids.push(Number(r))
        }
        while (rows.length >= size) await emit(size)
      }
      if (rows.length > 0) await emit(rows.length)
    } finally {
      conn.closeSync()
    }
  }

  async findStored(keys: readonly StoredKey[]): Promise<Set<EventKey>> {
    const found = new Set<EventKey>()
    const bySite = new Map<string, string[]>()
    for (const k of keys) (bySite.get(k.site) ?? bySite.set(k.site, []).get(k.site)!).push(k.id)
    const conn = await this.db.instance.connect()
    try {
      for (const [site, ids] of bySite) {
        // a semi join on the unnested list (hashed): list_contains(ids, id) compares every row with
        // every id — 10.4 s for 10,000 ids against 1M events, vs 0.12 s (measured)
        const reader = await conn.runAndReadAll('SELECT id FROM events WHERE site = $site AND id IN (SELECT unnest($ids))', { site, ids: listValue(ids) })
        for (const [id] of reader.getRowsJS()) found.add(eventKey(site, id as string))
      }
    } finally {
      conn.closeSync()
    }
    return found
  }

  async scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void> {
    const conn = await this.db.instance.connect()
    try {
      const result = await conn.stream('SELECT site, id, received_at FROM events WHERE received_at >= $since', { since: BigInt(sinceMs) })
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [sites, ids, times] = chunk.getColumns() as [string[], string[], bigint[]]
        onPage(ids.map((id, i) => ({ key: eventKey(sites[i]!, id), receivedAt: Number(times[i]) })))
      }
    } finally {
      conn.closeSync()
    }
  }

  async count(site: string): Promise<number> {
    return Number((await this.db.query('SELECT count(*) AS n FROM events WHERE site = $site', { site }))[0]?.n ?? 0)
  }

  async ping(): Promise<void> {
    this.db.assertSound()
    await this.db.query('SELECT 1')
  }
}
