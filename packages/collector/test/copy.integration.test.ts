import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { tempDir } from './fixtures/helpers.js'
import { startCollector } from './fixtures/process.js'
import { runCli } from './fixtures/run-cli.js'
import { demoHistory, fillStore } from './fixtures/copy-source.js'

/** `trackway copy` as a user runs it (the built CLI), between DuckDB files; ClickHouse: copy.clickhouse.test.ts. */
describe('trackway copy (the built CLI, DuckDB files)', () => {
  let dir: { dir: string; cleanup: () => Promise<void> }
  let src: string
  const h = demoHistory(120)
  const demo = h.events.demo!.length
  const blog = h.events.blog!.length
  beforeAll(async () => {
    dir = await tempDir()
    src = join(dir.dir, 'source.duckdb')
    const s = new DuckDBStore(src)
    await s.init()
    await fillStore(s, h)
    await s.close()
  })
  afterAll(() => dir.cleanup())

  it('copies every site into a new file with progress on stderr and a summary on stdout; run again, it copies nothing', async () => {
    const dst = join(dir.dir, 'copy.duckdb')
    const first = await runCli(['copy', '--from', `duckdb:${src}`, '--to', `duckdb:${dst}`, '--batch', '500'])
    expect(first).toMatchObject({ code: 0 })
    expect(first.stderr).toMatch(new RegExp(`^copy demo: 500 of ${demo} events read \\(\\d+ %\\), 500 copied, \\d+ events/s$`, 'm'))
    expect(first.stderr).toMatch(new RegExp(`^copy demo: ${demo} of ${demo} events read \\(100 %\\), ${demo} copied, \\d+ events/s$`, 'm'))
    expect(first.stdout.split('\n')).toEqual([
      `blog: ${blog} events copied (${blog} in the source, ${blog} in the target); 0 spend rows`,
      `demo: ${demo} events copied (${demo} in the source, ${demo} in the target); ${h.spend.length} spend rows`,
      expect.stringMatching(new RegExp(`^copied ${demo + blog} events of 2 sites from duckdb:.*source\\.duckdb to duckdb:.*copy\\.duckdb in \\d+\\.\\d s \\(\\d+ events/s\\), then derived \\d+ persons \\(\\d+ events\\) in \\d+\\.\\d s$`)),
      '',
    ])

    const again = await runCli(['copy', '--from', `duckdb:${src}`, '--to', `duckdb:${dst}`, '--site', 'demo'])
    expect(again).toMatchObject({ code: 0 })
    expect(again.stderr).toContain('copy demo: copied before; reading what the source stored since')
    expect(again.stdout).toMatch(new RegExp(`^demo: 0 events copied \\(${demo} in the source, ${demo} in the target, ${demo} by earlier runs\\); ${h.spend.length} spend rows$`, 'm'))
    expect(again.stdout).toMatch(/^copied 0 events of 1 site from .* in \d+\.\d s; the derived tables were current$/m)
  })

  it.each([
    ['an unknown flag', ['--to', 'duckdb:NEW', '--frm', 'x'], "copy: Unknown option '--frm'"],
    ['no --to', [], 'copy: --to URL is required'],
    ['a --from that does not exist', ['--from', 'duckdb:MISSING', '--to', 'duckdb:NEW'], 'missing.duckdb: no such file'],
    ['a --from that is no Trackway store', ['--from', 'duckdb:OTHER', '--to', 'duckdb:NEW'], 'is not a Trackway store'],
    ['a target with a bad database name', ['--to', 'clickhouse://u:secret@127.0.0.1:9/bad-name'], '--to clickhouse://: database "bad-name" must match'],
    ['a site the source lacks', ['--to', 'duckdb:NEW', '--site', 'nope'], 'copy: the source has no site "nope" (it has blog, demo)'],
    ['the same store twice', ['--to', 'duckdb:SRC'], 'copy: --from and --to name the same store'],
  ])('refuses %s with exit 2 and a message, writing nothing', async (_what, args, message) => {
    const fresh = join(dir.dir, `new-${Math.random().toString(36).slice(2)}.duckdb`)
    const other = join(dir.dir, 'other.duckdb')
    if (!existsSync(other)) {
      const { DuckDBInstance } = await import('@duckdb/node-api')
      const db = await DuckDBInstance.create(other)
      ;(await db.connect()).closeSync()
      db.closeSync()
    }
    const expand = (a: string) => a.replace('NEW', fresh).replace('MISSING', join(dir.dir, 'missing.duckdb')).replace('OTHER', other).replace('SRC', src)
    const withFrom = args.includes('--from') ? args : ['--from', `duckdb:${src}`, ...args]
    const r = await runCli(['copy', ...(args.length === 0 ? [] : withFrom).map(expand)])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stderr).not.toContain('secret')
    expect(r.stdout).toBe('')
    expect(existsSync(fresh)).toBe(false)
    expect(existsSync(join(dir.dir, 'missing.duckdb'))).toBe(false)
  })

  it('refuses a DuckDB source (or target) that a running collector holds', async () => {
    const small = join(dir.dir, 'small.duckdb')
    const s = new DuckDBStore(small)
    await s.init()
    await s.catalog.upsertSite({ id: 'one', name: 'one', origins: [], timezone: 'UTC', currency: 'USD' })
    await s.close()
    const collector = await startCollector(['--store', `duckdb:${src}`, '--admin-token', 'a-long-enough-admin-token'])
    try {
      const busy = await runCli(['copy', '--from', `duckdb:${src}`, '--to', `duckdb:${join(dir.dir, 'busy.duckdb')}`])
      expect(busy).toMatchObject({ code: 2, stdout: '' })
      expect(busy.stderr).toContain(`copy --from: duckdb:${src} is open in another process — stop the collector first`)
      expect(existsSync(join(dir.dir, 'busy.duckdb'))).toBe(false)
      const into = await runCli(['copy', '--from', `duckdb:${small}`, '--to', `duckdb:${src}`])
      expect(into).toMatchObject({ code: 2 })
      expect(into.stderr).toContain(`copy --to: duckdb:${src} is open in another process — stop the collector first`)
    } finally {
      collector.child.kill('SIGTERM')
      await collector.exited
    }
  })
})
