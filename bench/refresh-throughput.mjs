#!/usr/bin/env node
// Issue 12: throughput of the derivation's fast path (derive/incremental.ts), in events derived per
// second, against ingest's ~27k events/s.
//
//   npm run build && node bench/refresh-throughput.mjs
//   node bench/refresh-throughput.mjs --dist /tmp/dist-before,packages/collector/dist --rounds 3
//
// Each --dist is a built collector (packages/collector/dist, or a copy of it made at another
// commit: `cp -r packages/collector/dist packages/collector/dist-before`; keep the copy inside
// packages/collector so that it resolves the same node_modules). With several, every round runs
// each of them on each case, in rotating order, so that they are measured side by side.
//
// Cases (fresh store in a temp directory each time, { backgroundRefresh: false }):
// - `new`: --events (50k) events of --browsers (20k) new browsers, each event its own session
//   (a browser's events an hour apart); 3 % carry campaign parameters, 1 % are purchases, 0.5 %
//   signups (a browser's first: the person is renamed).
// - `returning`: --browsers browsers with one pageview each, derived first (not timed); then
//   --events events of them continuing their sessions (10 s apart), 3 % campaign landings that
//   start new sessions, engagement events, 1 % purchases.
// Times `store.derivation.refresh()` of the appended events and prints events/s, with the time per
// phase: the DuckDB calls of the refresh (queries, scripts, appenders, result conversions, by what
// they touch) are timed by wrapping @duckdb/node-api's prototypes, and the time between them (the
// collector's own JavaScript) is counted as "js before <the next call>".
// A digest of the derived tables per case must be the same for every dist (printed).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opt } = parseArgs({
  options: {
    dist: { type: 'string', default: join(ROOT, 'packages/collector/dist') },
    events: { type: 'string', default: '50000' },
    browsers: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    cases: { type: 'string', default: 'new,returning' },
  },
})
const EVENTS = Number(opt.events)
const BROWSERS = Number(opt.browsers)
const ROUNDS = Number(opt.rounds)
const CASES = opt.cases.split(',')
const SITE = 'bench'
const T0 = Date.UTC(2026, 10, 1)
const log = (...a) => console.error(...a)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

// ---- timing of the DuckDB calls -------------------------------------------------------------

