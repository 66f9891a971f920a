import { listValue } from '@duckdb/node-api'
import { eventKey, type EventKey, type EventLog, type EventRow } from '../event-log.js'
import { appendRows } from './appender.js'
import type { DuckDBHandle } from './handle.js'

/**
 * The event log in one DuckDB file. This process is its only writer (`exclusive`), so the
 * ingest dedup filter knows every stored key. `onAppend` tells the derivation after each commit.
 */
export class DuckDBEventLog implements EventLog {
  readonly exclusive = true

  constructor(
    private readonly db: DuckDBHandle,
    private readonly onAppend: () => void,
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
    this.onAppend()
  }

  async findStored(keys: readonly { site: string; id: string }[]): Promise<Set<EventKey>> {
    const found = new Set<EventKey>()
    const bySite = new Map<string, string[]>()
    for (const k of keys) (bySite.get(k.site) ?? bySite.set(k.site, []).get(k.site)!).push(k.id)
    const conn = await this.db.instance.connect()
    try {
      for (const [site, ids] of bySite) {
        const reader = await conn.runAndReadAll('SELECT id FROM events WHERE site = $site AND list_contains($ids, id)', { site, ids: listValue(ids) })
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
    await this.db.query('SELECT 1')
  }
}
