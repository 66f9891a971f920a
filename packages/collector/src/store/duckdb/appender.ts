import { DuckDBDataChunk, type DuckDBAppender } from '@duckdb/node-api'
import duckdb from '@duckdb/node-bindings'
import type { EventRow } from '../event-log.js'
import { EVENT_COLUMNS, type Kind } from '../event-columns.js'

/*
 * Appends event rows as DuckDB data chunks filled column by column (BENCHMARKS.md, "Target 4"):
 * numbers, booleans and strings of up to 12 ASCII bytes are written into buffers and copied into
 * each vector in one call, nulls into its validity mask in one call, and only the longer strings
 * cross into DuckDB one by one. DuckDB's row appender instead takes one native call per value, null or not (39 per
 * row), and node-api's DataChunk helpers convert every value to a DuckDBValue first; measured
 * side by side both are slower (bench/append-paths.mjs).
 */

/** Rows per chunk: DuckDB's vector size (2048). */
const CHUNK_ROWS = duckdb.vector_size()

const TYPE_ID: Record<Kind, duckdb.Type> = {
  varchar: duckdb.Type.VARCHAR,
  bigint: duckdb.Type.BIGINT,
  double: duckdb.Type.DOUBLE,
  integer: duckdb.Type.INTEGER,
  boolean: duckdb.Type.BOOLEAN,
}

type NumberKind = Exclude<Kind, 'varchar'>

/** 2^63: BIGINT holds [-2^63, 2^63). */
const INT64_LIMIT = 2 ** 63

/** A scratch buffer per fixed-width kind, reused by every chunk (appends are synchronous). */
const scratch = {
  bigint: new BigInt64Array(CHUNK_ROWS),
  double: new Float64Array(CHUNK_ROWS),
  integer: new Int32Array(CHUNK_ROWS),
  boolean: new Uint8Array(CHUNK_ROWS),
} satisfies Record<NumberKind, BigInt64Array | Float64Array | Int32Array | Uint8Array>

/** One bit per row, as DuckDB keeps it (64-bit words, little-endian: bit i of byte i >> 3). */
const validity = new Uint8Array(CHUNK_ROWS / 8)

/*
 * A VARCHAR vector's slots, as DuckDB's C API lays out `duckdb_string_t` (16 bytes each): a
 * little-endian uint32 length, then a string of at most 12 bytes inline, zero-padded (longer
 * strings keep a prefix and a pointer into the vector's own heap, which only DuckDB can fill).
 */
const SLOT = 16
const INLINE_MAX = 12
const slots = new Uint8Array(CHUNK_ROWS * SLOT)
/** Rows of the column being filled whose strings are assigned one by one. */
const longRows = new Int32Array(CHUNK_ROWS)

/** Writes `v` inline at `at` if it is at most 12 ASCII characters; false (slot left unused) otherwise. */
function writeInline(at: number, v: string): boolean {
  const len = v.length
  if (len > INLINE_MAX) return false
  for (let k = 0; k < len; k++) {
    const code = v.charCodeAt(k)
    if (code > 0x7f) return false
    slots[at + 4 + k] = code
  }
  slots[at] = len // lengths ≤ 12: the other three length bytes stay 0
  return true
}

let types: duckdb.LogicalType[] | null = null

function typeError(field: string, kind: Kind, v: unknown): TypeError {
  return new TypeError(`event column ${field} takes a ${kind}, got ${typeof v}`)
}

/** Fills column `c` of `chunk` with `rows[from, from + n)`. */
function fillColumn(chunk: duckdb.DataChunk, c: number, rows: readonly EventRow[], from: number, n: number): void {
  const [, field, kind] = EVENT_COLUMNS[c]!
  const vector = duckdb.data_chunk_get_vector(chunk, c)
  validity.fill(0xff)
  let nulls = 0
  if (kind === 'varchar') {
    // Short ASCII strings are written inline into the slots and copied in one call; the others
    // (longer than 12 bytes, or not ASCII) are assigned one by one after that copy.
    slots.fill(0, 0, n * SLOT)
    let long = 0
    for (let i = 0; i < n; i++) {
      const v = rows[from + i]![field]
      if (v === null || v === undefined) {
        validity[i >> 3]! &= ~(1 << (i & 7))
        nulls++
      } else if (typeof v !== 'string') throw typeError(field, kind, v)
      else if (!writeInline(i * SLOT, v)) longRows[long++] = i
    }
    if (long < n - nulls) duckdb.copy_data_to_vector(vector, 0, slots.buffer, 0, n * SLOT)
    for (let j = 0; j < long; j++) {
      const i = longRows[j]!
      duckdb.vector_assign_string_element(vector, i, rows[from + i]![field] as string)
    }
  } else {
    const out = scratch[kind]
    for (let i = 0; i < n; i++) {
      const v = rows[from + i]![field]
      if (v === null || v === undefined) {
        validity[i >> 3]! &= ~(1 << (i & 7))
        nulls++
        out[i] = kind === 'bigint' ? 0n : 0
      } else if (kind === 'boolean') {
        if (typeof v !== 'boolean') throw typeError(field, kind, v)
        out[i] = v ? 1 : 0
      } else {
        if (typeof v !== 'number') throw typeError(field, kind, v)
        // BigInt() throws on a fraction; the typed arrays would wrap an out-of-range integer silently
        if (kind === 'integer' && (v | 0) !== v) throw new RangeError(`event column ${field} takes a 32-bit integer, got ${v}`)
        if (kind === 'bigint' && !(v >= -INT64_LIMIT && v < INT64_LIMIT)) throw new RangeError(`event column ${field} takes a 64-bit integer, got ${v}`)
        out[i] = kind === 'bigint' ? BigInt(v) : v
      }
    }
    duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, n * out.BYTES_PER_ELEMENT)
  }
  if (nulls > 0) {
    duckdb.vector_ensure_validity_writable(vector)
    duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(n / 64) * 8)
  }
}

/** Appends `rows` to the appender's table (the events table's columns, in EVENT_COLUMNS order). */
export function appendRows(appender: DuckDBAppender, rows: readonly EventRow[]): void {
  types ??= EVENT_COLUMNS.map(([, , kind]) => duckdb.create_logical_type(TYPE_ID[kind]))
  for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - from)
    const chunk = duckdb.create_data_chunk(types)
    duckdb.data_chunk_set_size(chunk, n)
    for (let c = 0; c < EVENT_COLUMNS.length; c++) fillColumn(chunk, c, rows, from, n)
    appender.appendDataChunk(new DuckDBDataChunk(chunk))
  }
}
