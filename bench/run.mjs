#!/usr/bin/env node
// The ingest benchmark of Trackway (`npm run bench`; BENCHMARKS.md explains the method).
//
//   A    POST /v1/batch through the real collector (built CLI, child process, fresh DuckDB file):
//        HTTP + validation + enrichment + dedup + group commit, each answer sent after COMMIT.
//   (a)  the same load against a bare Fastify server that only JSON.parses (ceiling of HTTP).
//   (b)  DuckDBStore.log.append of the same enriched rows, no HTTP (ceiling of storage), in
//        calls of 5000 rows; (b') the same at A's measured group-commit size.
//
// Each round generates fresh, unique batches and measures A, (a), (b) side by side; figures are
// the median over rounds. Everything runs on 127.0.0.1; temp files are removed at the end.
//
// Options: --quick (smoke run) --rounds N --requests N --connections N --append-chunk ROWS
// --profile (CPU-profile the collector; its figures then include the profiler's overhead)
// --out FILE --cli PATH (another build's bin/trackway.js; (b) then uses that build's DuckDBStore)
// --compare-cli PATH (also measure this build as A' in every round, alternating which goes first:
// A/B comparisons of collector changes on a noisy machine)
//
// Then the SDK benchmark (bench/sdk-track.mjs): track() main-thread cost in Chromium vs Segment's
// analytics-next. --sdk-only runs only it; --sdk-rounds N sets its rounds (--quick: 1).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import { EVENTS_PER_BATCH, SITE, ORIGIN, AGENT, batchSource } from './events.mjs'
import { rowsOfBody } from './rows.mjs'
import { cpuSeconds, freePort, load, median, parseMetrics, sampleRss, spawnNode, stop, waitReady } from './lib.mjs'
import { inclusive, printSummary, summarize } from './profile.mjs'
import { runSdkTrack } from './sdk-track.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DEFAULT_CLI = join(ROOT, 'packages/collector/bin/trackway.js')
const BARE = join(ROOT, 'bench/bare-server.mjs')
const SDK_BUNDLE = join(ROOT, 'packages/sdk/dist/trackway.min.js')
const ADMIN_TOKEN = 'bench-admin-token'

/** Collector functions whose inclusive time --profile reports (names as in the built dist). */
const PROFILE_FUNCTIONS = [
  'parserOnHeadersComplete', 'decode', 'checkEnvelope', 'checkEvent', 'enrich', 'requestFacts',
  'submit', 'flushGroup', 'check', 'add', 'append', 'appendRows', 'closeSync', 'createAppender', 'run',
  'serialize', '(garbage collector)', '(idle)',
]

const TARGET_EVENTS_PER_SEC = 50_000
const TARGET_RATIO_B = 0.6

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    requests: { type: 'string' },
    connections: { type: 'string' },
    'append-chunk': { type: 'string' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    cli: { type: 'string' },
    'compare-cli': { type: 'string' },
    'sdk-only': { type: 'boolean', default: false },
    'sdk-rounds': { type: 'string' },
  },
})
const runSdk = () => runSdkTrack({ quick: opt.quick, rounds: opt['sdk-rounds'] })
if (opt['sdk-only']) process.exit(await runSdk())

const preset = opt.quick
  ? { rounds: 1, requests: 600, warmup: 100, connections: 32 }
  : { rounds: 3, requests: 5000, warmup: 400, connections: 32 }
const cfg = {
  rounds: Number(opt.rounds ?? preset.rounds),
  requests: Number(opt.requests ?? preset.requests),
  warmup: preset.warmup,
  connections: Number(opt.connections ?? preset.connections),
  appendChunk: Number(opt['append-chunk'] ?? 5000),
  profile: opt.profile,
}
// --cli: another build of the collector's bin/trackway.js (e.g. a patched copy) for A/B runs.
const CLI = opt.cli ?? DEFAULT_CLI
// (b) uses the DuckDBStore of the same build as A.
const DIST = join(dirname(dirname(CLI)), 'dist/index.js')
const OUT = opt.out ?? join(ROOT, 'bench/results', opt.quick ? 'ingest-quick.json' : 'ingest.json')

