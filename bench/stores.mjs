#!/usr/bin/env node
// Every report of SPEC §6 on the same data in three stores, side by side in one run: the embedded
// DuckDB file, one ClickHouse 18.16 server, and the 2-shard example cluster (issue 10's target:
// each ClickHouse report < 1 s at 10M events and within 2× DuckDB's time).
//
//   node bench/stores.mjs                       # 10M events (stores cached in .bench-cache/)
//   node bench/stores.mjs --events 1000000      # 1M
//   node bench/stores.mjs --stores duckdb,clickhouse --runs 5
//   node bench/stores.mjs --keep-derived        # a cached DuckDB file keeps its derived tables (no timed rebuild)
//   node bench/stores.mjs --cluster-from-single # the cluster gets the single server's tables by INSERT … SELECT FROM remote()
//
// 1. The events of bench/reports-data.mjs (the report benchmark's generator) go into a DuckDB file,
//    cached as .bench-cache/stores-<N>.duckdb, whose derived tables are rebuilt (timed).
// 2. `trackway copy` (the built CLI) copies that file into a ClickHouse server and into the
//    example cluster (examples/clickhouse-cluster/start.sh, data cached in .bench-cache/ch-*-<N>),
//    then derives persons there (timed: the copy prints both).
// 3. Each round runs every report on every store, the stores in rotating order; the median of
//    --runs rounds (after one warm-up round) is reported, with ClickHouse ÷ DuckDB.
//
// Writes bench/results/stores.json and bench/results/stores.md (other sizes: .bench-cache/stores-<N>.*).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DAYS, GENERATOR_VERSION, NOW, SITE, eventChunks } from './reports-data.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, '.bench-cache')
const BIN = join(ROOT, 'packages/collector/bin/trackway.js')
const START = join(ROOT, 'examples/clickhouse-cluster/start.sh')
const STOP = join(ROOT, 'examples/clickhouse-cluster/stop.sh')
const DAY = 86_400_000

const { values: opt } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '3' },
    stores: { type: 'string', default: 'duckdb,clickhouse,cluster' },
    'keep-derived': { type: 'boolean', default: false },
    'cluster-from-single': { type: 'boolean', default: false },
    out: { type: 'string' },
    md: { type: 'string' },
  },
})
const N = Number(opt.events)
const RUNS = Number(opt.runs)
const STORES = opt.stores.split(',')
const log = (...a) => console.error(...a)
const fmtN = (n) => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n))
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const stamp = JSON.stringify({ version: GENERATOR_VERSION, events: N, seed: 42, now: NOW, days: DAYS })
const mod = await import(pathToFileURL(join(ROOT, 'packages/collector/dist/index.js')).href)
const { DuckDBStore, ClickHouseStore, ReportAnswers } = mod

// ---------------------------------------------------------------------------------------------
// The stores
// ---------------------------------------------------------------------------------------------

async function duckdbStore() {
  mkdirSync(CACHE, { recursive: true })
  const path = join(CACHE, `stores-${N}.duckdb`)
  const built = { path, reused: true }
  let store = new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false })
  await store.init()
  if ((await store.catalog.getSetting('bench.stores')) !== stamp || (await store.log.count(SITE)) !== N) {
    await store.close()
    for (const p of [path, `${path}.wal`]) if (existsSync(p)) execFileSync('rm', ['-f', p])
    store = new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false })
    await store.init()
    const t0 = performance.now()
    let n = 0
    for (const chunk of eventChunks({ events: N, chunkRows: 200_000 })) {
      await store.log.append(chunk)
      n += chunk.length
      log(`  duckdb: ${fmtN(n)} / ${fmtN(N)} events appended`)
    }
    await store.catalog.upsertSite({ id: SITE, name: SITE, origins: ['https://shop.example'], timezone: 'UTC', currency: 'USD' })
    built.appendMs = Math.round(performance.now() - t0)
    await store.catalog.setSetting('bench.stores', stamp)
    built.reused = false
  }
  if (built.reused && opt['keep-derived']) {
    // the cached file's derived tables are current (only this benchmark writes it): not rebuilt
    log('  duckdb: derived tables kept (--keep-derived)')
  } else {
    const r0 = performance.now()
    const rebuilt = await store.derivation.rebuild()
    built.rebuildMs = Math.round(performance.now() - r0)
    built.derived = { events: rebuilt.events, persons: rebuilt.persons }
    log(`  duckdb: derived ${rebuilt.events} events of ${rebuilt.persons} persons in ${(built.rebuildMs / 1000).toFixed(1)} s`)
  }
  await store.close()
  return { built, open: () => new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false }) }
}

