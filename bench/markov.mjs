#!/usr/bin/env node
// Issue 15's benchmark: data-driven (Markov) attribution and acquisition with CLV, LTV:CAC and
// payback, next to `linear`, in the same run on the same DuckDB store (target: each < 1 s at 10M
// events and Markov ≤ 2× linear).
//
//   node bench/markov.mjs                      # 10M events: .bench-cache/stores-10000000.duckdb
//   node bench/markov.mjs --events 1000000     # .bench-cache/stores-1000000.duckdb
//   node bench/markov.mjs --runs 5 --rebuild
//
// The store is bench/stores.mjs's cached DuckDB file (the events of bench/reports-data.mjs; build
// it with `node bench/stores.mjs --stores duckdb --events N`, or copy a cached one into this
// checkout's .bench-cache/ — never open another checkout's file in place). Its derived tables are
// used as they are (only the benchmarks write that file); --rebuild derives them again first.
// Each round runs every query below in rotating order; the median of --runs rounds after one
// warm-up round is reported. For `markov` by source the store's transition counts (SQL) are also
// timed alone: the rest of that report's time is core's solve of the chain.
//
// Writes bench/results/markov.json and bench/results/markov.md (other sizes: .bench-cache/markov-<N>.*).
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DAYS, GENERATOR_VERSION, NOW, SITE } from './reports-data.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DAY = 86_400_000
const { values: opt } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '3' },
    rebuild: { type: 'boolean', default: false },
  },
})
const N = Number(opt.events)
const RUNS = Number(opt.runs)
const log = (...a) => console.error(...a)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmtN = (n) => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : `${n}`)

const { DuckDBStore, ReportAnswers } = await import(pathToFileURL(join(ROOT, 'packages/collector/dist/index.js')).href)
const path = join(ROOT, '.bench-cache', `stores-${N}.duckdb`)
if (!existsSync(path)) throw new Error(`${path} is missing: run \`node bench/stores.mjs --stores duckdb --events ${N}\` first`)
const store = new DuckDBStore(path, { deriveOnInit: false, backgroundRefresh: false })
await store.init()
const stamp = JSON.stringify({ version: GENERATOR_VERSION, events: N, seed: 42, now: NOW, days: DAYS })
if ((await store.catalog.getSetting('bench.stores')) !== stamp) throw new Error(`${path} was not built by bench/stores.mjs for ${N} events of this generator`)
let rebuildMs = null
if (opt.rebuild) {
  const t0 = performance.now()
  await store.derivation.rebuild()
  rebuildMs = Math.round(performance.now() - t0)
}
const a = new ReportAnswers(store)

const RANGE = { from: new Date(NOW - DAYS * DAY).toISOString().slice(0, 10), to: new Date(NOW - DAY).toISOString().slice(0, 10), fromMs: NOW - DAYS * DAY, toMs: NOW }
const Q = { site: SITE, range: RANGE, filters: {}, goal: 'purchase' }
const days = Array.from({ length: DAYS }, (_, i) => ({ label: new Date(RANGE.fromMs + i * DAY).toISOString().slice(0, 10), fromMs: RANGE.fromMs + i * DAY, toMs: RANGE.fromMs + (i + 1) * DAY }))
const at = (model, by, extra = {}) => ({ ...Q, ...extra, model, lookbackMs: 30 * DAY, by })
// the day's spend of every paid channel, so LTV:CAC and payback have something to divide by
await store.catalog.upsertSpend(SITE, days.flatMap((d, i) => ['Paid Search', 'Paid Social', 'Display', 'Email', 'Affiliates'].map((channel, j) => ({ date: d.label, channel, source: null, campaign: null, amount: 500 + 100 * j + (i % 7) * 10 }))))

