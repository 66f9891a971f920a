#!/usr/bin/env node
// Ways to append the same enriched event rows to DuckDB, side by side (BENCHMARKS.md, Target 4):
//
//   store       DuckDBStore.log.append — what the collector ships (data chunks filled column by
//               column from typed arrays; one native call per non-null string)
//   row         DuckDB's row appender: one native call per value, null or not, and per row
//               (what the collector shipped before 2026-12-04)
//   node-chunk  node-api's DuckDBDataChunk.setColumns: every value converted to a DuckDBValue
//
// Each path appends the same rows to a fresh file in transactions of --rows-per-call rows (800:
// the collector's group-commit size in `npm run bench`), in an order that alternates by round.
// Per path: rows/s, main-thread busy ms per 1k rows (event-loop utilisation: what the ingest
// thread cannot spend on HTTP), and process CPU ms per 1k rows (DuckDB's threads included). The
// tables each path wrote are fingerprinted and must be identical.
//
//   node bench/append-paths.mjs [--rows-per-call 800] [--calls 150] [--rounds 3] [--compare DIR]
//
// --compare DIR also measures another build's DuckDBStore (DIR/packages/collector/dist) as store′.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DuckDBDataChunk, DuckDBInstance, BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api'
import { generateBodies, EVENTS_PER_BATCH } from './events.mjs'
import { rowsOfBody } from './rows.mjs'
import { median } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opt } = parseArgs({ options: { 'rows-per-call': { type: 'string', default: '800' }, calls: { type: 'string', default: '150' }, rounds: { type: 'string', default: '3' }, compare: { type: 'string' } } })
const perCall = Number(opt['rows-per-call'])
const calls = Number(opt.calls)
const rounds = Number(opt.rounds)
for (const [k, v] of Object.entries({ perCall, calls, rounds })) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`append-paths: ${k} must be a positive integer, got ${v}`)
    process.exit(2)
  }
}
const { DuckDBStore } = await import(join(ROOT, 'packages/collector/dist/index.js'))
const Other = opt.compare ? (await import(join(opt.compare, 'packages/collector/dist/index.js'))).DuckDBStore : null

const camel = (c) => c.replace(/_([a-z])/g, (_, x) => x.toUpperCase())
const DUCK_TYPE = { VARCHAR, BIGINT, DOUBLE, INTEGER, BOOLEAN }

// the same rows for every path, as the collector's enrich() makes them
const receivedAt = Date.now()
const bodies = generateBodies(Math.ceil((perCall * calls) / EVENTS_PER_BATCH))
const all = bodies.flatMap((b) => rowsOfBody(b, receivedAt)).slice(0, perCall * calls)
const groups = Array.from({ length: calls }, (_, i) => all.slice(i * perCall, (i + 1) * perCall))

const tmp = mkdtempSync(join(tmpdir(), 'trackway-append-'))

/** A fresh store file with the collector's schema; its columns in table order. */
async function freshFile(tag) {
  const file = join(tmp, `${tag}.duckdb`)
  const store = new DuckDBStore(file, { backgroundRefresh: false })
  await store.init()
  await store.close()
  return file
}