/** Starts (or restarts on its cached data) a ClickHouse server or the 2-shard cluster. */
function startClickHouse(kind) {
  const dir = join(CACHE, `ch-${kind}-${N}`)
  spawnSync('bash', [STOP, dir])
  const base = kind === 'single' ? 29500 : 29600
  const out = execFileSync('bash', [START, dir], { env: { ...process.env, SHARDS: kind === 'single' ? '1' : '2', BASE_PORT: String(base) }, encoding: 'utf8' })
  const u = new URL(/^TRACKWAY_STORE=(.+)$/m.exec(out)[1])
  u.pathname = '/bench'
  const url = u.toString()
  return { dir, url, stop: () => spawnSync('bash', [STOP, dir]) }
}

const target = (url) => {
  const u = new URL(url)
  return { url: `http://${u.hostname}:${u.port}`, username: u.username, password: u.password, database: u.pathname.slice(1), cluster: u.searchParams.get('cluster') }
}

async function clickhouseStore(kind, duckdbPath, from) {
  const server = startClickHouse(kind)
  const built = { reused: true }
  const check = ClickHouseStore.connect(target(server.url), { deriveOnInit: false, backgroundRefresh: false })
  await check.init()
  const mark = await check.catalog.getSetting('bench.stores').catch(() => null)
  const ok = mark === stamp && (await check.log.count(SITE)) === N
  await check.close()
  if (!ok) {
    const t = target(server.url)
    if (mark !== null || (from && opt['cluster-from-single'])) {
      // what an older run of another generator left (or anything, before a copy by remote()):
      // dropped. A `trackway copy` cut short (no mark yet) is resumed instead — it is resumable
      // and idempotent.
      const admin = ClickHouseStore.connect({ ...t, database: 'default' }, { deriveOnInit: false, backgroundRefresh: false })
      await admin.log.conn.command({ text: `DROP DATABASE IF EXISTS bench${t.cluster ? ` ON CLUSTER ${t.cluster}` : ''}` })
      await admin.close()
    }
    const t0 = performance.now()
    if (from && opt['cluster-from-single']) {
      // ClickHouse copies the single server's tables into the cluster itself (remote()), much
      // faster than reading the DuckDB file again; then the cluster derives its persons.
      const store = ClickHouseStore.connect(t, { deriveOnInit: false, backgroundRefresh: false })
      await store.init()
      const src = new URL(from.url)
      const remote = (table) => `remote('${src.hostname}:${Number(src.port) + 1}', bench.${table}, '${decodeURIComponent(src.username)}', '${decodeURIComponent(src.password)}')`
      for (const table of ['sites', 'settings', 'spend', 'events']) {
        log(`  ${kind}: INSERT INTO bench.${table} SELECT * FROM remote(single)`)
        await store.log.conn.command({ text: `INSERT INTO bench.${table} SELECT * FROM ${remote(table)}` }, { insert_distributed_sync: 1 })
      }
      built.copyMs = Math.round(performance.now() - t0)
      const d0 = performance.now()
      const derived = await store.derivation.rebuild()
      built.deriveMs = Math.round(performance.now() - d0)
      built.copyOutput = `copied the single server's tables with INSERT … SELECT FROM remote() in ${(built.copyMs / 1000).toFixed(1)} s, then derived ${derived.persons} persons (${derived.events} events) in ${(built.deriveMs / 1000).toFixed(1)} s`
      await store.close()
    } else {
      log(`  ${kind}: trackway copy --from duckdb:${duckdbPath} --to ${server.url}`)
      const r = spawnSync(process.execPath, [BIN, 'copy', '--from', `duckdb:${duckdbPath}`, '--to', server.url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      if (r.status !== 0) throw new Error(`copy into ${kind} failed (${r.status}): ${r.stdout}`)
      built.copyMs = Math.round(performance.now() - t0)
      built.copyOutput = r.stdout.trim().split('\n').at(-1)
    }
    const marker = ClickHouseStore.connect(target(server.url), { deriveOnInit: false, backgroundRefresh: false })
    await marker.init()
    await marker.catalog.setSetting('bench.stores', stamp)
    await marker.close()
    built.reused = false
  }
  return { built, server, open: () => ClickHouseStore.connect(target(server.url), { deriveOnInit: false, backgroundRefresh: false }) }
}

// ---------------------------------------------------------------------------------------------
// The reports
// ---------------------------------------------------------------------------------------------

const RANGE = { from: new Date(NOW - DAYS * DAY).toISOString().slice(0, 10), to: new Date(NOW - DAY).toISOString().slice(0, 10), fromMs: NOW - DAYS * DAY, toMs: NOW }
const Q = { site: SITE, range: RANGE, filters: {}, goal: 'purchase' }
const step = (s) => ({ step: s, type: s, name: null, path: null })
const weeks = Array.from({ length: 4 }, (_, i) => ({ label: `w${i}`, fromMs: RANGE.fromMs + i * 7 * DAY, toMs: RANGE.fromMs + (i + 1) * 7 * DAY }))
const days = Array.from({ length: DAYS }, (_, i) => ({ label: `d${i}`, fromMs: RANGE.fromMs + i * DAY, toMs: RANGE.fromMs + (i + 1) * DAY }))

/** Every report of SPEC §6, as the routes ask for it (ReportAnswers over the store). */
const REPORTS = [
  ['overview', 'stats/overview, 28 days', (a) => a.overview(Q)],
  ['overview-filtered', 'stats/overview, channel = Paid Search', (a) => a.overview({ ...Q, filters: { channel: 'Paid Search' } })],
  ['timeseries', 'stats/timeseries, 28 daily buckets', (a) => a.overviewBuckets({ ...Q, buckets: days })],
  ['breakdown-channel', 'stats/breakdown by channel', (a) => a.breakdown({ ...Q, dimension: 'channel', limit: 100 })],
  ['breakdown-page', 'stats/breakdown by page', (a) => a.breakdown({ ...Q, dimension: 'page', limit: 100 })],
  ['funnel', 'stats/funnel, 4 steps, 7 days', (a) => a.funnel({ ...Q, steps: ['pageview', 'cart_add', 'checkout', 'purchase'].map(step), windowMs: 7 * DAY })],
  ['paths', 'stats/paths, depth 4', (a) => a.paths({ ...Q, depth: 4, limit: 20 })],
  ['revenue', 'stats/revenue', (a) => a.revenue(Q)],
  ['csat', 'stats/csat', (a) => a.csat(Q)],
  ['referrals', 'stats/referrals', (a) => a.referrals({ ...Q, limit: 20 })],
  ['experiments', 'stats/experiments (hero-cta)', (a) => a.experiment({ ...Q, experiment: 'hero-cta' })],
  ['attribution-linear', 'stats/attribution, linear, by channel', (a) => a.attribution({ ...Q, model: 'linear', lookbackMs: 30 * DAY, by: 'channel' })],
  ['attribution-decay', 'stats/attribution, time_decay, by campaign', (a) => a.attribution({ ...Q, model: 'time_decay', lookbackMs: 30 * DAY, by: 'campaign' })],
  ['retention', 'stats/retention, 4 weekly cohorts + churn', (a) => Promise.all([a.retention({ ...Q, periods: weeks, maxPeriods: 8 }), a.churnRate({ ...Q, previous: { fromMs: RANGE.fromMs - DAYS * DAY, toMs: RANGE.fromMs } })])],
  ['acquisition', 'stats/acquisition (last_non_direct)', (a) => a.acquisition({ ...Q, model: 'last_non_direct' })],
  ['realtime', 'stats/realtime', (a) => a.realtime({ site: SITE, filters: {}, now: NOW })],
]

// ---------------------------------------------------------------------------------------------

log(`bench/stores: ${fmtN(N)} events, stores ${STORES.join(', ')}, ${RUNS} rounds`)
const duck = await duckdbStore()
const setups = { duckdb: duck }
if (STORES.includes('clickhouse')) setups.clickhouse = await clickhouseStore('single', duck.built.path)
if (STORES.includes('cluster')) setups.cluster = await clickhouseStore('cluster', duck.built.path, setups.clickhouse?.server)
const names = STORES.filter((s) => setups[s])
const open = {}
for (const s of names) {
  const store = setups[s].open()
  await store.init()
  open[s] = { store, answers: new ReportAnswers(store) }
}

const times = Object.fromEntries(REPORTS.map(([k]) => [k, Object.fromEntries(names.map((s) => [s, []]))]))
const results = {}
for (let round = 0; round <= RUNS; round++) {
  for (const [key, , run] of REPORTS) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const s of order) {
      const t0 = performance.now()
      const v = await run(open[s].answers)
      const ms = performance.now() - t0
      if (round > 0) times[key][s].push(ms)
      else (results[key] ??= {})[s] = JSON.stringify(v)
    }
  }
  log(`  round ${round}${round === 0 ? ' (warm-up)' : ''} done`)
}
for (const s of names) await open[s].store.close()
for (const s of names) setups[s].server?.stop()

