#!/usr/bin/env node
// Ingest on each store, same load generator and the same batches, side by side in one run:
//   duckdb    1 collector → a fresh DuckDB file (the default deployment)
//   cluster   2 collectors → the 2-shard ClickHouse example (examples/clickhouse-cluster), the
//             load split over both, as behind a load balancer
//   single    (--with-single) 2 collectors → one ClickHouse server
// Each answer is sent after the store holds the events (ClickHouse: and their persons derived),
// so these are durable, exactly-once rates. Per store: events/s, latency, peak RSS and CPU of
// every collector and ClickHouse server process, and a check that the store holds exactly the
// acknowledged events.
//
//   node bench/ingest-stores.mjs                # 3 rounds × 4000 requests × 50 events, 32 connections
//   node bench/ingest-stores.mjs --quick        # 1 round × 600 requests
//
// Writes bench/results/ingest-stores.json (--quick: .bench-cache/ingest-stores-quick.json).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { EVENTS_PER_BATCH, ORIGIN, SITE, generateBodies } from './events.mjs'
import { cpuSeconds, freePort, load, median, sampleRss, spawnNode, stop, waitReady } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'packages/collector/bin/trackway.js')
const START = join(ROOT, 'examples/clickhouse-cluster/start.sh')
const STOP = join(ROOT, 'examples/clickhouse-cluster/stop.sh')
const TOKEN = 'bench-admin-token-0123456789'

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    requests: { type: 'string' },
    connections: { type: 'string', default: '32' },
    'with-single': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})
const rounds = Number(opt.rounds ?? (opt.quick ? 1 : 3))
const requests = Number(opt.requests ?? (opt.quick ? 600 : 4000))
const warmup = opt.quick ? 100 : 300
const connections = Number(opt.connections)
const log = (...a) => console.error(...a)
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—')
const tmp = mkdtempSync(join(tmpdir(), 'trackway-ingest-stores-'))
const cleanup = []
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }))

function startClickHouse(shards) {
  const dir = join(tmp, `ch-${shards}-${Math.random().toString(36).slice(2, 8)}`)
  const base = 31_000 + 100 * Math.floor(Math.random() * 200)
  const out = execFileSync('bash', [START, dir], { env: { ...process.env, SHARDS: String(shards), BASE_PORT: String(base) }, encoding: 'utf8' })
  const url = new URL(/^TRACKWAY_STORE=(.+)$/m.exec(out)[1])
  url.pathname = '/ingest'
  const pids = readdirSync(dir).filter((d) => d.startsWith('shard')).map((d) => Number(readFileSync(join(dir, d, 'pid'), 'utf8')))
  const stopIt = () => spawnSync('bash', [STOP, dir])
  cleanup.push(stopIt)
  return { url: url.toString(), pids, stop: stopIt }
}

