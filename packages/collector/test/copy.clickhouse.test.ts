import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { join } from 'node:path'
import { ClickHouseStore } from '../src/store/clickhouse/clickhouse-store.js'
import { HttpConnection } from '../src/store/clickhouse/connection.js'
import { raw, sql } from '../src/store/clickhouse/sql.js'
import { parseClickHouseUrl } from '../src/store/clickhouse/url.js'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { DeriveEvent } from '../src/store/derivation.js'
import type { Store } from '../src/store/store.js'
import { dropDatabase, freshDatabase, withDatabase } from './fixtures/clickhouse.js'
import { tempDir } from './fixtures/helpers.js'
import { reportSnapshot, substantial } from './fixtures/report-snapshot.js'
import { demoHistory, demoReportOptions, DEMO_SITES, fillStore } from './fixtures/copy-source.js'
import { runCli, startCli } from './fixtures/run-cli.js'

/**
 * `trackway copy` as a user runs it (the built CLI) from the demo's DuckDB file into ClickHouse
 * 18.16 — one server and the 2-shard example — and back: every report equal afterwards (issue 10).
 */
const h = demoHistory(1500) // the demo's size: ~25k events
const options = demoReportOptions(h)
const total = h.events.demo!.length + h.events.blog!.length
let dir: { dir: string; cleanup: () => Promise<void> }
let src: string
/** Every report of the demo site as the DuckDB source answers it. */
let expected: Record<string, unknown>
const databases: [string, string][] = []

beforeAll(async () => {
  dir = await tempDir()
  src = join(dir.dir, 'demo.duckdb')
  const s = new DuckDBStore(src)
  await s.init()
  await fillStore(s, h)
  expected = await reportSnapshot(s, 'demo', options)
  await s.close()
  expect(substantial(expected)).toBe(true)
})
afterAll(async () => {
  for (const [url, db] of databases) await dropDatabase(url, db)
  await dir.cleanup()
})

/** A fresh database's URL on the server (or cluster) of `server`; dropped after the file. */
function fresh(server: string): string {
  const db = freshDatabase()
  databases.push([server, db])
  return withDatabase(server, db)
}

/** The store at `url`, opened without deriving anything itself (what the copy left is what it reads). */
async function openClickHouse(url: string, onDerive?: (e: DeriveEvent) => void): Promise<Store> {
  const store = ClickHouseStore.connect(parseClickHouseUrl(url), { backgroundRefresh: false, deriveOnInit: !!onDerive, ...(onDerive ? { onDerive } : {}) })
  await store.init()
  return store
}

const counts = async (s: Store) => Object.fromEntries(await Promise.all(DEMO_SITES.map(async (x) => [x.id, await s.log.count(x.id)] as const)))
const wanted = { demo: h.events.demo!.length, blog: h.events.blog!.length }

describe.each([
  ['one ClickHouse 18.16 server', 'clickhouse'],
  ['the 2-shard ClickHouse 18.16 cluster', 'clickhouseCluster'],
] as const)('trackway copy from the demo DuckDB file into %s', (_name, server) => {
  it('copies sites, events and spend: every report is equal; a second run copies 0 and changes nothing', { timeout: 300_000 }, async () => {
    const url = fresh(inject(server))
    const first = await runCli(['copy', '--from', `duckdb:${src}`, '--to', url])
    expect(first.stderr).toMatch(/^copy demo: 10000 of \d+ events read \(\d+ %\), 10000 copied, \d+ events/m)
    expect(first).toMatchObject({ code: 0 })
    expect(first.stdout).toMatch(new RegExp(`^demo: ${wanted.demo} events copied \\(${wanted.demo} in the source, ${wanted.demo} in the target\\); ${h.spend.length} spend rows$`, 'm'))
    expect(first.stdout).toMatch(new RegExp(`^copied ${total} events of 2 sites from duckdb:.* to clickhouse://trackway:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/tw_\\w+(\\?cluster=trackway)? in [\\d.]+ s \\(\\d+ events/s\\), then derived \\d+ persons`, 'm'))
    expect(first.stdout).not.toContain(':trackway@')

    const told: DeriveEvent[] = []
    // a collector opening the target finds it derived: no rebuild at start
    const target = await openClickHouse(url, (e) => told.push(e))
    try {
      expect(told).toEqual([])
      expect(await counts(target)).toEqual(wanted)
      expect(await target.catalog.listSites()).toEqual([...DEMO_SITES].sort((a, b) => (a.id < b.id ? -1 : 1)))
      expect(await target.catalog.getSetting('admin_token')).toBeNull()
      expect(await reportSnapshot(target, 'demo', options)).toEqual(expected)

      const again = await runCli(['copy', '--from', `duckdb:${src}`, '--to', url])
      expect(again).toMatchObject({ code: 0 })
      expect(again.stdout).toMatch(new RegExp(`^demo: 0 events copied \\(${wanted.demo} in the source, ${wanted.demo} in the target, ${wanted.demo} by earlier runs\\)`, 'm'))
      expect(again.stdout).toMatch(/^copied 0 events of 2 sites .*; the derived tables were current$/m)
      expect(await counts(target)).toEqual(wanted)
      expect(await reportSnapshot(target, 'demo', options)).toEqual(expected)
    } finally {
      await target.close()
    }
  })
})