for (const [k, v] of Object.entries(cfg)) {
  if (typeof v === 'number' && !(Number.isInteger(v) && v > 0)) {
    console.error(`bench: ${k} must be a positive integer, got ${v}`)
    process.exit(2)
  }
}
if (cfg.connections > Math.min(cfg.requests, cfg.warmup)) {
  console.error(`bench: --connections ${cfg.connections} exceeds the requests or warm-up count`)
  process.exit(2)
}
if (!existsSync(DIST)) {
  console.error(`bench: the collector is not built (${DIST}). Run: npx rollup -c rollup.config.ts --configPlugin typescript --environment ONLY:collector`)
  process.exit(1)
}
const { DuckDBStore } = await import(DIST)

const tmp = mkdtempSync(join(tmpdir(), 'trackway-bench-'))
const children = new Set()
let cleaned = false
function cleanup() {
  if (cleaned) return
  cleaned = true
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  rmSync(tmp, { recursive: true, force: true })
}
process.on('SIGINT', () => {
  cleanup()
  process.exit(130)
})

const log = (...a) => console.log(...a)
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a')
const checks = []
const check = (ok, what) => {
  checks.push({ ok, what })
  log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`)
}

/** Size of the SDK script-tag bundle, if built. */
function sdkSizes() {
  if (!existsSync(SDK_BUNDLE)) return null
  const raw = readFileSync(SDK_BUNDLE)
  return {
    file: 'packages/sdk/dist/trackway.min.js',
    raw: raw.length,
    gzip9: gzipSync(raw, { level: 9 }).length,
    brotli11: brotliCompressSync(raw, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }).length,
  }
}

function printProfile(p) {
  printSummary(p)
  log('  inclusive time (self + callees) of collector functions:')
  for (const [n, v] of Object.entries(p.inclusive)) if (v.pct >= 0.1) log(`    ${v.pct.toFixed(1).padStart(5)}%  ${n}`)
  log(`  profile kept at ${p.file} (open in Chrome DevTools, or: node bench/profile.mjs FILE 40 name,name)`)
}

async function scrape(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  return res.ok ? parseMetrics(await res.text()) : {}
}

async function query(sql, path) {
  const inst = await DuckDBInstance.create(path ?? ':memory:')
  const conn = await inst.connect()
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS()
  } finally {
    conn.closeSync()
    inst.closeSync()
  }
}

/** A: the built collector CLI on a fresh DuckDB file. */
async function measureCollector(round, bodies, cli = CLI, tag = 'a') {
  const dir = join(tmp, `${tag}-${round}`)
  mkdirSync(dir)
  const file = join(dir, 'trackway.duckdb')
  const port = await freePort()
  const profDir = join(tmp, `prof-${tag}-${round}`)
  const nodeFlags = cfg.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
  const child = spawnNode([
    ...nodeFlags,
    cli,
    'serve',
    '--port', String(port),
    '--host', '127.0.0.1',
    '--store', `duckdb:${file}`,
    '--admin-token', ADMIN_TOKEN,
    '--site', `${SITE}:${ORIGIN}`,
    '--log-level', 'warn',
  ])
  children.add(child)
  const t0 = performance.now()
  await waitReady(`http://127.0.0.1:${port}/readyz`, child)
  const startupMs = performance.now() - t0

  // Warm-up (JIT, DuckDB buffers): not in the figures, but its events count in the row check.
  const warm = await load({ port, bodies, from: 0, amount: cfg.warmup, connections: cfg.connections, eventsPerBody: EVENTS_PER_BATCH })
  const m0 = await scrape(port)
  const cpu0 = cpuSeconds(child.pid)
  const rss = sampleRss(child.pid)
  const run = await load({ port, bodies, from: warm.next, amount: cfg.requests, connections: cfg.connections, eventsPerBody: EVENTS_PER_BATCH })
  const mem = rss.stop()
  const cpu = cpuSeconds(child.pid) - cpu0
  const m1 = await scrape(port)
  const d = (k) => (m1[k] ?? 0) - (m0[k] ?? 0)
  const commits = d('trackway_commits_total')
  const status = await stop(child)
  children.delete(child)

  const acknowledged = (warm.ok + run.ok) * EVENTS_PER_BATCH
  const [{ n }] = await query('SELECT count(*)::INTEGER AS n FROM events', file)
  const [agent] = await query('SELECT browser, os, device, bool_or(is_bot) AS any_bot, count(*)::INTEGER AS n FROM events GROUP BY ALL ORDER BY n DESC LIMIT 1', file)

  let profile = null
  if (cfg.profile && existsSync(profDir)) {
    const f = readdirSync(profDir).find((x) => x.endsWith('.cpuprofile'))
    if (f) {
      const raw = JSON.parse(readFileSync(join(profDir, f), 'utf8'))
      profile = { ...summarize(raw, 25), inclusive: inclusive(raw, PROFILE_FUNCTIONS) }
      const kept = join(tmpdir(), `trackway-collector-${tag}-${round}-${Date.now()}.cpuprofile`)
      copyFileSync(join(profDir, f), kept)
      profile.file = kept
    }
  }
  return {
    file,
    measuredFrom: warm.next,
    measuredTo: run.next,
    startupMs,
    exit: status,
    warmup: { requests: cfg.warmup, ok: warm.ok, status: warm.status },
    ...run,
    cpuSeconds: cpu,
    cpuMsPer1kEvents: (cpu * 1000) / ((run.ok * EVENTS_PER_BATCH) / 1000),
    cores: cpu / run.seconds,
    rss: mem,
    commits: {
      count: commits,
      eventsPerCommit: commits ? d('trackway_events_accepted_total') / commits : NaN,
      msPerCommit: commits ? (1000 * d('trackway_commit_seconds_total')) / commits : NaN,
      commitShareOfWall: d('trackway_commit_seconds_total') / run.seconds,
      dedupStoreChecks: d('trackway_dedup_store_checks_total'),
    },
    rows: { stored: n, acknowledged },
    agent,
    profile,
  }
}

