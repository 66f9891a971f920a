#!/usr/bin/env node
// The SDK benchmark of Trackway: main-thread cost of `track()` in real Chromium, side by side in
// the same page with Segment's analytics-next (`npm run bench`, or alone: `npm run bench -- --sdk-only`,
// or `node bench/sdk-track.mjs`; BENCHMARKS.md explains the method).
//
// One page on 127.0.0.1 (node:http, this process) loads both SDKs: Trackway's script-tag bundle
// (`/sdk.js`, packages/sdk/dist/trackway.min.js) and analytics-next's UMD build with inline CDN
// settings (no settings fetch). Both deliver to this server, which answers 200. Requests to
// Segment's hosts are aborted by Playwright (counted; none are expected).
//
// Each round measures each SDK once, in turn (the order alternates round by round), each in a
// fresh browser context and page that loads and initializes BOTH SDKs (the same page every time),
// so no measurement runs beside the other SDK's leftover work: analytics-next is still sending its
// 10k requests (one per event) long after its calls return. One `page.evaluate` times N synchronous
// `track()` calls with `performance.now()` around the loop (cross-origin isolated page: 5 µs
// resolution) and a time stamp every N/10 calls. Reported per SDK: the loop (the target figure)
// and its first and last tenth; the loop plus the microtasks it queued (until a task posted right
// after the loop runs); and the main thread's task time (CDP Performance.getMetrics TaskDuration,
// wall) from the calls until the page settles (the SDK has sent, then no request for 1 s, main
// thread idle) or 5 s pass, which includes the SDK's deferred work (storage, batching, delivery).
//
// Options: --quick (1 round × 2000 calls, a smoke run) --sdk-rounds N --calls N --out FILE
// --tw-max-queue N (sets Trackway's data-max-queue; default: the SDK's default) --chromium PATH
import { createHash } from 'node:crypto'
import { readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { execFileSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { median, sleep } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const SDK_BUNDLE = join(ROOT, 'packages/sdk/dist/trackway.min.js')
const SEGMENT_PKG = dirname(require.resolve('@segment/analytics-next/package.json'))
const SEGMENT_UMD = join(SEGMENT_PKG, 'dist/umd')
const SEGMENT_VERSION = JSON.parse(readFileSync(join(SEGMENT_PKG, 'package.json'), 'utf8')).version
const PLAYWRIGHT_VERSION = JSON.parse(readFileSync(require.resolve('playwright-core/package.json'), 'utf8')).version

export const TARGET_RATIO = 0.2
const DEFAULT_ROUNDS = 2
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
/** Requests to these hosts never leave the machine: Playwright aborts them. */
const SEGMENT_HOSTS = /^https?:\/\/([^/]*\.)?(segment\.(io|com)|segmentapis\.com)(:\d+)?\//i
/** Settling: no request for `quietMs` and an idle main thread; after the calls, watched for at most `windowMs`. */
const SETTLE = { minMs: 500, quietMs: 1_000, maxMs: 10_000, windowMs: 5_000 }

const log = (...a) => console.log(...a)
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a')

/** The test page: the Trackway stub + script tag, then analytics-next (UMD global `AnalyticsNext`). */
function pageHtml(origin, twMaxQueue) {
  const maxQueue = twMaxQueue ? ` data-max-queue="${twMaxQueue}"` : ''
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>sdk track bench</title>
<script>
window.trackway=window.trackway||function(){(trackway.q=trackway.q||[]).push(arguments)}
</script>
<script src="/sdk.js" data-site="bench" data-endpoint="${origin}"${maxQueue}></script>
<script src="/segment/index.js"></script>
<script>
// Inline CDN settings: analytics-next fetches nothing from cdn.segment.com. Events go to this
// server (/seg/t), and so would remote metrics (/seg/m).
const seg = { apiKey: 'x', apiHost: location.host + '/seg', protocol: 'http' }
AnalyticsNext.AnalyticsBrowser.load(
  { writeKey: 'x', cdnURL: location.origin, cdnSettings: { integrations: { 'Segment.io': seg } } },
  { integrations: { 'Segment.io': seg } },
).then(([analytics]) => { window.__segment = analytics }, (e) => { window.__segmentError = String(e) })
</script>
</head><body><h1>sdk track bench</h1></body></html>
`
}

/** The local server: page, bundles, Trackway's /v1/batch and Segment's /seg/*, all answered 200. */
function startServer({ bundle, twMaxQueue }) {
  const counts = { requests: 0, twRequests: 0, twEvents: 0, segEvents: 0, segOther: 0, other: [] }
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': 'content-type, authorization, x-retry-count',
    'access-control-max-age': '600',
    // Cross-origin isolated page: performance.now() resolution 5 µs instead of 100 µs.
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  }
  let origin = ''
  const server = createServer((req, res) => {
    counts.requests++
    const url = new URL(req.url, 'http://x')
    // Answers to POSTs carry the collector's headers: no Cache-Control (with `no-store`, Chromium
    // keeps an unread keepalive response's body in flight, against the 64 KiB keepalive budget).
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, ...(req.method === 'GET' ? { 'cache-control': 'no-store' } : {}), ...cors })
      res.end(body)
    }
    if (req.method === 'OPTIONS') return send(204, 'text/plain', '')
    if (req.method === 'GET' && url.pathname === '/') return send(200, 'text/html; charset=utf-8', pageHtml(origin, twMaxQueue))
    if (req.method === 'GET' && url.pathname === '/sdk.js') return send(200, 'text/javascript', bundle)
    if (req.method === 'GET' && url.pathname.startsWith('/segment/')) {
      // index.js, and any code-split chunk analytics-next would load from its "CDN" (none expected).
      const file = normalize(join(SEGMENT_UMD, url.pathname.slice('/segment/'.length)))
      if (file.startsWith(SEGMENT_UMD) && existsSync(file)) return send(200, 'text/javascript', readFileSync(file))
    }
    if (req.method === 'POST') {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        if (url.pathname === '/v1/batch') {
          let n = 0
          try {
            n = JSON.parse(body).events?.length ?? 0
          } catch {}
          counts.twRequests++
          counts.twEvents += n
          return send(200, 'application/json', JSON.stringify({ accepted: n, duplicates: 0, rejected: [] }))
        }
        if (url.pathname.startsWith('/seg/')) {
          // /seg/t: one track event per request (analytics-next's default delivery); /seg/m: its metrics.
          if (url.pathname === '/seg/t') counts.segEvents++
          else counts.segOther++
          return send(200, 'application/json', '{"success":true}')
        }
        counts.other.push(`${req.method} ${url.pathname}`)
        send(404, 'text/plain', 'not found')
      })
      return
    }
    if (url.pathname !== '/favicon.ico') counts.other.push(`${req.method} ${url.pathname}`)
    send(404, 'text/plain', 'not found')
  })
  server.keepAliveTimeout = 30_000
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${server.address().port}`
    resolve({ server, origin, counts })
  }))
}

