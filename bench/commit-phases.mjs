#!/usr/bin/env node
// Where DuckDBStore.log.append spends its time, by group size: BEGIN, createAppender,
// the row appends (JS → N-API, on the main thread), appender.closeSync() (main thread),
// COMMIT (async, WAL write + fsync). Times the real store by wrapping its write connection.
// Usage: node bench/commit-phases.mjs [sizes, default 100,400,800,1600,5000] [SQL run first, e.g.
//        "SET checkpoint_threshold='1GB'"] — to try DuckDB settings before proposing them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { batchSource } from './events.mjs'
import { rowsOfBody } from './rows.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { DuckDBStore } = await import(join(ROOT, 'packages/collector/dist/index.js'))
const sizes = (process.argv[2] ?? '100,400,800,1600,5000').split(',').map(Number)

const dir = mkdtempSync(join(tmpdir(), 'trackway-phases-'))
try {
  const store = new DuckDBStore(join(dir, 'phases.duckdb'), { backgroundRefresh: false })
  await store.init()
  const conn = store.db.write // private in TypeScript, reachable at run time
  if (!conn) throw new Error('DuckDBStore has no writeConn: update bench/commit-phases.mjs')
  if (process.argv[3]) {
    await conn.run(process.argv[3])
    console.log(`ran: ${process.argv[3]}`)
  }
  const ph = {}
  const time = async (k, f) => {
    const t = performance.now()
    try {
      return await f()
    } finally {
      ph[k] = (ph[k] ?? 0) + performance.now() - t
    }
  }
  const run = conn.run.bind(conn)
  conn.run = (sql, ...rest) => time(/^\s*BEGIN/i.test(sql) ? 'begin' : /^\s*COMMIT/i.test(sql) ? 'commit' : 'other', () => run(sql, ...rest))
  const createAppender = conn.createAppender.bind(conn)
  conn.createAppender = async (...args) => {
    const a = await time('createAppender', () => createAppender(...args))
    const closeSync = a.closeSync.bind(a)
    a.closeSync = () => {
      const t = performance.now()
      closeSync()
      ph.closeSync = (ph.closeSync ?? 0) + performance.now() - t
    }
    return a
  }

  const next = batchSource({ seed: 7 })
  const take = (n) => {
    const out = []
    while (out.length < n) for (const r of rowsOfBody(next(), Date.now())) out.push(r)
    return out.slice(0, n)
  }
  console.log('rows/commit   rows/s    ms per log.append: BEGIN  createAppender  appends  closeSync  COMMIT  total')
  for (const n of sizes) {
    const reps = Math.max(5, Math.round(50_000 / n))
    for (const k of Object.keys(ph)) delete ph[k]
    let total = 0
    for (let r = 0; r < reps; r++) {
      const rows = take(n)
      const t = performance.now()
      await store.log.append(rows)
      total += performance.now() - t
    }
    const appends = total - (ph.begin ?? 0) - (ph.createAppender ?? 0) - (ph.closeSync ?? 0) - (ph.commit ?? 0) - (ph.other ?? 0)
    const per = (v) => ((v ?? 0) / reps).toFixed(2).padStart(7)
    console.log(
      `${String(n).padStart(11)}  ${Math.round((n * reps) / (total / 1000)).toLocaleString('en-US').padStart(8)}   ` +
        `${' '.repeat(20)}${per(ph.begin)}  ${per(ph.createAppender).padStart(14)}  ${per(appends)}  ${per(ph.closeSync).padStart(9)}  ${per(ph.commit)}  ${per(total)}`,
    )
  }
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