/** A' (--compare-cli): the other collector build, same bodies, its own fresh file. */
async function measureCompare(round, bodies) {
  const A2 = await measureCollector(round, bodies, opt['compare-cli'], 'a2')
  log(`  A'   ${fmt(A2.eventsPerSec)} events/s, ${fmt(A2.reqPerSec)} req/s, p50 ${A2.latencyMs.p50} ms, p99 ${A2.latencyMs.p99} ms, ` +
      `peak RSS ${fmt(A2.rss.peakMiB)} MiB, ${fmt(A2.cores, 2)} cores, ${fmt(A2.cpuMsPer1kEvents, 1)} CPU ms/1k events, ` +
      `${fmt(A2.commits.eventsPerCommit)} events/commit, ${fmt(A2.commits.msPerCommit, 1)} ms/commit  (${opt['compare-cli']})`)
  check(A2.ok === cfg.requests && A2.rows.stored === A2.rows.acknowledged,
    `A': ${fmt(A2.ok)}/${fmt(cfg.requests)} answers 200 with accepted=${EVENTS_PER_BATCH}; rows ${fmt(A2.rows.stored)} = acknowledged ${fmt(A2.rows.acknowledged)}`)
  if (A2.profile) printProfile(A2.profile)
  rmSync(dirname(A2.file), { recursive: true, force: true })
  return A2
}

/** (a): the bare Fastify server, same bodies, same load settings. */
async function measureBare(bodies, from) {
  const port = await freePort()
  const child = spawnNode([BARE, String(port)])
  children.add(child)
  await waitReady(`http://127.0.0.1:${port}/readyz`, child)
  const warm = await load({ port, bodies, from: 0, amount: cfg.warmup, connections: cfg.connections, eventsPerBody: EVENTS_PER_BATCH })
  const cpu0 = cpuSeconds(child.pid)
  const rss = sampleRss(child.pid)
  const run = await load({ port, bodies, from, amount: cfg.requests, connections: cfg.connections, eventsPerBody: EVENTS_PER_BATCH })
  const mem = rss.stop()
  const cpu = cpuSeconds(child.pid) - cpu0
  await stop(child)
  children.delete(child)
  void warm
  return {
    ...run,
    cpuSeconds: cpu,
    cpuMsPer1kEvents: (cpu * 1000) / ((run.ok * EVENTS_PER_BATCH) / 1000),
    cores: cpu / run.seconds,
    rss: mem,
  }
}