const QUERIES = [
  ['attribution linear, by channel', () => a.attribution(at('linear', 'channel'))],
  ['attribution **markov**, by channel', () => a.attribution(at('markov', 'channel'))],
  ['attribution linear, by campaign', () => a.attribution(at('linear', 'campaign'))],
  ['attribution **markov**, by campaign', () => a.attribution(at('markov', 'campaign'))],
  ['attribution linear, by source', () => a.attribution(at('linear', 'source'))],
  ['attribution **markov**, by source', () => a.attribution(at('markov', 'source'))],
  ['attribution linear, goal signup, by channel', () => a.attribution(at('linear', 'channel', { goal: 'signup' }))],
  ['attribution **markov**, goal signup, by channel', () => a.attribution(at('markov', 'channel', { goal: 'signup' }))],
  ['acquisition linear (with CLV, LTV:CAC, payback)', () => a.acquisition({ ...Q, model: 'linear', days })],
  ['acquisition **markov** (with CLV, LTV:CAC, payback)', () => a.acquisition({ ...Q, model: 'markov', days })],
  ['acquisition last_non_direct (the default)', () => a.acquisition({ ...Q, model: 'last_non_direct', days })],
  ['markov, by source: the store\'s transition counts only (SQL)', () => store.reports.markov(at('markov', 'source'))],
]

const times = QUERIES.map(() => [])
const sizes = []
for (let round = 0; round <= RUNS; round++) {
  for (let k = 0; k < QUERIES.length; k++) {
    const i = (k + round) % QUERIES.length
    const t0 = performance.now()
    const v = await QUERIES[i][1]()
    const ms = performance.now() - t0
    if (round > 0) times[i].push(ms)
    else sizes[i] = Array.isArray(v) ? `${v.length} rows` : `${v.transitions.length} transitions`
  }
  log(`  round ${round}${round === 0 ? ' (warm-up)' : ''} done`)
}
// the by-source chain (the largest of the three dimensions): its size, and core's share of the time
const counts = await store.reports.markov(at('markov', 'source'))
const states = new Set(counts.transitions.flatMap((t) => [t.from, t.to]).filter((v) => v !== null)).size
const check = await a.attribution(at('markov', 'channel'))
const credited = check.reduce((n, r) => n + r.conversions, 0)
await store.close()

const medians = times.map((t) => Math.round(median(t)))
const out = {
  date: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
  machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), load: loadavg() },
  events: N,
  runs: RUNS,
  rebuildMs,
  queries: QUERIES.map(([label], i) => ({ label, medianMs: medians[i], runs: times[i].map(Math.round), result: sizes[i] })),
  markovBySource: { states, transitions: counts.transitions.length },
  markovChannelCredits: { conversions: credited, rows: check.length },
}
const base = N === 10_000_000 ? join(ROOT, 'bench/results/markov') : join(ROOT, '.bench-cache', `markov-${N}`)
writeFileSync(`${base}.json`, JSON.stringify(out, null, 2))
const ratio = (i, j) => (medians[j] ? `${(medians[i] / medians[j]).toFixed(2)}×` : '—')
const md = [
  `${fmtN(N)} events, median of ${RUNS} rounds after a warm-up (rotating order), ${out.date.slice(0, 16)} UTC at ${out.commit}, load average ${out.machine.load.map((x) => x.toFixed(1)).join(' / ')} on ${out.machine.cpus} cores (\`node bench/markov.mjs --events ${N}\`):`,
  '',
  '| query | median | runs | result | markov ÷ linear | < 1 s |',
  '|---|---:|---|---|---:|---|',
  ...QUERIES.map(([label], i) => {
    const vsLinear = label.includes('**markov**') ? ratio(i, i - 1) : ''
    return `| ${label} | ${medians[i]} ms | ${out.queries[i].runs.join(' / ')} | ${sizes[i]} | ${vsLinear} | ${medians[i] < 1000 ? 'yes' : '**no**'} |`
  }),
  '',
  `The by-source chain has ${states} values and ${counts.transitions.length} distinct transitions. Markov by channel credits ${credited.toFixed(3)} conversions over ${check.length} channels.`,
].join('\n')
writeFileSync(`${base}.md`, md + '\n')
console.log(md)
