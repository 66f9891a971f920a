#!/usr/bin/env node
// Issue 12, target 1: the refresh of the derived tables after 1,000 new events of returning
// visitors, at two (or more) log sizes side by side in one run.
//
//   node bench/refresh.mjs                          # 100k and 10M events
//   node bench/refresh.mjs --sizes 100000,1000000 --rounds 5
//
// Stores: bench/reports-data.mjs's events (seed 42), cached as .bench-cache/stores-<N>.duckdb (the
// file bench/stores.mjs builds; built here when missing), derived by the built collector
// (packages/collector/dist). Each run works on scratch copies of them. A round appends to every
// store, in rotating order, 1,000 events of returning visitors (pageviews continuing persons'
// histories, after their last event; 2 % signups of new accounts) and times store.derivation.refresh().
// The median of the rounds per size, and their ratio, go to stdout and bench/results/refresh.json.
// At the smallest size the tables after the refreshes are compared with a rebuild.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DAYS, GENERATOR_VERSION, NOW, SITE, eventChunks } from './reports-data.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, '.bench-cache')
const { values: opt } = parseArgs({
  options: { sizes: { type: 'string', default: '100000,10000000' }, rounds: { type: 'string', default: '5' }, batch: { type: 'string', default: '1000' } },
})
const SIZES = opt.sizes.split(',').map(Number)
const ROUNDS = Number(opt.rounds)
const BATCH = Number(opt.batch)
const log = (...a) => console.error(...a)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const { DuckDBStore } = await import(pathToFileURL(join(ROOT, 'packages/collector/dist/index.js')).href)

/** The cached store of N events, derived by this build (a rebuild when its tables are of another version, timed). */
async function cached(n) {
  mkdirSync(CACHE, { recursive: true })
  const path = join(CACHE, `stores-${n}.duckdb`)
  const stamp = JSON.stringify({ version: GENERATOR_VERSION, events: n, seed: 42, now: NOW, days: DAYS })
  let store = new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false })
  await store.init()
  if ((await store.catalog.getSetting('bench.stores')) !== stamp || (await store.log.count(SITE)) !== n) {
    await store.close()
    rmSync(path, { force: true })
    rmSync(`${path}.wal`, { force: true })
    store = new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false })
    await store.init()
    for (const chunk of eventChunks({ events: n, chunkRows: 200_000 })) await store.log.append(chunk)
    await store.catalog.upsertSite({ id: SITE, name: SITE, origins: ['https://shop.example'], timezone: 'UTC', currency: 'USD' })
    await store.catalog.setSetting('bench.stores', stamp)
  }
  await store.close()
  const t0 = performance.now()
  let rebuilt = false
  store = new DuckDBStore(path, { backgroundRefresh: false, onDerive: (e) => { if (e.phase === 'rebuilding') rebuilt = true } })
  await store.init() // derives what is new; everything when the tables are of another version
  const ms = performance.now() - t0
  await store.close()
  if (rebuilt) log(`  ${n}: derived tables rebuilt in ${(ms / 1000).toFixed(1)} s`)
  return { path, rebuildMs: rebuilt ? Math.round(ms) : null }
}

const stores = []
for (const n of SIZES) {
  const { path, rebuildMs } = await cached(n)
  const scratch = join(CACHE, `refresh-scratch-${n}.duckdb`)
  rmSync(`${scratch}.wal`, { force: true })
  execFileSync('cp', [path, scratch])
  if (existsSync(`${path}.wal`)) execFileSync('cp', [`${path}.wal`, `${scratch}.wal`])
  const store = new DuckDBStore(scratch, { deriveOnInit: false, backgroundRefresh: false })
  await store.init()
  const conn = await store.db.instance.connect()
  const anons = (await conn.runAndReadAll(
    `SELECT anonymous_id, any_value(device) AS device FROM events WHERE site = $site AND NOT is_bot AND user_id IS NULL
     GROUP BY anonymous_id ORDER BY hash(anonymous_id) LIMIT ${BATCH * (ROUNDS + 1)}`,
    { site: SITE },
  )).getRowObjectsJS()
  conn.closeSync()
  stores.push({ n, store, scratch, anons, rebuildMs, ms: [], results: [] })
}