let timeline = null // [label, start, end][] while a timed refresh runs
let depth = 0
const label = (sql) => {
  const s = String(sql).replace(/\s+/g, ' ')
  const rules = [
    [/^BEGIN/i, 'begin'], [/^COMMIT/i, 'commit'], [/^ROLLBACK/i, 'rollback'],
    [/FROM tw_state/, 'state'], [/DELETE FROM tw_state/, 'state'],
    [/FROM events (e )?WHERE (e\.)?rowid/, 'read events'],
    [/FROM tw_links l SEMI JOIN tw_nk/, 'read links'],
    [/FROM tw_persons p SEMI JOIN tw_nk/, 'read persons'],
    [/nextval\('tw_(pno|sid)_seq'\)/, 'numbers'],
  ]
  for (const [re, name] of rules) if (re.test(s)) return name
  const ddl = /^\s*(CREATE (OR REPLACE )?TEMP TABLE \w+ \(|CREATE TEMP TABLE IF NOT EXISTS|DELETE FROM temp\.\w+\s*$|TRUNCATE|DROP TABLE IF EXISTS temp)/i
  if (s.split(';').filter((x) => x.trim()).every((x) => ddl.test(x))) return 'staging ddl'
  if (/tw_sessions|tw_persons|tw_orders|tw_links/.test(s)) return 'writes'
  return `other: ${s.slice(0, 60)}`
}
function wrap(proto, name, labelOf) {
  const orig = proto[name]
  proto[name] = function (...args) {
    if (timeline === null || depth > 0) return orig.apply(this, args)
    const l = labelOf.call(this, ...args)
    const t = performance.now()
    depth++
    let out
    try {
      out = orig.apply(this, args)
    } catch (err) {
      depth--
      throw err
    }
    if (out && typeof out.then === 'function') {
      return out.finally(() => {
        depth--
        timeline?.push([l, t, performance.now()])
      })
    }
    depth--
    timeline.push([l, t, performance.now()])
    return out
  }
}
function instrument(distIndex) {
  const req = createRequire(distIndex)
  const api = req(req.resolve('@duckdb/node-api'))
  if (api.__benchWrapped) return
  api.__benchWrapped = true
  const conn = api.DuckDBConnection.prototype
  for (const m of ['run', 'runAndReadAll', 'runAndRead']) wrap(conn, m, (sql) => label(sql))
  wrap(conn, 'createAppender', (table) => `append ${table}`)
  const app = api.DuckDBAppender.prototype
  // an appender's rows until its close: counted from createAppender's end to closeSync's end
  const open = new WeakMap()
  const create = conn.createAppender
  conn.createAppender = async function (table, ...rest) {
    const a = await create.call(this, table, ...rest)
    if (timeline !== null) open.set(a, [`append ${table}`, performance.now()])
    return a
  }
  const close = app.closeSync
  app.closeSync = function () {
    const o = open.get(this)
    const out = close.call(this)
    if (o && timeline !== null) timeline.push([o[0], o[1], performance.now()])
    return out
  }
  const reader = api.DuckDBResultReader.prototype
  for (const m of ['getColumnsJS', 'getRowsJS', 'getColumns', 'getRows', 'getRowObjectsJS', 'getColumnsObjectJS']) wrap(reader, m, () => `convert (${m})`)
  for (const m of ['getColumnValues', 'getColumnVector']) if (api.DuckDBDataChunk?.prototype?.[m]) wrap(api.DuckDBDataChunk.prototype, m, () => `convert (chunk.${m})`)
}
/** Per label: ms; the gaps between calls as "js before <label>". */
function phases(tl, t0, t1) {
  tl.sort((a, b) => a[1] - b[1])
  const out = new Map()
  const add = (l, ms) => out.set(l, (out.get(l) ?? 0) + ms)
  let at = t0
  for (const [l, s, e] of tl) {
    if (s > at) add(`js before ${l}`, s - at)
    if (e > at) add(l, e - Math.max(s, at))
    at = Math.max(at, e)
  }
  if (t1 > at) add('js after the last call', t1 - at)
  return out
}

// ---- the events ------------------------------------------------------------------------------

const CAMPAIGNS = ['spring', 'summer', 'retarget']
function event(i, anon, t, type, extra = {}) {
  return {
    site: SITE, id: `e-${String(i).padStart(8, '0')}`, type, name: null, t, ts: t, receivedAt: t,
    anonymousId: anon, userId: null, url: 'https://shop.example/p', path: `/p/${i % 40}`,
    referrer: null, referrerDomain: i % 5 === 0 ? 'www.google.com' : null, title: null, props: null, orderId: null, revenue: null, currency: null, items: null,
    referralCode: null, urlRef: null, score: null, experiment: null, variant: null, engagedMs: null, browser: 'Chrome', os: 'Linux',
    device: i % 3 === 0 ? 'mobile' : 'desktop', isBot: false, country: 'DE', utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null,
    utmId: null, gclid: null, fbclid: null, msclkid: null, ...extra,
  }
}
const campaign = (i) => ({ utmSource: 'newsletter', utmMedium: 'email', utmCampaign: CAMPAIGNS[i % 3] })

/** `new`: browser b's events at k = b, b + B, ...: an hour apart, each its own session. */
function newCase() {
  const rows = []
  for (let k = 0; k < EVENTS; k++) {
    const b = k % BROWSERS
    const round = Math.floor(k / BROWSERS)
    const t = T0 + round * 3_600_000 + b
    const anon = `anon-${b}`
    if (k % 200 === 7 && round === 0) rows.push(event(k, anon, t, 'signup', { userId: `user-${b}` }))
    else if (k % 100 === 3) rows.push(event(k, anon, t, 'purchase', { orderId: `o-${k}`, revenue: 10 + (k % 7), currency: 'EUR' }))
    else rows.push(event(k, anon, t, 'pageview', k % 33 === 0 ? campaign(k) : {}))
  }
  return { seed: [], rows }
}

/** `returning`: one pageview per browser (seed), then the events continuing their sessions. */
function returningCase() {
  const seed = []
  for (let b = 0; b < BROWSERS; b++) seed.push(event(10_000_000 + b, `anon-${b}`, T0 + b, 'pageview'))
  const rows = []
  for (let k = 0; k < EVENTS; k++) {
    const b = k % BROWSERS
    const t = T0 + BROWSERS + 1 + Math.floor(k / BROWSERS) * 10_000 + b
    const anon = `anon-${b}`
    if (k % 50 === 11) rows.push(event(k, anon, t, 'engagement', { engagedMs: 1500 + (k % 1000) }))
    else if (k % 100 === 3) rows.push(event(k, anon, t, 'purchase', { orderId: `o-${k % 5000}`, revenue: 10 + (k % 7), currency: 'EUR' }))
    else if (k % 100 === 5) rows.push(event(k, anon, t, 'cart_add'))
    else rows.push(event(k, anon, t, 'pageview', k % 33 === 0 ? campaign(k) : {}))
  }
  return { seed, rows }
}

const DIGEST_SQL = `SELECT
  (SELECT count(*) FROM tw_persons) AS persons, (SELECT count(*) FILTER (WHERE solo) FROM tw_persons) AS solo,
  (SELECT count(*) FROM tw_sessions) AS sessions, (SELECT sum(pageviews) + sum(others) FROM tw_sessions) AS counted,
  (SELECT sum(tail) FROM tw_sessions) AS tail, (SELECT sum(len(pages)) + sum(len(goals)) FROM tw_sessions) AS lists,
  (SELECT count(DISTINCT channel || source || campaign) FROM tw_sessions) AS channels,
  (SELECT count(*) FROM tw_pe) AS pe, (SELECT sum(seq) FROM tw_pe) AS seqs,
  (SELECT count(*) FROM tw_orders) AS orders, (SELECT count(*) FROM tw_links) AS links`

// ---- the run ---------------------------------------------------------------------------------

const dists = opt.dist.split(',').map((d) => resolve(ROOT, d))
const stores = []
for (const d of dists) {
  const index = join(d, 'index.js')
  instrument(index)
  const { DuckDBStore } = await import(pathToFileURL(index).href)
  stores.push({ name: basename(d) === 'dist' ? basename(dirname(dirname(d))) + '/' + basename(d) : basename(d), DuckDBStore })
}
const data = { new: newCase(), returning: returningCase() }
const results = new Map() // `${dist}\t${case}` -> { ms: [], phases: [], digest }

async function once(s, name) {
  const dir = mkdtempSync(join(tmpdir(), 'tw-throughput-'))
  try {
    const store = new s.DuckDBStore(join(dir, 'store.duckdb'), { backgroundRefresh: false })
    await store.init()
    const { seed, rows } = data[name]
    if (seed.length > 0) {
      await store.log.append(seed)
      await store.derivation.refresh()
    }
    for (let i = 0; i < rows.length; i += 5000) await store.log.append(rows.slice(i, i + 5000))
    timeline = []
    const t0 = performance.now()
    const r = await store.derivation.refresh()
    const t1 = performance.now()
    const tl = timeline
    timeline = null
    const conn = await store.db.instance.connect()
    const digest = JSON.stringify((await conn.runAndReadAll(DIGEST_SQL)).getRowObjectsJS()[0], (_, v) => (typeof v === 'bigint' ? Number(v) : v))
    conn.closeSync()
    await store.close()
    return { ms: t1 - t0, events: r.events, kind: r.kind, phases: phases(tl, t0, t1), digest }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
for (let round = 0; round < ROUNDS; round++) {
  for (const name of CASES) {
    for (let i = 0; i < stores.length; i++) {
      const s = stores[(i + round) % stores.length]
      const r = await once(s, name)
      const k = `${s.name}\t${name}`
      if (!results.has(k)) results.set(k, { ms: [], phases: [], digests: new Set() })
      const acc = results.get(k)
      acc.ms.push(r.ms)
      acc.phases.push(r.phases)
      acc.digests.add(r.digest)
      log(`  round ${round + 1} ${name} ${s.name}: ${r.events} events (${r.kind}) in ${r.ms.toFixed(0)} ms = ${Math.round(r.events / (r.ms / 1000))} events/s`)
    }
  }
}
log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)

for (const name of CASES) {
  console.log(`\n## case ${name}: ${EVENTS} events of ${BROWSERS} browsers, median of ${ROUNDS}`)
  const digests = new Set()
  const cols = stores.map((s) => results.get(`${s.name}\t${name}`))
  for (const [i, s] of stores.entries()) {
    const m = median(cols[i].ms)
    console.log(`${s.name}: ${m.toFixed(0)} ms = ${Math.round(EVENTS / (m / 1000))} events/s  (rounds ${cols[i].ms.map((x) => x.toFixed(0)).join(' / ')})`)
    for (const d of cols[i].digests) digests.add(d)
  }
  console.log(digests.size === 1 ? `digest (same for all): ${[...digests][0]}` : `DIGESTS DIFFER:\n${[...digests].join('\n')}`)
  const labels = new Set()
  for (const c of cols) for (const p of c.phases) for (const l of p.keys()) labels.add(l)
  const rows = [...labels].map((l) => [l, ...cols.map((c) => median(c.phases.map((p) => p.get(l) ?? 0)))])
  rows.sort((a, b) => Math.max(...b.slice(1)) - Math.max(...a.slice(1)))
  console.log(`\n| phase (ms, median) | ${stores.map((s) => s.name).join(' | ')} |\n|---|${stores.map(() => '---:').join('|')}|`)
  for (const [l, ...ms] of rows) if (Math.max(...ms) >= 1) console.log(`| ${l} | ${ms.map((x) => x.toFixed(0)).join(' | ')} |`)
}
