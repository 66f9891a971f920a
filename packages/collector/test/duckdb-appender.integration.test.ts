import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { EVENT_COLUMNS } from '../src/store/event-columns.js'
import type { EventRow } from '../src/store/event-log.js'
import { tempDir } from './fixtures/helpers.js'
import { prng, row } from './fixtures/rows.js'

/** Every row the log holds, in append order. */
async function readAll(store: DuckDBStore): Promise<EventRow[]> {
  const out: EventRow[] = []
  await store.log.events(null, null, ({ rows }) => void out.push(...rows))
  return out
}

/** A value of `kind` for row `i`, or null about a third of the time where the column allows it. */
function valueOf(kind: string, notNull: boolean | undefined, r: () => number, i: number): unknown {
  if (!notNull && r() < 0.35) return null
  switch (kind) {
    case 'varchar':
      // inline in DuckDB's slots up to 12 ASCII bytes; 12 and 13 characters, and non-ASCII, either side
      return ['', 'plain', 'ünïcödé 😀', 'ü'.repeat(6), 'a\u0000b', 'twelve-chars', 'thirteen-char', 'x'.repeat(300), `${'y'.repeat(20)}\u0000z`, `v-${i}`][Math.floor(r() * 10)]
    case 'bigint':
      return [0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1_767_225_600_000 + i][Math.floor(r() * 5)]
    case 'double':
      return [0, -0.5, 1e-300, 12.34, Number.MAX_VALUE, i / 7][Math.floor(r() * 6)]
    case 'integer':
      return [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)][Math.floor(r() * 5)]
    default:
      return r() < 0.5
  }
}

/** Rows in which every column is null in some rows and set in others, with edge values of each type. */
function mixedRows(n: number, seed: number): EventRow[] {
  const r = prng(seed)
  return Array.from({ length: n }, (_, i) => {
    const out: Record<string, unknown> = { ...row() }
    for (const [, field, kind, notNull] of EVENT_COLUMNS) out[field] = valueOf(kind, notNull, r, i)
    out.site = 's'
    out.id = `id-${seed}-${i}`
    return out as unknown as EventRow
  })
}

describe('DuckDB appends (column-filled data chunks)', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let store: DuckDBStore
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
    store = new DuckDBStore(join(dir, 'a.duckdb'), { backgroundRefresh: false })
    await store.init()
  })
  afterEach(async () => {
    await store.close()
    await cleanup()
  })

  it('stores every value and every null as given, across chunk boundaries', async () => {
    // 5,000 rows span three 2,048-row chunks; 1 and 2,049 rows end exactly past a boundary
    const batches = [mixedRows(5000, 1), mixedRows(1, 2), mixedRows(2049, 3)]
    for (const b of batches) await store.log.append(b)
    const back = await readAll(store)
    expect(back).toHaveLength(7050)
    // -0 is stored as a double and reads back as 0 (JS `toEqual` tells them apart)
    const norm = (rows: EventRow[]) => rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v])))
    expect(norm(back)).toEqual(norm(batches.flat()))
    // short strings are compared by their whole inline slot (padding included): equality and
    // grouping in SQL must agree with the values
    const db = (store as unknown as { db: { query: (sql: string) => Promise<Record<string, unknown>[]> } }).db
    for (const [column, field, kind] of EVENT_COLUMNS) {
      if (kind !== 'varchar' || column === 'id') continue
      const counts = new Map<string, number>()
      for (const x of back) if (x[field] !== null) counts.set(x[field] as string, (counts.get(x[field] as string) ?? 0) + 1)
      const got = await db.query(`SELECT ${column} AS v, count(*)::INTEGER AS n, count(*) FILTER (WHERE ${column} IN ('', 'plain', 'twelve-chars'))::INTEGER AS eq FROM events WHERE ${column} IS NOT NULL GROUP BY 1`)
      expect(new Map(got.map((g) => [g.v as string, g.n as number])), column).toEqual(counts)
      for (const g of got) expect(g.eq, `${column} = ${String(g.v)}`).toBe(['', 'plain', 'twelve-chars'].includes(g.v as string) ? g.n : 0)
    }
    // each column held nulls and values (the data would not test the validity masks otherwise)
    for (const [, field, , notNull] of EVENT_COLUMNS) {
      const nulls = back.filter((x) => x[field] === null).length
      if (notNull) expect(nulls).toBe(0)
      else expect(nulls, field).toBeGreaterThan(0)
      expect(nulls, field).toBeLessThan(back.length)
    }
  })

  it('refuses a value of the wrong type (TypeError) or out of its column\'s range (RangeError), stores nothing of that append, and takes the next', async () => {
    await store.log.append(mixedRows(10, 4))
    const bads: Partial<EventRow>[] = [{ revenue: '12' as unknown as number }, { score: 1.5 }, { score: 2 ** 31 }, { isBot: 1 as unknown as boolean }, { path: 7 as unknown as string }, { t: 1.5 }, { t: 2 ** 63 }, { receivedAt: -(2 ** 64) }]
    for (const bad of bads) {
      const rows = mixedRows(3000, 5)
      Object.assign(rows[2500]!, bad)
      await expect(store.log.append(rows), JSON.stringify(bad)).rejects.toThrow(bad.revenue || bad.isBot !== undefined || bad.path ? TypeError : RangeError)
    }
    expect(await readAll(store)).toHaveLength(10)
    // the log takes the next append as before
    await store.log.append(mixedRows(3000, 6))
    expect(await readAll(store)).toHaveLength(3010)
  })
})