/** 1,000 pageviews of returning visitors, an hour after the end of the data (so after their last event), 2 % signups. */
function batch(anons, round) {
  const rows = []
  for (let i = 0; i < BATCH; i++) {
    const a = anons[(round * BATCH + i) % anons.length]
    const t = NOW + (round + 1) * 3_600_000 + i
    const signup = i % 50 === 0
    rows.push({
      site: SITE, id: `refresh-${round}-${i}`, type: signup ? 'signup' : 'pageview', name: null, t, ts: t, receivedAt: t,
      anonymousId: a.anonymous_id, userId: signup ? `refresh-user-${round}-${i}` : null, url: 'https://shop.example/again', path: '/again',
      referrer: null, referrerDomain: null, title: null, props: null, orderId: null, revenue: null, currency: null, items: null,
      referralCode: null, urlRef: null, score: null, experiment: null, variant: null, engagedMs: null, browser: 'Chrome', os: 'Linux',
      device: a.device, isBot: false, country: null, utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null,
      utmId: null, gclid: null, fbclid: null, msclkid: null,
    })
  }
  return rows
}

for (let round = 0; round < ROUNDS; round++) {
  const order = stores.map((_, i) => stores[(i + round) % stores.length])
  for (const s of order) {
    await s.store.log.append(batch(s.anons, round))
    const t0 = performance.now()
    const r = await s.store.derivation.refresh()
    const ms = performance.now() - t0
    s.ms.push(ms)
    s.results.push({ events: r.events, persons: r.persons })
    log(`  round ${round + 1}: ${s.n} events: refresh ${ms.toFixed(0)} ms (${r.events} events of ${r.persons} persons derived)`)
  }
}

const smallest = stores.reduce((a, b) => (a.n <= b.n ? a : b))
const dump = async (store) => {
  const conn = await store.db.instance.connect()
  const q = async (sql) => JSON.stringify((await conn.runAndReadAll(sql)).getRowObjectsJS(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v))
  const out = {
    sessions: await q('SELECT p.person, s.* EXCLUDE (sid, pno) FROM tw_sessions s JOIN tw_persons p USING (site, pno) ORDER BY s.site, s.first_id'),
    events: await q('SELECT p.person, s.first_id AS session, e.seq, e.id FROM tw_pe e JOIN tw_persons p USING (site, pno) JOIN tw_sessions s ON s.sid = e.sid ORDER BY e.site, e.id'),
    orders: await q('SELECT p.person, o.* EXCLUDE (pno, sid) FROM tw_orders o JOIN tw_persons p USING (site, pno) ORDER BY o.site, o.order_id'),
  }
  conn.closeSync()
  return out
}
const incremental = await dump(smallest.store)
await smallest.store.derivation.rebuild()
const whole = await dump(smallest.store)
const same = Object.keys(whole).every((k) => whole[k] === incremental[k])

const out = {
  date: new Date().toISOString(), cpus: cpus().length, load: loadavg().map((x) => +x.toFixed(1)), batch: BATCH, rounds: ROUNDS,
  sizes: stores.map((s) => ({ events: s.n, medianMs: Math.round(median(s.ms)), ms: s.ms.map(Math.round), derived: s.results, rebuildMs: s.rebuildMs })),
  sameAsRebuild: { events: smallest.n, same },
}
const base = out.sizes[0].medianMs
for (const s of out.sizes) s.ratio = +(s.medianMs / base).toFixed(2)
for (const s of stores) {
  await s.store.close()
  rmSync(s.scratch, { force: true })
  rmSync(`${s.scratch}.wal`, { force: true })
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
writeFileSync(join(ROOT, 'bench/results/refresh.json'), JSON.stringify(out, null, 2))
console.log(`| stored events | refresh after ${BATCH.toLocaleString('en-US')} events (median of ${ROUNDS}) | rounds | × smallest |`)
console.log('|---:|---:|---|---:|')
for (const s of out.sizes) console.log(`| ${s.events.toLocaleString('en-US')} | ${s.medianMs} ms | ${s.ms.join(' / ')} | ${s.ratio} |`)
console.log(`\nTables after the refreshes ${same ? 'equal' : 'DIFFER FROM'} a rebuild (at ${smallest.n.toLocaleString('en-US')} events). Load average ${out.load.join(', ')}.`)
