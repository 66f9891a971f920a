#!/usr/bin/env node
// The copy benchmark of Trackway: how fast `trackway copy` moves a DuckDB store into ClickHouse.
//
//   node bench/copy.mjs                     # 1M events (source cached in .bench-cache/)
//   node bench/copy.mjs --events 100000
//   node bench/copy.mjs --to clickhouse://user:pass@host:8123/db   # a server of your own
//
// 1. A DuckDB store of N synthetic events of one site (bench/reports-data.mjs, the report
//    benchmark's generator) with its site row is built once into .bench-cache/copy-<N>.duckdb.
// 2. Without --to, one ClickHouse server (examples/clickhouse-cluster/start.sh, SHARDS=1, loopback
//    only, data in a temp folder) is started for the run and stopped after it.
// 3. The built CLI runs `trackway copy --from duckdb:… --to <fresh database>` and is timed; its
//    summary line gives the copy's own time and the derivation's. Then it runs once more (a
//    rerun: nothing to copy) and is timed again.
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { ORIGIN, SITE, eventChunks } from './reports-data.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'packages/collector/bin/trackway.js')
const run = promisify(execFile)

const { values: opt } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, to: { type: 'string' }, batch: { type: 'string' } } })
const events = Number(opt.events)

async function source() {
  const path = join(ROOT, '.bench-cache', `copy-${events}.duckdb`)
  if (existsSync(path)) return path
  mkdirSync(join(ROOT, '.bench-cache'), { recursive: true })
  const { DuckDBStore } = await import(pathToFileURL(join(ROOT, 'packages/collector/dist/index.js')).href)
  const tmp = `${path}.tmp`
  rmSync(tmp, { force: true })
  const store = new DuckDBStore(tmp, { deriveOnInit: false, backgroundRefresh: false })
  await store.init()
  await store.catalog.upsertSite({ id: SITE, name: 'Copy benchmark', origins: [ORIGIN], timezone: 'UTC', currency: 'USD' })
  const t0 = performance.now()
  for (const chunk of eventChunks({ events })) await store.log.append(chunk)
  await store.close()
  execFileSync('mv', [tmp, path])
  console.error(`built ${path} (${events} events) in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  return path
}

async function clickhouse() {
  if (opt.to) return { url: opt.to, stop: async () => undefined }
  const dir = mkdtempSync(join(tmpdir(), 'trackway-bench-copy-'))
  const scripts = join(ROOT, 'examples/clickhouse-cluster')
  const base = 31_000 + 100 * Math.floor(Math.random() * 200)
  const { stdout } = await run('bash', [join(scripts, 'start.sh'), dir], { env: { ...process.env, SHARDS: '1', BASE_PORT: String(base) } })
  const url = /^TRACKWAY_STORE=(.+)$/m.exec(stdout)[1]
  return { url, stop: async () => { await run('bash', [join(scripts, 'stop.sh'), dir]).catch(() => undefined); rmSync(dir, { recursive: true, force: true }) } }
}

const from = `duckdb:${await source()}`
const server = await clickhouse()
try {
  const u = new URL(server.url)
  u.pathname = `/bench_copy_${Date.now()}`
  const to = u.toString()
  const args = ['copy', '--from', from, '--to', to, ...(opt.batch ? ['--batch', opt.batch] : [])]
  for (const round of ['first run', 'rerun']) {
    const t0 = performance.now()
    const { stdout } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 })
    const wall = (performance.now() - t0) / 1000
    console.log(`${round}: ${wall.toFixed(1)} s wall\n${stdout.trim()}`)
  }
  console.log(`command: node packages/collector/bin/trackway.js ${args.join(' ').replace(/:[^:@/]*@/, ':***@')}`)
} finally {
  await server.stop()
}
