#!/usr/bin/env node
// Issue 12, target 2: reports while the site is live. For each log size, a real collector (the
// built CLI, a child process, a fresh DuckDB file) is filled through POST /v1/batch; then, side by
// side in one run:
//   idle  — overview and funnel asked every second, nothing else happening;
//   live  — visitors stream in at 100 and then 1,000 events/s (70 % returning visitors, pageviews
//           at the current time, in one batch every 100 ms) while overview and funnel are asked
//           every second.
// Target: live p95 ≤ 3 × idle p50 + 100 ms for each report, size and rate; every overview counts
// at least the pageviews acknowledged before it was asked (and at most those sent). The
// collector's peak RSS is sampled throughout (fill = sustained ingest).
//
//   npm run bench:live                       # 200k and 1.6M events
//   node bench/live.mjs --sizes 50000 --seconds 5
//
// Writes bench/results/live.json; prints a Markdown table.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { prng } from './events.mjs'
import { freePort, sampleRss, sleep, spawnNode, stop, waitReady } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'packages/collector/bin/trackway.js')
const { values: opt } = parseArgs({
  options: {
    sizes: { type: 'string', default: '200000,1600000' },
    rates: { type: 'string', default: '100,1000' },
    seconds: { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '10' },
    'memory-limit': { type: 'string' },
    // the collector's own log (level info) into this file, for finding what a failed run did
    'child-log': { type: 'string' },
  },
})
const SIZES = opt.sizes.split(',').map(Number)
const RATES = opt.rates.split(',').map(Number)
const SECONDS = Number(opt.seconds)
const IDLE_SECONDS = Number(opt['idle-seconds'])
const SITE = 'live'
const ORIGIN = 'https://live.example'
const TOKEN = 'bench-live-admin-token-0123456789'
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const DAY = 86_400_000
const log = (...a) => console.error(...a)
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

const rand = prng(12)
let idn = 0
const newId = (p) => `${p}${(idn++).toString(36).padStart(10, '0')}`

const PAGES = ['/', '/p/trail-runner', '/p/rain-jacket', '/c/running', '/c/hiking', '/blog/winter-running', '/cart', '/checkout']
/** A visitor's event (SPEC §2 wire shape). Pageviews mostly; carts, checkouts and purchases in the fill. */
function wireEvent(anon, ts, kind = 'mixed') {
  const x = kind === 'pageview' ? 0 : rand()
  const path = PAGES[Math.floor(rand() * PAGES.length)]
  const base = { id: newId('e'), ts, anonymousId: anon, url: `${ORIGIN}${path}` }
  if (x < 0.85) return { ...base, type: 'pageview', ...(rand() < 0.2 ? { referrer: 'https://www.google.com/' } : {}) }
  if (x < 0.93) return { ...base, type: 'cart_add' }
  if (x < 0.97) return { ...base, type: 'checkout' }
  return { ...base, type: 'purchase', orderId: newId('o'), revenue: 20 + Math.floor(rand() * 100) }
}

async function postBatch(port, events) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': UA },
    body: JSON.stringify({ site: SITE, sentAt: Date.now(), events }),
  })
  const body = await res.json()
  if (res.status !== 200 || body.accepted !== events.length) throw new Error(`batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`)
}