/**
 * Times `n` synchronous track() calls of one SDK in the page, with a time stamp every `every`
 * calls (the cost curve: the first calls against the last). Runs in the page.
 */
async function timeCalls({ sdk, n, every }) {
  // Run the calls in a task of their own (a timer's), as an app's handler would, not inside the
  // DevTools protocol's evaluation.
  await new Promise((resolve) => setTimeout(resolve, 0))
  const marks = new Float64Array(Math.ceil(n / every) + 1)
  let m = 0
  const t0 = performance.now()
  marks[m++] = t0
  if (sdk === 'trackway') {
    const tw = window.trackway
    for (let i = 0; i < n; i++) {
      tw('track', 'evt', { i })
      if ((i + 1) % every === 0) marks[m++] = performance.now()
    }
  } else {
    const analytics = window.__segment
    // Returns a promise per call: not awaited (the caller of track() does not wait either).
    for (let i = 0; i < n; i++) {
      analytics.track('evt', { i })
      if ((i + 1) % every === 0) marks[m++] = performance.now()
    }
  }
  const t1 = performance.now()
  // A task posted now runs once the microtasks the calls queued are done (and earlier tasks).
  const t2 = await new Promise((resolve) => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => resolve(performance.now())
    ch.port2.postMessage(0)
  })
  return { t0, t1, t2, marks: Array.from(marks.subarray(0, m)), isolated: crossOriginIsolated }
}

/**
 * Waits until no request reached the server for `quietMs` and the page's main thread is idle,
 * or `maxMs` passed; with `delivered`, only once it returns true (the SDK has sent something:
 * before its first request an SDK may wait for storage, off the main thread).
 */
async function settle(page, counts, maxMs, delivered = () => true) {
  const start = Date.now()
  await sleep(Math.min(SETTLE.minMs, maxMs))
  let last = counts.requests
  let quietSince = Date.now()
  let idleStreak = 0
  while (Date.now() - start < maxMs) {
    await sleep(100)
    if (counts.requests !== last) {
      last = counts.requests
      quietSince = Date.now()
      idleStreak = 0
      continue
    }
    if (Date.now() - quietSince < SETTLE.quietMs || !delivered()) continue
    // requestIdleCallback gives up to 50 ms when nothing else is scheduled.
    const remaining = await page.evaluate(() => new Promise((r) => requestIdleCallback((d) => r(d.timeRemaining()), { timeout: 1000 })))
    idleStreak = remaining >= 45 ? idleStreak + 1 : 0
    if (idleStreak >= 2) return { ms: Date.now() - start, settled: true }
  }
  return { ms: Date.now() - start, settled: false }
}

