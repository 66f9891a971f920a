#!/usr/bin/env node
// Overload benchmark (issue 13; BENCHMARKS.md "Overload"): does the collector shed instead of
// growing, and does everything shed arrive later, exactly once?
//
//   1. capacity: closed-loop SDK-style clients for --capacity-seconds; C = events/s committed.
//   2. overload: an open-loop offer of --factor × C events/s (default 2×) for --seconds (default 60),
//      in batches of --batch events (default 500). Each batch is one SDK-style client: it sends, and on
//      429/503 waits Retry-After (with jitter, as the SDK does) and sends the same events again.
//      The collector's RSS is sampled every 250 ms.
//   3. drain: no new batches; every outstanding batch retries until delivered (bounded by --drain-seconds).
//   4. check: the collector is stopped (SIGTERM) and its DuckDB file read: every generated id once.
//
// Everything runs on 127.0.0.1 against the built CLI on a fresh DuckDB file, removed at the end.
// Options: --seconds N --factor F --batch N --capacity-seconds N --drain-seconds N --max-outstanding N
// --inflight N (the collector's --max-inflight-events) --site-rate N (its --site-rate-limit)
// --memory-limit SIZE --out FILE --log-level LEVEL (the collector's; default warn). Also reports how long the collector took to stop on SIGTERM.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import { freePort, sampleRss, sleep, spawnNode, stop, waitReady } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'packages/collector/bin/trackway.js')
const SITE = 'bench'
const ORIGIN = 'https://bench.example'
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    factor: { type: 'string', default: '2' },
    batch: { type: 'string', default: '500' },
    'capacity-seconds': { type: 'string', default: '10' },
    'drain-seconds': { type: 'string', default: '180' },
    'max-outstanding': { type: 'string', default: '2000' },
    inflight: { type: 'string' },
    'site-rate': { type: 'string' },
    'memory-limit': { type: 'string' },
    out: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
  },
})
const cfg = {
  seconds: Number(opt.seconds),
  factor: Number(opt.factor),
  batch: Number(opt.batch),
  capacitySeconds: Number(opt['capacity-seconds']),
  drainSeconds: Number(opt['drain-seconds']),
  maxOutstanding: Number(opt['max-outstanding']),
}

const dir = mkdtempSync(join(tmpdir(), 'trackway-overload-'))
const file = join(dir, 'trackway.duckdb')
const port = await freePort()
const args = [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--store', `duckdb:${file}`, '--admin-token', 'bench-admin-token', '--site', `${SITE}:${ORIGIN}`, '--log-level', opt['log-level']]
if (opt.inflight) args.push('--max-inflight-events', opt.inflight)
if (opt['site-rate']) args.push('--site-rate-limit', opt['site-rate'])
if (opt['memory-limit']) args.push('--memory-limit', opt['memory-limit'])
const child = spawnNode(args)
const cleanup = () => rmSync(dir, { recursive: true, force: true })
process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'))

const agent = new Agent({ keepAlive: true, maxSockets: 256 })
let seq = 0
const ids = new Set()
const newId = () => {
  const id = `${randomBytes(12).toString('base64url')}${(seq++).toString(36)}`
  ids.add(id)
  return id
}
/** A batch of pageviews, sent again byte for byte on every retry (as the SDK does). */
function batchBody() {
  const now = Date.now()
  const events = []
  for (let i = 0; i < cfg.batch; i++) {
    events.push({ id: newId(), type: 'pageview', ts: now - 1000, anonymousId: `a-${(seq * 7919) % 20000}`, url: `https://bench.example/p/${i % 50}?utm_source=news`, title: 'Bench page' })
  }
  return JSON.stringify({ site: SITE, sentAt: now, events })
}

const stats = { status: {}, latencies: [], okLatencies: [], retryAfterMissing: 0, accepted: 0, duplicates: 0, rejected: 0, errors: 0 }
function post(body) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/batch', agent, headers: { 'content-type': 'text/plain', origin: ORIGIN, 'user-agent': UA, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }))
      },
    )
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }))
    req.end(body)
  })
}

/** One SDK-style sender of one batch: retries 429/503/network errors after Retry-After × jitter. */
async function deliver(body, record = true) {
  for (let attempt = 0; ; attempt++) {
    const r = await post(body)
    if (record) {
      stats.status[r.status] = (stats.status[r.status] ?? 0) + 1
      stats.latencies.push(r.ms)
    }
    if (r.status === 200) {
      const b = JSON.parse(r.body)
      stats.accepted += b.accepted
      stats.duplicates += b.duplicates
      stats.rejected += b.rejected.length
      if (record) stats.okLatencies.push(r.ms)
      return
    }
    if (r.status === 429 || r.status === 503) {
      if (!(Number(r.retryAfter) >= 1)) stats.retryAfterMissing++
    } else if (r.status !== 0) {
      stats.errors++
      throw new Error(`unexpected ${r.status}: ${r.body}`)
    }
    const base = (Number(r.retryAfter) || 1) * 1000
    await sleep(base * (0.5 + Math.random()) * Math.min(4, 1 + attempt / 4))
  }
}