describe('trackway copy into ClickHouse, interrupted', () => {
  it('stops at SIGINT after the page in flight, survives SIGKILL, and resumes to the same data', { timeout: 300_000 }, async () => {
    const url = fresh(inject('clickhouse'))
    const args = ['copy', '--from', `duckdb:${src}`, '--to', url, '--site', 'demo', '--batch', '500']
    const conn = new HttpConnection(parseClickHouseUrl(url), null)
    const db = parseClickHouseUrl(url).database
    /** Rows of the demo site in the target's log, copies included. */
    const stored = async () => Number((await conn.query<{ n: number }>(sql`SELECT count() AS n FROM ${raw(db)}.events WHERE site = 'demo'`))[0]!.n)
    try {
      const polite = startCli(args)
      await polite.waitFor(/^copy demo: \d+ of/m)
      polite.child.kill('SIGINT')
      expect(await polite.exited).toBe(130)
      expect(polite.stderr()).toContain('copy interrupted: what was copied stays copied; run the same command again to resume')
      const afterSigint = await stored()
      expect(afterSigint).toBeGreaterThan(0)
      expect(afterSigint % 500).toBe(0)
      expect(afterSigint).toBeLessThan(wanted.demo)

      const killed = startCli(args)
      await killed.waitFor(/resuming after the \d+ events an earlier run read/)
      await killed.waitFor(/^copy demo: \d+ of/m)
      killed.child.kill('SIGKILL')
      expect(await killed.exited).toBe('SIGKILL')
      const afterKill = await stored()
      expect(afterKill).toBeGreaterThanOrEqual(afterSigint)
      expect(afterKill).toBeLessThan(wanted.demo)

      const rest = await runCli(args)
      expect(rest).toMatchObject({ code: 0 })
      expect(rest.stderr).toMatch(/resuming after the \d+ events an earlier run read/)
      const target = await openClickHouse(url)
      try {
        expect(await target.log.count('demo')).toBe(wanted.demo)
        // exactly once: no event id stored twice
        expect(await stored()).toBe(wanted.demo)
        expect(await reportSnapshot(target, 'demo', options)).toEqual(expected)
      } finally {
        await target.close()
      }
    } finally {
      await conn.close()
    }
  })
})

describe('trackway copy from ClickHouse', () => {
  it('copies a ClickHouse log that holds an event twice into DuckDB and into another ClickHouse database: once each, every report equal', { timeout: 300_000 }, async () => {
    const server = inject('clickhouse')
    const from = fresh(server)
    expect(await runCli(['copy', '--from', `duckdb:${src}`, '--to', from])).toMatchObject({ code: 0 })
    // two collectors stored one batch at once: the log holds those events twice, reports count them once
    const store = await openClickHouse(from)
    await store.log.append(h.events.demo!.slice(100, 160))
    const ids: string[] = []
    await store.log.events('demo', null, (p) => void ids.push(...p.rows.map((r) => r.id)), { pageSize: 1000 })
    expect(ids.length).toBe(wanted.demo)
    expect(new Set(ids).size).toBe(wanted.demo)
    await store.close()

    const dst = join(dir.dir, 'back.duckdb')
    const back = await runCli(['copy', '--from', from, '--to', `duckdb:${dst}`, '--batch', '3000'])
    expect(back).toMatchObject({ code: 0 })
    expect(back.stdout).toMatch(new RegExp(`^demo: ${wanted.demo} events copied \\(${wanted.demo} in the source, ${wanted.demo} in the target\\)`, 'm'))
    const duck = new DuckDBStore(dst)
    await duck.init()
    try {
      expect(await counts(duck)).toEqual(wanted)
      expect(await reportSnapshot(duck, 'demo', options)).toEqual(expected)
    } finally {
      await duck.close()
    }

    const to = fresh(inject('clickhouseCluster'))
    expect(await runCli(['copy', '--from', from, '--to', to, '--site', 'demo'])).toMatchObject({ code: 0 })
    // run again: a ClickHouse log reads in key order, so the source is read again and nothing is added
    const again = await runCli(['copy', '--from', from, '--to', to, '--site', 'demo'])
    expect(again).toMatchObject({ code: 0 })
    expect(again.stderr).toContain('copy demo: copied before; reading the source again (this log is read in key order), skipping what the target holds')
    expect(again.stdout).toMatch(new RegExp(`^demo: 0 events copied \\(${wanted.demo} in the source, ${wanted.demo} in the target, ${wanted.demo} by earlier runs, ${wanted.demo} found there already\\)`, 'm'))
    const cluster = await openClickHouse(to)
    try {
      expect(await cluster.log.count('demo')).toBe(wanted.demo)
      expect(await reportSnapshot(cluster, 'demo', options)).toEqual(expected)
    } finally {
      await cluster.close()
    }
  })

  it('refuses a ClickHouse source that holds no Trackway store, and a target database name ClickHouse cannot take, creating nothing', async () => {
    const server = inject('clickhouse')
    const missing = freshDatabase()
    const target = freshDatabase()
    const none = await runCli(['copy', '--from', withDatabase(server, missing), '--to', withDatabase(server, target)])
    expect(none).toMatchObject({ code: 2, stdout: '' })
    expect(none.stderr).toContain(`trackway: ClickHouse database "${missing}" holds no Trackway store`)
    const bad = await runCli(['copy', '--from', `duckdb:${src}`, '--to', withDatabase(server, 'no-dashes')])
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toContain('--to clickhouse://: database "no-dashes" must match')
    const conn = new HttpConnection(parseClickHouseUrl(server), null)
    try {
      expect(await conn.query(sql`SELECT name FROM system.databases WHERE name IN (${missing}, ${target}, 'no-dashes')`)).toEqual([])
    } finally {
      await conn.close()
    }
  })
})