async function startCollectors(n, store) {
  const out = []
  for (let i = 0; i < n; i++) {
    const port = await freePort()
    const child = spawnNode([CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--store', store, '--admin-token', TOKEN, '--site', `${SITE}:${ORIGIN}`, '--log-level', 'warn'])
    await waitReady(`http://127.0.0.1:${port}/readyz`, child, 120_000)
    out.push({ port, child })
  }
  return out
}

/** The same bodies over the collectors, connections split evenly; one figure for the whole. */
async function loadAll(collectors, bodies, from, amount) {
  const per = Math.floor(amount / collectors.length)
  const runs = await Promise.all(collectors.map((c, i) => load({ port: c.port, bodies, from: from + i * per, amount: per, connections: Math.max(1, Math.floor(connections / collectors.length)), eventsPerBody: EVENTS_PER_BATCH })))
  const seconds = Math.max(...runs.map((r) => r.seconds))
  const ok = runs.reduce((n, r) => n + r.ok, 0)
  return { ok, requests: per * collectors.length, seconds, eventsPerSec: (ok * EVENTS_PER_BATCH) / seconds, p50: Math.max(...runs.map((r) => r.latencyMs.p50)), p99: Math.max(...runs.map((r) => r.latencyMs.p99)), next: from + per * collectors.length, status: runs.map((r) => r.status) }
}

async function storedEvents(kind, store) {
  if (kind === 'duckdb') {
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const db = await DuckDBInstance.create(store.slice('duckdb:'.length), { access_mode: 'READ_ONLY' })
    const c = await db.connect()
    const n = Number((await c.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0][0])
    c.closeSync()
    db.closeSync()
    return n
  }
  const u = new URL(store)
  const res = await fetch(`http://${u.host}/?user=${u.username}&password=${u.password}`, { method: 'POST', body: `SELECT uniqExact(id) FROM ${u.pathname.slice(1)}.events` })
  return Number((await res.text()).trim())
}

async function measure(kind, round) {
  let store
  let ch = null
  let collectorsN = 2
  if (kind === 'duckdb') {
    store = `duckdb:${join(tmp, `r${round}.duckdb`)}`
    collectorsN = 1
  } else {
    ch = startClickHouse(kind === 'cluster' ? 2 : 1)
    store = ch.url
  }
  const collectors = await startCollectors(collectorsN, store)
  const bodies = generateBodies(warmup + requests + 100, { seed: 1000 + round })
  const warm = await loadAll(collectors, bodies, 0, warmup)
  const pids = [...collectors.map((c) => c.child.pid), ...(ch?.pids ?? [])]
  const cpu0 = pids.map(cpuSeconds)
  const rss = pids.map((p) => sampleRss(p))
  const run = await loadAll(collectors, bodies, warm.next, requests)
  const mem = rss.map((r) => r.stop().peakMiB)
  const cpu = pids.map((p, i) => cpuSeconds(p) - cpu0[i])
  for (const c of collectors) await stop(c.child)
  const stored = await storedEvents(kind, store)
  ch?.stop()
  const acknowledged = (warm.ok + run.ok) * EVENTS_PER_BATCH
  return {
    kind,
    collectors: collectorsN,
    eventsPerSec: run.eventsPerSec,
    p50: run.p50,
    p99: run.p99,
    okAll: run.ok === run.requests && warm.ok === warm.requests,
    stored,
    acknowledged,
    collectorPeakMiB: mem.slice(0, collectorsN),
    clickhousePeakMiB: mem.slice(collectorsN),
    cores: cpu.reduce((a, b) => a + b, 0) / run.seconds,
  }
}

const kinds = ['duckdb', 'cluster', ...(opt['with-single'] ? ['single'] : [])]
const all = Object.fromEntries(kinds.map((k) => [k, []]))
try {
  for (let round = 1; round <= rounds; round++) {
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length])
    for (const k of order) {
      const r = await measure(k, round)
      all[k].push(r)
      log(`round ${round} ${k}: ${fmt(r.eventsPerSec)} events/s, p50 ${r.p50} ms, p99 ${r.p99} ms, collectors ${r.collectorPeakMiB.map((m) => fmt(m)).join('/')} MiB, ClickHouse ${r.clickhousePeakMiB.map((m) => fmt(m)).join('/') || '—'} MiB, ${fmt(r.cores, 2)} cores; stored ${fmt(r.stored)} = acknowledged ${fmt(r.acknowledged)}: ${r.stored === r.acknowledged && r.okAll ? 'ok' : 'MISMATCH'}`)
    }
  }
} finally {
  for (const c of cleanup) c()
}
const summary = Object.fromEntries(kinds.map((k) => [k, {
  eventsPerSec: median(all[k].map((r) => r.eventsPerSec)),
  p50: median(all[k].map((r) => r.p50)),
  p99: median(all[k].map((r) => r.p99)),
  collectorPeakMiB: Math.max(...all[k].flatMap((r) => r.collectorPeakMiB)),
  clickhousePeakMiB: all[k][0].clickhousePeakMiB.length ? Math.max(...all[k].flatMap((r) => r.clickhousePeakMiB)) : null,
  cores: median(all[k].map((r) => r.cores)),
  exact: all[k].every((r) => r.stored === r.acknowledged && r.okAll),
}]))
const out = { date: new Date().toISOString(), commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(), cpus: cpus().length, rounds, requests, connections, eventsPerBatch: EVENTS_PER_BATCH, summary, all }
const file = opt.out ?? (opt.quick ? join(ROOT, '.bench-cache/ingest-stores-quick.json') : join(ROOT, 'bench/results/ingest-stores.json'))
mkdirSync(join(file, '..'), { recursive: true })
writeFileSync(file, JSON.stringify(out, null, 2))
console.log(`| store | collectors | events/s | p50 ms | p99 ms | peak RSS per collector | peak RSS per ClickHouse server | cores used | stored = acknowledged |`)
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---|`)
for (const k of kinds) {
  const s = summary[k]
  console.log(`| ${k} | ${all[k][0].collectors} | ${fmt(s.eventsPerSec)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.collectorPeakMiB)} MiB | ${s.clickhousePeakMiB === null ? '—' : `${fmt(s.clickhousePeakMiB)} MiB`} | ${fmt(s.cores, 2)} | ${s.exact ? 'yes' : 'NO'} |`)
}
