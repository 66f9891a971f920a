#!/usr/bin/env node
// `trackway rebuild` of two collector builds side by side: each round copies the cached store of
// bench/refresh.mjs / bench/stores.mjs (.bench-cache/stores-<N>.duckdb) once per build, in
// rotating order, and times store.derivation.rebuild() in a child process of its own; then checks
// that both builds derived the same tables (fingerprints that do not depend on the sequence
// numbers DuckDB hands out).
//
//   cp -r packages/collector/dist packages/collector/dist-new      # after building the change
//   git stash && npm run build && cp -r packages/collector/dist packages/collector/dist-old && git stash pop
//   node bench/rebuild-ab.mjs --a packages/collector/dist-old --b packages/collector/dist-new --events 10000000 --rounds 2
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { median } from './lib.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opt } = parseArgs({
  options: { a: { type: 'string' }, b: { type: 'string' }, events: { type: 'string', default: '10000000' }, rounds: { type: 'string', default: '2' }, child: { type: 'string' }, db: { type: 'string' } },
})

const FINGERPRINT = `SELECT
  (SELECT count(*) FROM tw_sessions) AS sessions,
  (SELECT sum(hash(site, first_id, start_t, end_t, pageviews, channel, source, medium, campaign, entry_page, exit_page, others, last_id, last_seq, ckey_end)) FROM tw_sessions) AS sessions_hash,
  (SELECT count(*) FROM tw_pe) AS events,
  (SELECT sum(hash(id, seq)) FROM tw_pe) AS events_hash,
  (SELECT count(*) FROM tw_persons) AS persons,
  (SELECT sum(hash(site, person, solo, last_id, last_seq)) FROM tw_persons) AS persons_hash`

if (opt.child) {
  const { DuckDBStore } = await import(pathToFileURL(join(resolve(opt.child), 'index.js')).href)
  const store = new DuckDBStore(opt.db, { deriveOnInit: false, backgroundRefresh: false })
  await store.init()
  const t0 = performance.now()
  await store.derivation.rebuild()
  const ms = performance.now() - t0
  const [fp] = await store.db.query(FINGERPRINT)
  await store.close()
  process.stdout.write(`${JSON.stringify({ ms, fp: Object.fromEntries(Object.entries(fp).map(([k, v]) => [k, String(v)])) })}\n`)
  process.exit(0)
}

const src = join(ROOT, `.bench-cache/stores-${opt.events}.duckdb`)
if (!existsSync(src)) throw new Error(`${src} is missing: run node bench/refresh.mjs --sizes 100000,${opt.events} first`)
const builds = { a: resolve(opt.a), b: resolve(opt.b) }
const dir = mkdtempSync(join(tmpdir(), 'trackway-rebuild-ab-'))
const times = { a: [], b: [] }
const prints = {}
try {
  for (let round = 0; round < Number(opt.rounds); round++) {
    for (const k of round % 2 ? ['b', 'a'] : ['a', 'b']) {
      const db = join(dir, `${k}.duckdb`)
      rmSync(db, { force: true })
      rmSync(`${db}.wal`, { force: true })
      copyFileSync(src, db)
      if (existsSync(`${src}.wal`)) copyFileSync(`${src}.wal`, `${db}.wal`)
      const out = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', builds[k], '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))
      times[k].push(out.ms)
      prints[k] = out.fp
      console.error(`  round ${round + 1}: ${k} (${opt[k]}) rebuild ${(out.ms / 1000).toFixed(1)} s  load ${loadavg()[0].toFixed(1)}`)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const same = JSON.stringify(prints.a) === JSON.stringify(prints.b)
console.log(`rebuild of ${Number(opt.events).toLocaleString('en-US')} events: a ${(median(times.a) / 1000).toFixed(1)} s, b ${(median(times.b) / 1000).toFixed(1)} s (median of ${times.a.length}), b/a ${(median(times.b) / median(times.a)).toFixed(2)}; tables ${same ? 'identical' : 'DIFFER'}`)
if (!same) {
  console.log(JSON.stringify(prints, null, 1))
  process.exitCode = 1
}