async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN
  return { task: get('TaskDuration'), script: get('ScriptDuration') }
}

/**
 * One measurement: a fresh context and page that loads and initializes both SDKs; then `calls`
 * track() calls of `sdk`, and the page watched until it settles or the window ends.
 */
async function measurePage(browser, origin, counts, sdk, calls, every) {
  const context = await browser.newContext()
  const blocked = []
  await context.route(SEGMENT_HOSTS, (route) => {
    blocked.push(route.request().url())
    return route.abort('blockedbyclient')
  })
  try {
    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    const cdp = await context.newCDPSession(page)
    // Wall time of the main thread's tasks: time the page could not respond, including time
    // blocked in synchronous IPC (document.cookie), which thread CPU time would leave out.
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })
    await page.goto(`${origin}/`, { waitUntil: 'load' })
    const initialized = await page.waitForFunction(
      () => (window.__segmentError ? window.__segmentError
        : typeof window.trackway === 'function' && !('q' in window.trackway) && window.__segment ? 'ok' : false),
      null, { timeout: 15_000 },
    ).then((h) => h.jsonValue())
    if (initialized !== 'ok') throw new Error(`Segment failed to load: ${initialized}`)
    // Trackway's initial pageview: delivered now, not by its 5 s timer during the measurement.
    const tw0 = counts.twEvents
    await page.evaluate(() => window.trackway('flush'))
    const until = Date.now() + 5000
    while (counts.twEvents === tw0 && Date.now() < until) await sleep(20)
    const quiet = await settle(page, counts, SETTLE.maxMs)

    const before = { twEvents: counts.twEvents, twRequests: counts.twRequests, segEvents: counts.segEvents }
    const m0 = await taskSeconds(cdp)
    const { t0, t1, t2, marks, isolated } = await page.evaluate(timeCalls, { sdk, n: calls, every })
    const after = await settle(page, counts, SETTLE.windowMs,
      () => (sdk === 'trackway' ? counts.twEvents > before.twEvents : counts.segEvents > before.segEvents))
    const m1 = await taskSeconds(cdp)
    const chunkUs = marks.slice(1).map((t, i) => ((t - marks[i]) * 1000) / every)
    return {
      sdk,
      loopMs: t1 - t0,
      usPerCall: ((t1 - t0) * 1000) / calls,
      firstUsPerCall: chunkUs[0],
      lastUsPerCall: chunkUs[chunkUs.length - 1],
      chunkUsPerCall: chunkUs.map((x) => Math.round(x * 100) / 100),
      loopAndMicrotasksMs: t2 - t0,
      mainThreadTaskMs: (m1.task - m0.task) * 1000,
      mainThreadScriptMs: (m1.script - m0.script) * 1000,
      afterMs: after.ms,
      settled: after.settled,
      delivered: sdk === 'trackway'
        ? { requests: counts.twRequests - before.twRequests, events: counts.twEvents - before.twEvents }
        : { requests: counts.segEvents - before.segEvents, events: counts.segEvents - before.segEvents },
      crossOriginIsolated: isolated,
      quietBefore: quiet.settled,
      blocked,
      pageErrors: errors,
    }
  } finally {
    await context.close()
  }
}