/** (b): DuckDBStore.log.append of the enriched rows of the measured bodies, in chunks. */
async function measureAppend(round, bodies, from, to, chunkRows = cfg.appendChunk, tag = 'b') {
  const file = join(tmp, `${tag}-${round}`, 'raw.duckdb')
  // the raw append ceiling: no background refresh of the derived tables (the collector, A, has it)
  const store = new DuckDBStore(file, { backgroundRefresh: false })
  await store.init()
  const perChunk = Math.max(1, Math.round(chunkRows / EVENTS_PER_BATCH))
  let rowsTotal = 0
  let appendMs = 0
  let chunks = 0
  const receivedAt = Date.now()
  for (let i = from; i < to; i += perChunk) {
    const rows = []
    for (let j = i; j < Math.min(to, i + perChunk); j++) for (const r of rowsOfBody(bodies[j], receivedAt)) rows.push(r)
    const t0 = performance.now()
    await store.log.append(rows)
    appendMs += performance.now() - t0
    rowsTotal += rows.length
    chunks++
  }
  await store.close()
  return { file, rows: rowsTotal, chunks, rowsPerChunk: rowsTotal / chunks, seconds: appendMs / 1000, rowsPerSec: rowsTotal / (appendMs / 1000) }
}

/** Column-by-column comparison of A's rows with (b)'s rows (same ids), except t and received_at. */
async function compareRows(fileA, fileB) {
  const inst = await DuckDBInstance.create(':memory:')
  const conn = await inst.connect()
  try {
    await conn.run(`ATTACH '${fileA}' AS a (READ_ONLY)`)
    await conn.run(`ATTACH '${fileB}' AS b (READ_ONLY)`)
    const cols = (
      await conn.runAndReadAll(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND table_name = 'events' ORDER BY column_index",
      )
    )
      .getRowsJS()
      .map(([c]) => c)
      .filter((c) => c !== 't' && c !== 'received_at')
    const diff = cols.map((c) => `count(*) FILTER (WHERE a.${c} IS DISTINCT FROM b.${c})::INTEGER AS "${c}"`).join(', ')
    const [r] = (
      await conn.runAndReadAll(`SELECT count(*)::INTEGER AS matched, ${diff} FROM a.events a JOIN b.events b USING (site, id)`)
    ).getRowObjectsJS()
    const { matched, ...perColumn } = r
    const mismatched = Object.fromEntries(Object.entries(perColumn).filter(([, v]) => v > 0))
    return { matched, columns: cols.length, mismatched }
  } finally {
    conn.closeSync()
    inst.closeSync()
  }
}

