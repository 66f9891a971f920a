import type { DuckDBConnection } from '@duckdb/node-api'

/*
 * The fast path's (incremental.ts) rows going into DuckDB: temporary staging tables the writes
 * read, and appends with DuckDB's row appender.
 *
 * List columns (kind `l`) are staged as JSON text and cast back by the SQL that reads them
 * (`listSql`): the appender's appendList builds a DuckDB value per list and per item, ~10× the cost
 * of appending the JSON (20k lists: 600–900 ms vs 100 ms, plus 45 ms for the cast).
 */

/** Staging tables the writes read (temporary, per connection): their columns and appender kinds. */
type Kind = 'v' | 'n' | 'i' | 'd' | 'b' | 'l'
const STAGING = {
  tw_jses: `sid n, pno n, first_rid n, end_t n, pageviews n, exit_page v, others n, last_pv n, first_cart n, first_checkout n, last_purchase n,
    tail d, goals l, pages l, last_id v, last_seq n, ckey_end v`,
  tw_cont: `sid n, pno n, end_t n, pageviews n, exit_page v, others n, last_pv n, first_cart n, first_checkout n, last_purchase n, tail d,
    engaged d, goals l, pages l, last_id v, last_seq n, ckey_end v`,
  tw_pm: 'rid n, pno n, sid n, seq n',
  tw_jp: 'pno n',
  tw_jo: 'site v, order_id v, id v, t n, revenue d, sid n, pno n, seq n',
  tw_nl: 'site v, anonymous_id v, old_user v, moved b, new_user v, link_t n, link_id v',
  tw_dirty: 'site v, person v',
  tw_nk: 'site v, name v',
} as const
export type Staging = keyof typeof STAGING
const SQL_TYPE: Record<Kind, string> = { v: 'VARCHAR', n: 'BIGINT', i: 'INTEGER', d: 'DOUBLE', b: 'BOOLEAN', l: 'VARCHAR' }
const columnsOf = (spec: string) => spec.split(',').map((c) => c.trim().split(/\s+/) as [string, Kind])
const kindsOf = (spec: string) => columnsOf(spec).map(([, k]) => k)
export const stagingDdl = (name: Staging) => `CREATE OR REPLACE TEMP TABLE ${name} (${columnsOf(STAGING[name]).map(([c, k]) => `${c} ${SQL_TYPE[k]}`).join(', ')})`
export const PERSON_KINDS = kindsOf('site v, person v, pno n, solo b, last_sid n, last_t n, last_id v, last_seq n, ckey_end v')

/** A staged list column (JSON text) as the VARCHAR[] it stands for. */
export const listSql = (column: string) => `CAST(${column}::JSON AS VARCHAR[])`

/** Appends `rows` (values in column order, null for NULL; values past the table's columns are left out) to a table with DuckDB's appender. */
export async function append(conn: DuckDBConnection, table: string, catalog: 'temp' | null, kinds: readonly Kind[], rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return
  const a = await conn.createAppender(table, null, catalog)
  try {
    for (const r of rows) {
      for (let i = 0; i < kinds.length; i++) {
        const v = r[i]
        if (v === null || v === undefined) a.appendNull()
        else if (kinds[i] === 'v') a.appendVarchar(v as string)
        else if (kinds[i] === 'n') a.appendBigInt(BigInt(v as number))
        else if (kinds[i] === 'd') a.appendDouble(v as number)
        else if (kinds[i] === 'i') a.appendInteger(v as number)
        else if (kinds[i] === 'b') a.appendBoolean(v as boolean)
        else a.appendVarchar(JSON.stringify(v))
      }
      a.endRow()
    }
  } finally {
    a.closeSync()
  }
}

export const stage = async (conn: DuckDBConnection, name: Staging, rows: readonly (readonly unknown[])[]) => append(conn, name, 'temp', kindsOf(STAGING[name]), rows)

/** `tw_dirty` (site, person), as the slow path (materialize.ts, sessions-sql.ts) reads it. */
export async function stageDirty(conn: DuckDBConnection, persons: Iterable<{ site: string; person: string }>): Promise<void> {
  await conn.run(stagingDdl('tw_dirty'))
  await stage(conn, 'tw_dirty', [...persons].map((d) => [d.site, d.person]))
}