async function columnsOf(conn) {
  const rows = (await conn.runAndReadAll(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position`)).getRowsJS()
  return rows.map(([c, type]) => ({ column: c, field: camel(c), type }))
}

const ROW_APPEND = {
  VARCHAR: (a, v) => a.appendVarchar(v),
  BIGINT: (a, v) => a.appendBigInt(BigInt(v)),
  DOUBLE: (a, v) => a.appendDouble(v),
  INTEGER: (a, v) => a.appendInteger(v),
  BOOLEAN: (a, v) => a.appendBoolean(v),
}

/** Opens the file with node-api directly; `write(conn, cols, rows)` appends one group in a transaction. */
function manual(write) {
  return async (file) => {
    const db = await DuckDBInstance.create(file)
    const conn = await db.connect()
    const cols = await columnsOf(conn)
    return {
      append: async (rows) => {
        await conn.run('BEGIN TRANSACTION')
        const appender = await conn.createAppender('events')
        write(appender, cols, rows)
        appender.closeSync()
        await conn.run('COMMIT')
      },
      close: async () => {
        conn.closeSync()
        db.closeSync()
      },
    }
  }
}

const PATHS = {
  store: async (file) => {
    const store = new DuckDBStore(file, { backgroundRefresh: false })
    await store.init()
    return { append: (rows) => store.log.append(rows), close: () => store.close() }
  },
  ...(Other
    ? {
        'store′': async (file) => {
          const store = new Other(file, { backgroundRefresh: false })
          await store.init()
          return { append: (rows) => store.log.append(rows), close: () => store.close() }
        },
      }
    : {}),
  row: manual((appender, cols, rows) => {
    const writers = cols.map(({ field, type }) => [field, ROW_APPEND[type]])
    for (const r of rows) {
      for (const [field, w] of writers) {
        const v = r[field]
        if (v === null || v === undefined) appender.appendNull()
        else w(appender, v)
      }
      appender.endRow()
    }
  }),
  'node-chunk': manual((appender, cols, rows) => {
    for (let from = 0; from < rows.length; from += 2048) {
      const part = rows.slice(from, from + 2048)
      const chunk = DuckDBDataChunk.create(cols.map(({ type }) => DUCK_TYPE[type]), part.length)
      chunk.setColumns(cols.map(({ field, type }) => part.map((r) => (r[field] == null ? null : type === 'BIGINT' ? BigInt(r[field]) : r[field]))))
      appender.appendDataChunk(chunk)
    }
  }),
}

async function fingerprint(file) {
  const db = await DuckDBInstance.create(file)
  const conn = await db.connect()
  const cols = (await columnsOf(conn)).map((c) => c.column).join(', ')
  const [[n, h]] = (await conn.runAndReadAll(`SELECT count(*), bit_xor(hash(${cols})) FROM events`)).getRowsJS()
  conn.closeSync()
  db.closeSync()
  return `${n}:${h}`
}

const results = Object.fromEntries(Object.keys(PATHS).map((p) => [p, []]))
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
console.log(`append paths: ${fmt(all.length)} rows in ${calls} transactions of ${perCall} rows, ${rounds} rounds, order alternating`)
let reference = null
for (let round = 0; round < rounds; round++) {
  const order = Object.keys(PATHS)
  if (round % 2) order.reverse()
  for (const name of order) {
    const file = await freshFile(`${name}-${round}`)
    const target = await PATHS[name](file)
    global.gc?.()
    const elu0 = performance.eventLoopUtilization()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (const rows of groups) await target.append(rows)
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const elu = performance.eventLoopUtilization(elu0)
    await target.close()
    const fp = await fingerprint(file)
    reference ??= fp
    if (fp !== reference) {
      console.error(`append-paths: ${name} wrote different rows (${fp} vs ${reference})`)
      process.exit(1)
    }
    const k = all.length / 1000
    const r = { rowsPerSec: all.length / (ms / 1000), mainMsPer1k: (elu.active) / k, cpuMsPer1k: (cpu.user + cpu.system) / 1000 / k }
    results[name].push(r)
    console.log(`  round ${round + 1} ${name.padEnd(10)} ${fmt(r.rowsPerSec).padStart(8)} rows/s  main thread ${fmt(r.mainMsPer1k, 1)} ms/1k  CPU ${fmt(r.cpuMsPer1k, 1)} ms/1k`)
    rmSync(file, { force: true })
    rmSync(`${file}.wal`, { force: true })
  }
}
rmSync(tmp, { recursive: true, force: true })

const med = (name, key) => median(results[name].map((r) => r[key]))
console.log(`\nmedian of ${rounds} rounds (every path wrote the same table: ${reference})`)
console.log('| path | rows/s | main thread ms / 1k rows | CPU ms / 1k rows | rows/s vs store |')
console.log('|---|---:|---:|---:|---:|')
for (const name of Object.keys(PATHS)) {
  console.log(`| ${name} | ${fmt(med(name, 'rowsPerSec'))} | ${fmt(med(name, 'mainMsPer1k'), 1)} | ${fmt(med(name, 'cpuMsPer1k'), 1)} | ${fmt(med(name, 'rowsPerSec') / med('store', 'rowsPerSec'), 2)} |`)
}