const day = (ms) => new Date(ms).toISOString().slice(0, 10)
async function report(port, kind) {
  const q = `from=${day(Date.now() - 8 * DAY)}&to=${day(Date.now() + DAY)}`
  const url =
    kind === 'overview'
      ? `http://127.0.0.1:${port}/v1/sites/${SITE}/stats/overview?${q}`
      : `http://127.0.0.1:${port}/v1/sites/${SITE}/stats/funnel?${q}&steps=pageview,cart_add,checkout,purchase`
  const t0 = performance.now()
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
  const body = await res.json()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`)
  return { ms, body }
}

async function runSize(n) {
  const dir = mkdtempSync(join(tmpdir(), 'trackway-live-'))
  const port = await freePort()
  const args = [BIN, 'serve', '--port', String(port), '--store', `duckdb:${join(dir, 'live.duckdb')}`, '--admin-token', TOKEN,
    '--site', `${SITE}:${ORIGIN}`, '--log-level', opt['child-log'] ? 'info' : 'warn', ...(opt['memory-limit'] ? ['--memory-limit', opt['memory-limit']] : [])]
  const child = spawnNode(args)
  if (opt['child-log']) {
    const file = createWriteStream(opt['child-log'], { flags: 'a' })
    child.stdout.pipe(file)
    child.stderr.pipe(file)
  }
  const out = { events: n }
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, child, 60_000)
    const rss = sampleRss(child.pid)
    // fill: n events of n/12 browsers over the last 7 days, batches of 500, 4 in flight
    const browsers = Array.from({ length: Math.max(100, Math.floor(n / 12)) }, (_, i) => `fill-${i.toString(36)}`)
    let pageviews = 0
    const t0 = performance.now()
    let sent = 0
    const worker = async () => {
      while (sent < n) {
        const k = Math.min(500, n - sent)
        sent += k
        const now = Date.now()
        const events = Array.from({ length: k }, () => wireEvent(browsers[Math.floor(rand() * browsers.length)], now - Math.floor(rand() * 7 * DAY)))
        pageviews += events.filter((e) => e.type === 'pageview').length
        await postBatch(port, events)
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
    const fillS = (performance.now() - t0) / 1000
    out.fill = { seconds: +fillS.toFixed(1), eventsPerSec: Math.round(n / fillS), peakRssMiB: Math.round(rss.stop().peakMiB) }
    log(`  ${n}: filled in ${fillS.toFixed(1)} s (${out.fill.eventsPerSec} events/s), collector peak RSS ${out.fill.peakRssMiB} MiB`)
    const rss2 = sampleRss(child.pid)
    // the first report derives what the fill left (timed apart), then the idle phase
    out.catchUpMs = Math.round((await report(port, 'overview')).ms)
    log(`  ${n}: first report after the fill (deriving what it left) ${out.catchUpMs} ms`)
    await sleep(1500)
    let acked = pageviews
    let sentPv = pageviews
    const phase = async (rate, seconds) => {
      const lat = { overview: [], funnel: [] }
      const undercount = []
      let stopAt = performance.now() + seconds * 1000
      let streaming = Promise.resolve()
      if (rate > 0) {
        streaming = (async () => {
          const perTick = Math.max(1, Math.round(rate / 10))
          const inflight = new Set()
          for (let tick = 0; performance.now() < stopAt; tick++) {
            const tickAt = performance.now()
            const now = Date.now()
            const events = Array.from({ length: perTick }, () =>
              wireEvent(rand() < 0.7 ? browsers[Math.floor(rand() * browsers.length)] : `new-${newId('b')}`, now, 'pageview'))
            sentPv += events.length
            const p = postBatch(port, events).then(() => (acked += events.length))
            inflight.add(p)
            p.finally(() => inflight.delete(p))
            await sleep(Math.max(0, 100 - (performance.now() - tickAt)))
          }
          await Promise.all(inflight)
        })()
      }
      const asking = (async () => {
        for (let i = 0; performance.now() < stopAt; i++) {
          const tickAt = performance.now()
          const before = acked
          const o = await report(port, 'overview')
          lat.overview.push(o.ms)
          if (o.body.pageviews < before || o.body.pageviews > sentPv) undercount.push({ reported: o.body.pageviews, acked: before, sent: sentPv })
          lat.funnel.push((await report(port, 'funnel')).ms)
          await sleep(Math.max(0, 1000 - (performance.now() - tickAt)))
        }
      })()
      await Promise.all([streaming, asking])
      return { rate, seconds, lat, undercount }
    }
    const idle = await phase(0, IDLE_SECONDS)
    out.idle = Object.fromEntries(Object.entries(idle.lat).map(([k, v]) => [k, { p50: Math.round(pct(v, 50)), p95: Math.round(pct(v, 95)), n: v.length }]))
    log(`  ${n}: idle overview p50 ${out.idle.overview.p50} ms, funnel p50 ${out.idle.funnel.p50} ms`)
    out.live = []
    for (const rate of RATES) {
      const p = await phase(rate, SECONDS)
      const row = { rate, reports: {}, undercounted: p.undercount.length, samples: p.undercount.slice(0, 3) }
      for (const [k, v] of Object.entries(p.lat)) {
        const bound = 3 * out.idle[k].p50 + 100
        row.reports[k] = { p50: Math.round(pct(v, 50)), p95: Math.round(pct(v, 95)), max: Math.round(Math.max(...v)), n: v.length, bound, met: pct(v, 95) <= bound }
      }
      out.live.push(row)
      log(`  ${n} @ ${rate}/s: overview p95 ${row.reports.overview.p95} ms (bound ${row.reports.overview.bound}), funnel p95 ${row.reports.funnel.p95} ms (bound ${row.reports.funnel.bound}); undercounted ${row.undercounted}`)
      await sleep(1000)
    }
    // every acknowledged event counted at the end too
    const final = await report(port, 'overview')
    out.final = { reported: final.body.pageviews, acked, sent: sentPv }
    out.peakRssMiB = Math.round(Math.max(out.fill.peakRssMiB, rss2.stop().peakMiB))
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
  return out
}

const results = []
for (const n of SIZES) results.push(await runSize(n))
const out = { date: new Date().toISOString(), cpus: cpus().length, load: loadavg().map((x) => +x.toFixed(1)), seconds: SECONDS, idleSeconds: IDLE_SECONDS, results }
mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
writeFileSync(join(ROOT, 'bench/results/live.json'), JSON.stringify(out, null, 2))
console.log('| stored events | rate | report | idle p50 | live p50 | live p95 | bound 3×idle p50 + 100 | met | overviews short of acked |')
console.log('|---:|---:|---|---:|---:|---:|---:|---|---:|')
for (const r of results) {
  for (const l of r.live) {
    for (const k of ['overview', 'funnel']) {
      const x = l.reports[k]
      console.log(`| ${r.events.toLocaleString('en-US')} | ${l.rate}/s | ${k} | ${r.idle[k].p50} ms | ${x.p50} ms | ${x.p95} ms | ${x.bound} ms | ${x.met ? 'yes' : 'no'} | ${l.undercounted} |`)
    }
  }
}
for (const r of results) {
  console.log(`\n${r.events.toLocaleString('en-US')} events: fill ${r.fill.eventsPerSec.toLocaleString('en-US')} events/s (collector peak RSS ${r.fill.peakRssMiB} MiB while filling, ${r.peakRssMiB} MiB overall); first report after the fill ${r.catchUpMs} ms; at the end ${r.final.reported} pageviews reported, ${r.final.acked} acknowledged, ${r.final.sent} sent.`)
}
console.log(`\nLoad average ${out.load.join(', ')} on ${out.cpus} cores.`)