export async function runSdkTrack({ quick = false, rounds, calls, out, twMaxQueue, chromiumPath } = {}) {
  const cfg = {
    rounds: Number(rounds ?? (quick ? 1 : DEFAULT_ROUNDS)),
    calls: Number(calls ?? (quick ? 2_000 : 10_000)),
    twMaxQueue: twMaxQueue ? Number(twMaxQueue) : null,
  }
  // Time stamps every tenth of the calls: the cost of the first calls against the last.
  cfg.every = Math.max(1, Math.floor(cfg.calls / 10))
  for (const [k, v] of Object.entries(cfg)) {
    if (v !== null && !(Number.isInteger(v) && v > 0)) {
      console.error(`bench sdk: ${k} must be a positive integer, got ${v}`)
      return 2
    }
  }
  const executablePath = chromiumPath ?? '/usr/bin/chromium'
  const OUT = out ?? join(ROOT, 'bench/results', quick ? 'sdk-track-quick.json' : 'sdk-track.json')
  log(`\nSDK: track() main-thread cost vs Segment analytics-next${quick ? ' (quick)' : ''}`)
  if (!existsSync(SDK_BUNDLE)) {
    console.error(`bench sdk: the SDK is not built (${SDK_BUNDLE}). Run: npx rollup -c rollup.config.ts --configPlugin typescript --environment ONLY:sdk`)
    return 1
  }
  // Read once: the bundle measured is the one hashed in the results, even if it is rebuilt meanwhile.
  const bundle = readFileSync(SDK_BUNDLE)
  const bundleInfo = { file: 'packages/sdk/dist/trackway.min.js', bytes: bundle.length, sha256: createHash('sha256').update(bundle).digest('hex').slice(0, 16) }
  let chromiumVersion = 'unknown'
  try {
    chromiumVersion = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {}

  const started = Date.now()
  const loadAvgAtStart = loadavg()[0]
  const { server, origin, counts } = await startServer({ bundle, twMaxQueue: cfg.twMaxQueue })
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  const onSignal = () => {
    browser.close().catch(() => {})
    server.close()
    process.exit(130)
  }
  process.once('SIGINT', onSignal)
  log(`  ${chromiumVersion} (headless, Playwright ${PLAYWRIGHT_VERSION}); @segment/analytics-next ${SEGMENT_VERSION}; ` +
      `Trackway ${bundleInfo.file} ${fmt(bundleInfo.bytes)} B (sha256 ${bundleInfo.sha256})${cfg.twMaxQueue ? `, data-max-queue=${cfg.twMaxQueue}` : ''}`)
  log(`  ${cfg.rounds} round(s) × ${fmt(cfg.calls)} track() calls per SDK, a fresh page per SDK and round (both SDKs loaded), order alternating; node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`)

  const roundsOut = []
  const checks = []
  const check = (ok, what) => {
    checks.push({ ok, what })
    if (!ok) log(`  FAIL ${what}`)
  }
  const line = (m) =>
    `${m.sdk.padEnd(8)} ${fmt(m.loopMs, 1).padStart(8)} ms loop, ${fmt(m.usPerCall, 2).padStart(8)} µs/call ` +
    `(first ${fmt(cfg.every)}: ${fmt(m.firstUsPerCall, 2)}, last ${fmt(cfg.every)}: ${fmt(m.lastUsPerCall, 2)}); ` +
    `${fmt(m.loopAndMicrotasksMs, 1)} ms with microtasks; ${fmt(m.mainThreadTaskMs)} ms main-thread tasks, calls + ${fmt(m.afterMs / 1000, 1)} s after ` +
    `(${m.settled ? 'settled' : 'still busy'}); ` +
    `delivered ${fmt(m.delivered.events)} events in ${fmt(m.delivered.requests)} requests`
  try {
    for (let round = 1; round <= cfg.rounds; round++) {
      const order = round % 2 ? ['trackway', 'segment'] : ['segment', 'trackway']
      log(`  round ${round}/${cfg.rounds} (${order[0]} first)`)
      const r = { round, order }
      for (const sdk of order) {
        r[sdk] = await measurePage(browser, origin, counts, sdk, cfg.calls, cfg.every)
        log(`    ${line(r[sdk])}`)
      }
      r.ratio = r.trackway.loopMs / r.segment.loopMs
      log(`    ratio Trackway/Segment (loop): ${fmt(r.ratio, 3)}`)
      roundsOut.push(r)
      for (const sdk of order) {
        const m = r[sdk]
        check(m.blocked.length === 0, `round ${round} ${sdk}: no request to Segment's hosts (aborted: ${m.blocked.length}${m.blocked[0] ? `, e.g. ${m.blocked[0]}` : ''})`)
        check(m.pageErrors.length === 0, `round ${round} ${sdk}: no page error${m.pageErrors[0] ? ` (${m.pageErrors.length}: ${m.pageErrors[0]})` : ''}`)
        check(m.quietBefore, `round ${round} ${sdk}: the page was quiet before the calls`)
        check(m.crossOriginIsolated, `round ${round} ${sdk}: cross-origin isolated page (5 µs timer resolution)`)
        check(m.delivered.events > 0, `round ${round} ${sdk}: events of the calls reached the local server (${fmt(m.delivered.events)})`)
      }
    }
  } finally {
    process.off('SIGINT', onSignal)
    await browser.close().catch(() => {})
    server.close()
    server.closeAllConnections?.()
  }
  check(counts.other.length === 0, `no unexpected request to the local server${counts.other[0] ? ` (${counts.other.slice(0, 3).join(', ')})` : ''}`)

  const med = (f) => median(roundsOut.map(f))
  const sdkSummary = (sdk) => ({
    loopMs: med((r) => r[sdk].loopMs),
    usPerCall: med((r) => r[sdk].usPerCall),
    firstUsPerCall: med((r) => r[sdk].firstUsPerCall),
    lastUsPerCall: med((r) => r[sdk].lastUsPerCall),
    loopAndMicrotasksMs: med((r) => r[sdk].loopAndMicrotasksMs),
    mainThreadTaskMs: med((r) => r[sdk].mainThreadTaskMs),
    deliveredEvents: med((r) => r[sdk].delivered.events),
    deliveredRequests: med((r) => r[sdk].delivered.requests),
  })
  const summary = {
    trackway: sdkSummary('trackway'),
    segment: sdkSummary('segment'),
    ratio: {
      loop: med((r) => r.ratio),
      loopOfMedians: med((r) => r.trackway.loopMs) / med((r) => r.segment.loopMs),
      firstCalls: med((r) => r.trackway.firstUsPerCall / r.segment.firstUsPerCall),
      lastCalls: med((r) => r.trackway.lastUsPerCall / r.segment.lastUsPerCall),
      loopAndMicrotasks: med((r) => r.trackway.loopAndMicrotasksMs / r.segment.loopAndMicrotasksMs),
      mainThreadTask: med((r) => r.trackway.mainThreadTaskMs / r.segment.mainThreadTaskMs),
    },
  }
  summary.target = { ratio: TARGET_RATIO, met: summary.ratio.loop <= TARGET_RATIO }
  const S = summary
  const table = [
    ['', 'µs/call', `first ${fmt(cfg.every)}`, `last ${fmt(cfg.every)}`, `loop ms/${fmt(cfg.calls)}`, '+ microtasks ms',
      `main-thread ms, calls + ≤ ${SETTLE.windowMs / 1000} s`, 'delivered events'],
    ...['trackway', 'segment'].map((sdk) => [sdk === 'trackway' ? 'Trackway' : `Segment ${SEGMENT_VERSION}`,
      fmt(S[sdk].usPerCall, 2), fmt(S[sdk].firstUsPerCall, 2), fmt(S[sdk].lastUsPerCall, 2), fmt(S[sdk].loopMs, 1),
      fmt(S[sdk].loopAndMicrotasksMs, 1), fmt(S[sdk].mainThreadTaskMs), fmt(S[sdk].deliveredEvents)]),
    ['Trackway / Segment', fmt(S.ratio.loop, 3), fmt(S.ratio.firstCalls, 3), fmt(S.ratio.lastCalls, 3), '', fmt(S.ratio.loopAndMicrotasks, 3),
      fmt(S.ratio.mainThreadTask, 3), ''],
  ]
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)))
  log(`\n  results (median of ${roundsOut.length} round${roundsOut.length > 1 ? 's' : ''}; ratios: median of per-round ratios)`)
  for (const r of table) log('    ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd())
  log(`    target: Trackway track() loop ≤ ${TARGET_RATIO}× Segment's: ${S.target.met ? 'met' : 'MISSED'} (${fmt(S.ratio.loop, 3)}; ratio of medians ${fmt(S.ratio.loopOfMedians, 3)})`)
  const failed = checks.filter((c) => !c.ok)
  log(`  checks: ${checks.length - failed.length}/${checks.length} passed; ${((Date.now() - started) / 1000).toFixed(1)} s`)

  const result = {
    date: new Date().toISOString(),
    machine: { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, loadavg1mAtStart: loadAvgAtStart, loadavg1mAtEnd: loadavg()[0] },
    chromium: chromiumVersion,
    playwright: PLAYWRIGHT_VERSION,
    segment: { package: '@segment/analytics-next', version: SEGMENT_VERSION, build: 'dist/umd/index.js' },
    trackway: bundleInfo,
    config: { ...cfg, quick, chromiumArgs: CHROMIUM_ARGS, settle: SETTLE },
    summary,
    checks,
    rounds: roundsOut,
  }
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n')
  log(`  wrote ${OUT.startsWith(ROOT) ? OUT.slice(ROOT.length) : OUT}`)
  return failed.length === 0 ? 0 : 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values: opt } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'sdk-rounds': { type: 'string' },
      calls: { type: 'string' },
      out: { type: 'string' },
      'tw-max-queue': { type: 'string' },
      chromium: { type: 'string' },
    },
  })
  process.exit(await runSdkTrack({
    quick: opt.quick, rounds: opt['sdk-rounds'], calls: opt.calls, out: opt.out,
    twMaxQueue: opt['tw-max-queue'], chromiumPath: opt.chromium,
  }))
}
