import { EVENT_COLUMNS } from '../event-columns.js'
import { eventKey, type EventKey, type EventLog, type EventRow } from '../event-log.js'
import type { ClickHouseConnection, Settings } from './connection.js'
import type { PersonDeriver } from './derive/deriver.js'
import type { Tables } from './schema.js'
import { list, sql } from './sql.js'

const IN_CHUNK = 2000

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

  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    private readonly writeSettings: Settings,
    private readonly deriver: PersonDeriver,
  ) {}

  async append(rows: readonly EventRow[], stored: readonly EventRow[] = []): Promise<void> {
    if (rows.length > 0) await this.conn.insert(this.t.name('events').text, rows.map(toColumns), this.writeSettings)
    // rows found stored are derived again too: whoever stored them may have stopped before deriving
    if (rows.length > 0 || stored.length > 0) await this.deriver.deriveTouched([...rows, ...stored])
  }

  async findStored(keys: readonly { site: string; id: string }[]): Promise<Set<EventKey>> {
    const found = new Set<EventKey>()
    const bySite = new Map<string, string[]>()
    for (const k of keys) (bySite.get(k.site) ?? bySite.set(k.site, []).get(k.site)!).push(k.id)
    for (const [site, ids] of bySite) {
      for (let i = 0; i < ids.length; i += IN_CHUNK) {
        const part = ids.slice(i, i + IN_CHUNK)
        const rows = await this.conn.query<{ id: string }>(sql`SELECT DISTINCT id FROM ${this.t.name('event_ids')} WHERE site = ${site} AND id IN (${list(part)})`)
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
