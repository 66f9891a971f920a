// scratch: load N events of the report bench into a ClickHouse database and time rebuild + reports
import { eventChunks, SITE, NOW, DAYS } from '/work/main/bench/reports-data.mjs'
const mod = await import('/work/main/packages/collector/dist/index.js')
const { ClickHouseStore, ReportAnswers } = mod
const url = process.argv[2]
const N = Number(process.argv[3] ?? 1_000_000)
const u = new URL(url)
const target = { url: `http://${u.hostname}:${u.port}`, username: u.username, password: u.password, database: u.pathname.slice(1), cluster: u.searchParams.get('cluster') }
const store = ClickHouseStore.connect(target, { backgroundRefresh: false, deriveOnInit: false })
await store.init()
const { EVENT_COLUMNS } = await import('/work/main/packages/collector/dist/index.js').catch(() => ({}))
const conn = store.log.conn
const t = store.log.t
const t0 = performance.now()
let n = 0
for (const chunk of eventChunks({ events: N, chunkRows: 100_000 })) {
  await conn.insert(`${target.database}.events`, chunk.map((r) => { const o = {}; for (const k of Object.keys(r)) o[k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] = r[k]; o.is_bot = r.isBot ? 1 : 0; return o }), target.cluster ? { insert_distributed_sync: 1 } : {})
  n += chunk.length
}
console.log('loaded', n, 'in', Math.round(performance.now() - t0), 'ms')
const t1 = performance.now()
const r = await store.derivation.rebuild()
console.log('rebuild', r, Math.round(performance.now() - t1), 'ms', 'rss', Math.round(process.memoryUsage().rss / 1e6), 'MB')
const a = new ReportAnswers(store)
const DAY = 86400000
const Q = { site: SITE, range: { fromMs: NOW - DAYS * DAY, toMs: NOW }, filters: {}, goal: 'purchase' }
const time = async (label, f) => { const t0 = performance.now(); await f(); const t1 = performance.now(); await f(); console.log(label, Math.round(t1 - t0), Math.round(performance.now() - t1), 'ms') }
await time('overview', () => a.overview(Q))
await time('breakdown channel', () => a.breakdown({ ...Q, dimension: 'channel', limit: 100 }))
await time('breakdown page', () => a.breakdown({ ...Q, dimension: 'page', limit: 100 }))
await time('funnel', () => a.funnel({ ...Q, steps: ['pageview', 'cart_add', 'checkout', 'purchase'].map((s) => ({ step: s, type: s, name: null, path: null })), windowMs: 7 * DAY }))
await time('timeseries', () => a.overviewBuckets({ ...Q, buckets: Array.from({ length: 28 }, (_, i) => ({ label: `d${i}`, fromMs: NOW - (28 - i) * DAY, toMs: NOW - (27 - i) * DAY })) }))
await time('attribution linear', () => a.attribution({ ...Q, model: 'linear', lookbackMs: 30 * DAY, by: 'channel' }))
await time('revenue', () => a.revenue(Q))
await time('retention', () => a.retention({ ...Q, periods: Array.from({ length: 4 }, (_, i) => ({ label: `w${i}`, fromMs: NOW - (28 - 7 * i) * DAY, toMs: NOW - (21 - 7 * i) * DAY })), maxPeriods: 8 }))
await time('paths', () => a.paths({ ...Q, depth: 4, limit: 20 }))
await time('referrals', () => a.referrals({ ...Q, limit: 20 }))
await time('experiments', () => a.experiment({ ...Q, experiment: 'hero-cta' }))
await store.close()