const pct = (xs, p) => {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))])
}

try {
  await waitReady(`http://127.0.0.1:${port}/readyz`, child, 60_000)

  // 1. capacity: 16 closed-loop senders
  const until = performance.now() + cfg.capacitySeconds * 1000
  const accepted0 = stats.accepted
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (performance.now() < until) await deliver(batchBody(), false)
  }))
  const capacity = (stats.accepted - accepted0) / cfg.capacitySeconds
  const offered = capacity * cfg.factor
  console.log(`capacity ≈ ${Math.round(capacity)} events/s; offering ${Math.round(offered)} events/s for ${cfg.seconds} s`)

  // 2. overload: open loop
  const rss = sampleRss(child.pid, 250)
  const rssAt = {}
  const tStart = performance.now()
  const timeline = setInterval(() => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
    rssAt[Math.round((performance.now() - tStart) / 1000)] = m ? Math.round(Number(m[1]) / 1024) : null
  }, 5000)
  const outstanding = new Set()
  let offeredBatches = 0
  let skipped = 0
  const t0 = performance.now()
  while (performance.now() - t0 < cfg.seconds * 1000) {
    const due = Math.floor((((performance.now() - t0) / 1000) * offered) / cfg.batch)
    while (offeredBatches < due) {
      offeredBatches++
      if (outstanding.size >= cfg.maxOutstanding) {
        skipped++ // the load generator's own bound: not sent at all, so not counted as offered
        continue
      }
      const p = deliver(batchBody()).finally(() => outstanding.delete(p))
      outstanding.add(p)
    }
    await sleep(20)
  }
  const overloadMem = rss.stop()
  clearInterval(timeline)
  const shedDuring = { ...stats.status }

  // 3. drain
  const drainUntil = Date.now() + cfg.drainSeconds * 1000
  while (outstanding.size > 0 && Date.now() < drainUntil) await sleep(100)
  const undelivered = outstanding.size

  // 4. check
  const stopping = performance.now()
  const status = await stop(child, 60_000)
  const shutdownMs = Math.round(performance.now() - stopping)
  if (status.signal === 'SIGKILL') console.error(`the collector did not stop within 60 s of SIGTERM; its last lines:\n${child.tail.join('\n')}`)
  const inst = await DuckDBInstance.create(file)
  const conn = await inst.connect()
  const [row] = (await conn.runAndReadAll('SELECT count(*)::BIGINT AS n, count(DISTINCT id)::BIGINT AS d FROM events')).getRowObjectsJS()
  conn.closeSync()
  inst.closeSync()
  const result = {
    date: new Date().toISOString(),
    config: cfg,
    capacityEventsPerSec: Math.round(capacity),
    offeredEventsPerSec: Math.round(offered),
    answers: shedDuring,
    shed: (shedDuring[429] ?? 0) + (shedDuring[503] ?? 0),
    retryAfterMissing: stats.retryAfterMissing,
    latencyMs: { p50: pct(stats.latencies, 50), p99: pct(stats.latencies, 99), okP50: pct(stats.okLatencies, 50), okP99: pct(stats.okLatencies, 99) },
    rssMiB: { start: Math.round(overloadMem.startMiB), peak: Math.round(overloadMem.peakMiB), at: rssAt },
    generatorSkippedBatches: skipped,
    undeliveredBatches: undelivered,
    generatedEvents: ids.size,
    acceptedEvents: stats.accepted,
    duplicates: stats.duplicates,
    storedEvents: Number(row.n),
    storedDistinct: Number(row.d),
    exitStatus: status,
    shutdownMs,
  }
  console.log(JSON.stringify(result, null, 2))
  if (opt.out) writeFileSync(opt.out, JSON.stringify(result, null, 2) + '\n')
  const ok = status.code === 0 && undelivered === 0 && result.storedEvents === ids.size && result.storedDistinct === ids.size && stats.retryAfterMissing === 0 && overloadMem.peakMiB <= 1024
  console.log(ok ? 'OK: shed with Retry-After, RSS ≤ 1 GiB, every event stored once, stopped cleanly on SIGTERM' : 'FAILED: see above')
  process.exitCode = ok ? 0 : 1
} catch (err) {
  console.error(err, child.tail.join('\n'))
  process.exitCode = 1
} finally {
  if (child.exitCode === null) await stop(child)
  agent.destroy()
  cleanup()
}
