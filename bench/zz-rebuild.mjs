import { eventChunks } from '/work/main/bench/reports-data.mjs'
const { ClickHouseStore } = await import('/work/main/packages/collector/dist/index.js')
const url = new URL(process.argv[2]); const N = Number(process.argv[3])
const target = { url: `http://${url.hostname}:${url.port}`, username: url.username, password: url.password, database: url.pathname.slice(1), cluster: null }
const store = ClickHouseStore.connect(target, { backgroundRefresh: false, deriveOnInit: false })
await store.init()
const conn = store.log.conn
const [{ n }] = await conn.query({ text: `SELECT count() AS n FROM ${target.database}.events` })
if (Number(n) === 0) {
  for (const chunk of eventChunks({ events: N, chunkRows: 100_000 })) await conn.insert(`${target.database}.events`, chunk.map((r) => { const o = {}; for (const k of Object.keys(r)) o[k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] = r[k]; o.is_bot = r.isBot ? 1 : 0; return o }))
}
// time phases by wrapping the connection
const stats = {}
for (const m of ['query', 'stream', 'insert']) { const f = conn[m].bind(conn); conn[m] = async (...a) => { const t0 = performance.now(); try { return await f(...a) } finally { stats[m] = (stats[m] ?? 0) + performance.now() - t0 } } }
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const r = await store.derivation.rebuild()
const cpu = process.cpuUsage(cpu0)
console.log('rebuild', r.events, 'events', r.persons, 'persons', Math.round(performance.now() - t0), 'ms; node cpu', Math.round((cpu.user + cpu.system) / 1000), 'ms; waiting:', Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, Math.round(v)])), 'rss', Math.round(process.memoryUsage().rss / 1e6))
await store.close()
