import type { ClickHouseConnection } from './connection.js'
import type { Tables } from './schema.js'
import { sql } from './sql.js'

let last = 0

/** The store's own state: `schema` (SCHEMA_VERSION of its tables) and `derived` (DERIVED_VERSION of its person rows, '0' while imported events wait for a rebuild). */
export interface Meta {
  schema: string | null
  derived: string | null
}

export async function readMeta(conn: ClickHouseConnection, t: Tables): Promise<Meta> {
  const [meta] = await conn.query<Meta>(
    sql`SELECT argMaxIf(value, version, key = 'schema') AS schema, argMaxIf(value, version, key = 'derived') AS derived FROM ${t.name('meta')}`,
  )
  return { schema: meta?.schema || null, derived: meta?.derived || null }
}

/** Writes a key of `meta`; the latest version wins. Versions: ms of the wall clock, strictly increasing within this process. */
export async function writeMeta(conn: ClickHouseConnection, t: Tables, key: keyof Meta, value: string): Promise<void> {
  last = Math.max(last + 1, Date.now())
  await conn.insert(t.name('meta').text, [{ key, value, version: last }], t.cluster ? { insert_distributed_sync: 1 } : {})
}

/**
 * Whether this process imported events (EventLog.import) that no rebuild has derived since: the
 * first import marks the store `derived = '0'` (a collector opening it then rebuilds), the next
 * rebuild marks it current again.
 */
export interface ImportMark {
  marked: boolean
}