async function main() {
  const started = Date.now()
  log(`Trackway ingest benchmark${opt.quick ? ' (--quick)' : ''}${cfg.profile ? ' (--profile: collector figures include profiler overhead)' : ''}`)
  log(`  node ${process.version}, ${cpus().length} cores; ${cfg.rounds} round(s) of ${cfg.requests} requests × ${EVENTS_PER_BATCH} events, ` +
      `${cfg.connections} connections, warm-up ${cfg.warmup} requests; raw append in chunks of ${cfg.appendChunk} rows`)
  const rounds = []
  for (let round = 1; round <= cfg.rounds; round++) {
    log(`\nround ${round}/${cfg.rounds}`)
    const need = cfg.warmup + cfg.requests + 4 * cfg.connections
    const tGen = performance.now()
    const next = batchSource({ seed: 1000 + round })
    const bodies = Array.from({ length: need }, () => next())
    const bodyBytes = bodies.reduce((s, b) => s + b.length, 0) / bodies.length
    log(`  generated ${fmt(need)} bodies (${fmt(need * EVENTS_PER_BATCH)} events, ${fmt(bodyBytes / 1024, 1)} KiB avg) in ${fmt(performance.now() - tGen)} ms`)

    // With --compare-cli, A and A' alternate which goes first, round by round.
    const compareFirst = Boolean(opt['compare-cli']) && round % 2 === 0
    let A2 = compareFirst ? await measureCompare(round, bodies) : null
    const A = await measureCollector(round, bodies)
    log(`  A    ${fmt(A.eventsPerSec)} events/s, ${fmt(A.reqPerSec)} req/s, p50 ${A.latencyMs.p50} ms, p99 ${A.latencyMs.p99} ms, ` +
        `peak RSS ${fmt(A.rss.peakMiB)} MiB, ${fmt(A.cores, 2)} cores, ${fmt(A.cpuMsPer1kEvents, 1)} CPU ms/1k events, ` +
        `${fmt(A.commits.eventsPerCommit)} events/commit, ${fmt(A.commits.msPerCommit, 1)} ms/commit`)
    const non200 = Object.entries(A.status).filter(([c]) => c !== '200').reduce((s, [, v]) => s + v, 0)
    check(A.ok === cfg.requests && A.warmup.ok === cfg.warmup,
      `A: ${fmt(A.ok)}/${fmt(cfg.requests)} answers 200 with accepted=${EVENTS_PER_BATCH} (non-200: ${non200}, other 200s: ${A.badBody}, ` +
      `errors: ${A.errors}, timeouts: ${A.timeouts}, bodies used: ${A.bodiesUsed})${A.badSamples.length ? ` e.g. ${A.badSamples[0]}` : ''}`)
    check(A.rows.stored === A.rows.acknowledged,
      `A: rows in the DuckDB file after SIGTERM (exit ${A.exit.code ?? A.exit.signal}) = ${fmt(A.rows.stored)}, acknowledged events = ${fmt(A.rows.acknowledged)}`)
    check(A.agent && A.agent.browser === AGENT.browser && A.agent.os === AGENT.os && A.agent.device === AGENT.device && !A.agent.any_bot,
      `A: enrichment of the User-Agent: ${A.agent?.browser} / ${A.agent?.os} / ${A.agent?.device}, bots: ${A.agent?.any_bot}`)
    if (A.profile) printProfile(A.profile)
    if (opt['compare-cli'] && !compareFirst) A2 = await measureCompare(round, bodies)
    const a = await measureBare(bodies, A.measuredFrom)
    log(`  (a)  ${fmt(a.eventsPerSec)} events/s, ${fmt(a.reqPerSec)} req/s, p50 ${a.latencyMs.p50} ms, p99 ${a.latencyMs.p99} ms, peak RSS ${fmt(a.rss.peakMiB)} MiB, ${fmt(a.cores, 2)} cores`)
    check(a.ok === cfg.requests, `(a): ${fmt(a.ok)}/${fmt(cfg.requests)} answers 200 with accepted=${EVENTS_PER_BATCH}`)

    const b = await measureAppend(round, bodies, A.measuredFrom, A.measuredTo)
    log(`  (b)  ${fmt(b.rowsPerSec)} rows/s (${fmt(b.rows)} rows in ${b.chunks} log.append calls of ${fmt(b.rowsPerChunk)} rows, ${fmt(b.seconds, 2)} s)`)
    // (b) again at A's own group-commit size, on up to 100k rows: what DuckDB alone gives at that size.
    const groupRows = Math.max(EVENTS_PER_BATCH, Math.round(A.commits.eventsPerCommit / EVENTS_PER_BATCH) * EVENTS_PER_BATCH || EVENTS_PER_BATCH)
    const bG = await measureAppend(round, bodies, A.measuredFrom, Math.min(A.measuredTo, A.measuredFrom + 2000), groupRows, 'bg')
    log(`  (b') ${fmt(bG.rowsPerSec)} rows/s at A's commit size (${fmt(bG.rows)} rows in ${bG.chunks} calls of ${fmt(bG.rowsPerChunk)} rows)`)
    rmSync(dirname(bG.file), { recursive: true, force: true })
    const cmp = await compareRows(A.file, b.file)
    check(cmp.matched === b.rows && Object.keys(cmp.mismatched).length === 0,
      `(b) rows = A's rows: ${fmt(cmp.matched)}/${fmt(b.rows)} ids matched, ${cmp.columns} columns compared (all but t, received_at)` +
      `${Object.keys(cmp.mismatched).length ? `, differing: ${JSON.stringify(cmp.mismatched)}` : ', no difference'}`)
    rmSync(dirname(A.file), { recursive: true, force: true })
    rmSync(dirname(b.file), { recursive: true, force: true })
    const { file: _fa, badSamples: _s, next: _n, ...Aout } = A
    const { badSamples: _s2, next: _n2, ...aout } = a
    const { file: _fb, ...bout } = b
    const { file: _fbg, ...bGout } = bG
    let A2out
    if (A2) {
      const { file: _f2, badSamples: _s3, next: _n3, ...rest } = A2
      A2out = { cli: opt['compare-cli'], ...rest }
    }
    rounds.push({ round, bodyBytes, A: Aout, ...(A2out ? { compare: A2out } : {}), bare: aout, append: bout, appendAtGroupSize: bGout, rowCompare: cmp })
  }

  const med = (f) => median(rounds.map(f))
  const summary = {
    A: {
      eventsPerSec: med((r) => r.A.eventsPerSec),
      reqPerSec: med((r) => r.A.reqPerSec),
      p50Ms: med((r) => r.A.latencyMs.p50),
      p99Ms: med((r) => r.A.latencyMs.p99),
      peakRssMiB: Math.max(...rounds.map((r) => r.A.rss.peakMiB)),
      cpuMsPer1kEvents: med((r) => r.A.cpuMsPer1kEvents),
      eventsPerCommit: med((r) => r.A.commits.eventsPerCommit),
      msPerCommit: med((r) => r.A.commits.msPerCommit),
    },
    bare: {
      eventsPerSec: med((r) => r.bare.eventsPerSec),
      reqPerSec: med((r) => r.bare.reqPerSec),
      p50Ms: med((r) => r.bare.latencyMs.p50),
      p99Ms: med((r) => r.bare.latencyMs.p99),
      peakRssMiB: Math.max(...rounds.map((r) => r.bare.rss.peakMiB)),
      cpuMsPer1kEvents: med((r) => r.bare.cpuMsPer1kEvents),
    },
    append: { rowsPerSec: med((r) => r.append.rowsPerSec), rowsPerCall: rounds[0].append.rowsPerChunk },
    appendAtGroupSize: { rowsPerSec: med((r) => r.appendAtGroupSize.rowsPerSec), rowsPerCall: med((r) => r.appendAtGroupSize.rowsPerChunk) },
  }
  if (opt['compare-cli']) {
    summary.compare = {
      cli: opt['compare-cli'],
      eventsPerSec: med((r) => r.compare.eventsPerSec),
      p50Ms: med((r) => r.compare.latencyMs.p50),
      p99Ms: med((r) => r.compare.latencyMs.p99),
      peakRssMiB: Math.max(...rounds.map((r) => r.compare.rss.peakMiB)),
      cpuMsPer1kEvents: med((r) => r.compare.cpuMsPer1kEvents),
      speedup: med((r) => r.compare.eventsPerSec / r.A.eventsPerSec),
    }
  }
  summary.ratios = {
    AOverAppend: med((r) => r.A.eventsPerSec / r.append.rowsPerSec),
    AOverBare: med((r) => r.A.eventsPerSec / r.bare.eventsPerSec),
    AOverAppendAtGroupSize: med((r) => r.A.eventsPerSec / r.appendAtGroupSize.rowsPerSec),
  }
  summary.targets = {
    eventsPerSec: { target: TARGET_EVENTS_PER_SEC, met: summary.A.eventsPerSec >= TARGET_EVENTS_PER_SEC },
    ratioToAppend: { target: TARGET_RATIO_B, met: summary.ratios.AOverAppend >= TARGET_RATIO_B },
  }
  const sdk = sdkSizes()

  const S = summary
  const rowsOut = [
    ['', 'events/s', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS', 'CPU ms/1k ev', 'target'],
    ['A  collector, durable ack', fmt(S.A.eventsPerSec), fmt(S.A.reqPerSec), fmt(S.A.p50Ms), fmt(S.A.p99Ms), `${fmt(S.A.peakRssMiB)} MiB`, fmt(S.A.cpuMsPer1kEvents, 1),
      `≥ ${fmt(TARGET_EVENTS_PER_SEC)} events/s: ${S.targets.eventsPerSec.met ? 'met' : 'MISSED'}`],
    ['(a) bare Fastify, parse only', fmt(S.bare.eventsPerSec), fmt(S.bare.reqPerSec), fmt(S.bare.p50Ms), fmt(S.bare.p99Ms), `${fmt(S.bare.peakRssMiB)} MiB`, fmt(S.bare.cpuMsPer1kEvents, 1), ''],
    ['(b) raw DuckDB append', `${fmt(S.append.rowsPerSec)} rows/s`, '', '', '', '', '', ''],
    [`(b') raw append, ${fmt(S.appendAtGroupSize.rowsPerCall)} rows/call`, `${fmt(S.appendAtGroupSize.rowsPerSec)} rows/s`, '', '', '', '', '', ''],
    ['A / (b)', fmt(S.ratios.AOverAppend, 2), '', '', '', '', '', `≥ ${TARGET_RATIO_B}: ${S.targets.ratioToAppend.met ? 'met' : 'MISSED'}`],
    ['A / (a)', fmt(S.ratios.AOverBare, 2), '', '', '', '', '', ''],
    ["A / (b')", fmt(S.ratios.AOverAppendAtGroupSize, 2), '', '', '', '', '', ''],
  ]
  const widths = rowsOut[0].map((_, i) => Math.max(...rowsOut.map((r) => r[i].length)))
  log(`\nresults (median of ${rounds.length} round${rounds.length > 1 ? 's' : ''}; peak RSS: max)`)
  for (const r of rowsOut) log('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd())
  if (S.compare) {
    log(`  A' (${S.compare.cli}): ${fmt(S.compare.eventsPerSec)} events/s (× ${fmt(S.compare.speedup, 2)} of A), p50 ${fmt(S.compare.p50Ms)} ms, ` +
        `p99 ${fmt(S.compare.p99Ms)} ms, peak RSS ${fmt(S.compare.peakRssMiB)} MiB, ${fmt(S.compare.cpuMsPer1kEvents, 1)} CPU ms/1k events`)
  }
  log(`  A commits: ${fmt(S.A.eventsPerCommit)} events per group commit, ${fmt(S.A.msPerCommit, 1)} ms each (dedup check + append + COMMIT); ` +
      `dedup store look-ups (Bloom "maybe"): ${fmt(med((r) => r.A.commits.dedupStoreChecks))}`)
  log(sdk
    ? `\nSDK script-tag bundle (${sdk.file}): ${fmt(sdk.raw)} B raw, ${fmt(sdk.gzip9)} B gzip -9, ${fmt(sdk.brotli11)} B brotli 11`
    : '\nSDK script-tag bundle: not built (packages/sdk/dist/trackway.min.js)')

  const failed = checks.filter((c) => !c.ok)
  log(`\nchecks: ${checks.length - failed.length}/${checks.length} passed; ${((Date.now() - started) / 1000).toFixed(1)} s`)

  const result = {
    date: new Date().toISOString(),
    machine: { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model },
    config: { ...cfg, eventsPerBatch: EVENTS_PER_BATCH, quick: opt.quick },
    summary,
    sdk: sdk ?? 'not built',
    checks,
    rounds,
  }
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n')
  log(`wrote ${OUT.startsWith(ROOT) ? OUT.slice(ROOT.length) : OUT}`)
  return failed.length === 0 ? 0 : 1
}

let code = 1
try {
  code = await main()
} catch (err) {
  console.error(err)
} finally {
  cleanup()
}
const sdkCode = await runSdk().catch((err) => (console.error(err), 1))
process.exit(code || sdkCode)