/** Equal JSON values, numbers within 1e-9 relative (sums of fractional credits differ in the last bits by order). */
const close = (a, b) => {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => close(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && close(a[k], b[k]))
  }
  return a === b
}
/** Every store gave the same answer as the first in the warm-up round. */
const same = (k) => names.every((s) => close(JSON.parse(results[k][s]), JSON.parse(results[k][names[0]])))
for (const [k] of REPORTS) if (!same(k)) for (const s of names) writeFileSync(join(CACHE, `answer-${N}-${k}-${s}.json`), results[k][s])
const medians = Object.fromEntries(REPORTS.map(([k]) => [k, Object.fromEntries(names.map((s) => [s, Math.round(median(times[k][s]))]))]))
const out = {
  date: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
  machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), load: loadavg()[0] },
  events: N,
  runs: RUNS,
  built: Object.fromEntries(names.map((s) => [s, setups[s].built])),
  medians,
  sameAnswer: Object.fromEntries(REPORTS.map(([k]) => [k, same(k)])),
  all: times,
}
const base = N === 10_000_000 ? join(ROOT, 'bench/results/stores') : join(CACHE, `stores-${N}`)
writeFileSync(opt.out ?? `${base}.json`, JSON.stringify(out, null, 2))
const head = `| report | ${names.join(' ms | ')} ms | ${names.filter((s) => s !== 'duckdb').map((s) => `${s} ÷ duckdb`).join(' | ')} | same answer |`
const rows = REPORTS.map(([k, label]) => {
  const m = medians[k]
  const ratios = names.filter((s) => s !== 'duckdb').map((s) => (m.duckdb ? (m[s] / m.duckdb).toFixed(2) : '—'))
  return `| ${label} | ${names.map((s) => m[s]).join(' | ')} | ${ratios.join(' | ')} | ${same(k) ? 'yes' : '**no**'} |`
})
const md = [
  `${fmtN(N)} events, median of ${RUNS} rounds after a warm-up, ${out.date.slice(0, 10)} at ${out.commit} (\`node bench/stores.mjs --events ${N}\`):`,
  '',
  head,
  `|---|${names.map(() => '---:').join('|')}|${names.filter((s) => s !== 'duckdb').map(() => '---:').join('|')}|---|`,
  ...rows,
  '',
  ...names.map((s) => `- ${s}: ${JSON.stringify(setups[s].built)}`),
].join('\n')
writeFileSync(opt.md ?? `${base}.md`, md + '\n')
console.log(md)
