import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { copyStore, mergeSite, type CopyOptions } from '../src/copy/copy-store.js'
import { DERIVE_PENDING_KEY, encodeProgress, parseProgress, progressKey } from '../src/copy/progress.js'
import { parseCopyArgs, storeName } from '../src/cli/copy.js'
import { ConfigError } from '../src/errors.js'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { EventLog } from '../src/store/event-log.js'
import type { Store } from '../src/store/store.js'
import { tempDir } from './fixtures/helpers.js'
import { reportSnapshot, substantial } from './fixtures/report-snapshot.js'
import { DEMO_SITES, demoHistory, demoReportOptions, fillStore, type DemoHistory } from './fixtures/copy-source.js'
import { row } from './fixtures/rows.js'

let h: DemoHistory
let snapshotOptions: ReturnType<typeof demoReportOptions>
/** Every report of the demo site, as the source (opened to write: reports derive first) answers them. */
let expected: Record<string, unknown>
beforeAll(async () => {
  h = demoHistory(250)
  snapshotOptions = demoReportOptions(h)
  const d = await tempDir()
  const s = new DuckDBStore(join(d.dir, 'reference.duckdb'), { backgroundRefresh: false })
  await s.init()
  await fillStore(s, h)
  expected = await reportSnapshot(s, 'demo', snapshotOptions)
  expect(substantial(expected)).toBe(true)
  await s.close()
  await d.cleanup()
})

describe('copyStore (DuckDB to DuckDB, in process)', () => {
  let dir: { dir: string; cleanup: () => Promise<void> }
  let source: DuckDBStore
  const open: DuckDBStore[] = []
  const store = async (name: string, readOnly = false) => {
    const s = new DuckDBStore(join(dir.dir, `${name}.duckdb`), readOnly ? { readOnly } : { backgroundRefresh: false })
    await s.init()
    open.push(s)
    return s
  }
  const opts = (o: Partial<CopyOptions> = {}): CopyOptions => ({ sourceName: 'duckdb:/the/source', sites: ['demo', 'blog'], pageSize: 700, ...o })
  const total = () => h.events.demo!.length + h.events.blog!.length

  beforeEach(async () => {
    dir = await tempDir()
    const writer = await store('source')
    await fillStore(writer, h)
    await writer.close()
    open.length = 0
    source = await store('source', true)
  })
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close().catch(() => undefined)
    await dir.cleanup()
  })

  it('gives the target the source\'s write keys, so Segment clients keep working after the move', async () => {
    const writer = source
    await writer.close()
    open.splice(open.indexOf(writer), 1)
    const rw = await store('source')
    await rw.catalog.setWriteKey('demo', 'wk_the-demo-key-clients-hold')
    await rw.close()
    open.splice(open.indexOf(rw), 1)
    const ro = await store('source', true)
    const target = await store('target')
    await target.catalog.setWriteKey('demo', 'wk_generated-by-a-start-on-the-target')
    await copyStore(ro, target, opts())
    // blog had no key in the source: the target's first start gives it one
    expect(await target.catalog.listWriteKeys()).toEqual(new Map([['demo', 'wk_the-demo-key-clients-hold']]))
  })

  it('copies sites, events and spend, leaves settings behind, and every report agrees; a second run copies nothing', async () => {
    const target = await store('target')
    const first = await copyStore(source, target, opts())
    expect(first.interrupted).toBe(false)
    expect(first.sites.map((s) => [s.site, s.total, s.copied, s.skipped, s.complete])).toEqual([
      ['demo', h.events.demo!.length, h.events.demo!.length, 0, true],
      ['blog', h.events.blog!.length, h.events.blog!.length, 0, true],
    ])
    expect(first.sites[0]!.spendRows).toBe(h.spend.length)
    expect(first.derived?.kind).toBe('rebuild')
    expect(await target.catalog.listSites()).toEqual([...DEMO_SITES].sort((a, b) => (a.id < b.id ? -1 : 1)))
    expect(await target.catalog.listSpend('demo')).toEqual(await source.catalog.listSpend('demo'))
    expect(await target.catalog.getSetting('admin_token')).toBeNull()
    expect(await reportSnapshot(target, 'demo', snapshotOptions)).toEqual(expected)

    const again = await copyStore(source, target, opts())
    expect(again.sites.map((s) => [s.copied, s.copiedBefore, s.skipped])).toEqual([
      [0, h.events.demo!.length, 0],
      [0, h.events.blog!.length, 0],
    ])
    expect(again.derived).toBeNull()
    expect(await target.log.count('demo')).toBe(h.events.demo!.length)
    expect(await reportSnapshot(target, 'demo', snapshotOptions)).toEqual(expected)
  })

  it('stops after the page in flight when aborted, and the next run goes on from there to the same data', async () => {
    const target = await store('target')
    const stop = new AbortController()
    let pages = 0
    const cut = await copyStore(source, target, opts({ signal: stop.signal, onProgress: (p) => p.phase === 'page' && ++pages === 3 && stop.abort() }))
    expect(cut.interrupted).toBe(true)
    expect(cut.derived).toBeNull()
    expect(await target.log.count('demo')).toBe(3 * 700)
    expect(parseProgress(await target.catalog.getSetting(progressKey('duckdb:/the/source', 'demo')))).toMatchObject({ read: 2100, copied: 2100, complete: false })
    expect(await target.catalog.getSetting(DERIVE_PENDING_KEY)).toBe('1')

    const starts: number[] = []
    const rest = await copyStore(source, target, opts({ onProgress: (p) => p.phase === 'start' && starts.push(p.read) }))
    expect(starts).toEqual([2100, 0])
    expect(rest.sites.map((s) => s.copied)).toEqual([h.events.demo!.length - 2100, h.events.blog!.length])
    expect(rest.sites.reduce((n, s) => n + s.skipped, 0)).toBe(0)
    expect((await target.log.count('demo')) + (await target.log.count('blog'))).toBe(total())
    expect(await target.catalog.getSetting(DERIVE_PENDING_KEY)).toBe('0')
    expect(await reportSnapshot(target, 'demo', snapshotOptions)).toEqual(expected)
  })

  it('adds nothing twice when a run stopped between storing a page and recording it, and derives on the next run', async () => {
    const target = await store('target')
    let writes = 0
    // the 4th progress record fails: that page's events are stored, its cursor is not
    const catalog = Object.create(target.catalog) as Store['catalog']
    catalog.setSetting = async (key, value) => {
      if (key.startsWith('copy:duckdb') && ++writes === 4) throw new Error('connection reset')
      return target.catalog.setSetting(key, value)
    }
    const flaky: Store = { log: target.log, reports: target.reports, derivation: target.derivation, persons: target.persons, catalog, onFault: () => undefined, init: async () => undefined, close: async () => undefined }
    await expect(copyStore(source, flaky, opts())).rejects.toThrow('connection reset')
    expect(await target.log.count('demo')).toBe(4 * 700)

    const rest = await copyStore(source, target, opts())
    expect(rest.sites[0]).toMatchObject({ copied: h.events.demo!.length - 4 * 700, skipped: 700, copiedBefore: 3 * 700 })
    expect(await target.log.count('demo')).toBe(h.events.demo!.length)
    expect(rest.derived?.kind).toBe('rebuild')
    expect(await reportSnapshot(target, 'demo', snapshotOptions)).toEqual(expected)
  })

  it('skips events the target holds already (e.g. from live ingest), and copies only the sites asked for', async () => {
    const target = await store('target')
    const live = h.events.demo!.filter((_, i) => i % 10 === 0)
    await target.log.append(live)
    const r = await copyStore(source, target, opts({ sites: ['demo'] }))
    expect(r.sites).toHaveLength(1)
    expect(r.sites[0]).toMatchObject({ copied: h.events.demo!.length - live.length, skipped: live.length })
    expect(await target.log.count('demo')).toBe(h.events.demo!.length)
    expect(await target.log.count('blog')).toBe(0)
    expect((await target.catalog.listSites()).map((s) => s.id)).toEqual(['demo'])
  })

  it('keeps the origins the target allows a site besides the source\'s', async () => {
    const target = await store('target')
    await target.catalog.upsertSite({ id: 'demo', name: 'demo', origins: ['https://new.example'], timezone: 'UTC', currency: 'USD' })
    await copyStore(source, target, opts({ sites: ['demo'] }))
    expect((await target.catalog.listSites())[0]).toEqual({ ...DEMO_SITES[0], origins: ['https://shop.example', 'https://new.example'] })
    expect(mergeSite(DEMO_SITES[0]!, undefined)).toEqual(DEMO_SITES[0])
  })

  it('copies a site again from the beginning when the recorded cursor does not fit the source', async () => {
    const target = await store('target')
    await copyStore(source, target, opts({ sites: ['blog'] }))
    // the progress of another file at the same path
    await target.catalog.setSetting(progressKey('duckdb:/the/source', 'blog'), encodeProgress({ cursor: JSON.stringify({ duckdb: 5, site: 'blog', id: 'not-that-one' }), read: 6, copied: 6, complete: true }))
    const notices: string[] = []
    const r = await copyStore(source, target, opts({ sites: ['blog'], onNotice: (m) => notices.push(m) }))
    expect(notices).toEqual([expect.stringMatching(/^blog: the recorded progress does not fit the source .*copying it from the beginning/)])
    expect(r.sites[0]).toMatchObject({ copied: 0, skipped: h.events.blog!.length, complete: true })
    expect(await target.log.count('blog')).toBe(h.events.blog!.length)
  })

  it('reads a source that does not read in append order from the start when a finished copy runs again', async () => {
    const target = await store('target')
    // a log like ClickHouse's: sorted by key, so a later event may sort before a cursor
    const keyOrdered: Store = { ...pick(source), log: Object.assign(Object.create(source.log) as EventLog, { readsInAppendOrder: false }) }
    await copyStore(keyOrdered, target, opts({ sites: ['blog'] }))
    const r = await copyStore(keyOrdered, target, opts({ sites: ['blog'] }))
    expect(r.sites[0]).toMatchObject({ copied: 0, skipped: h.events.blog!.length, copiedBefore: h.events.blog!.length })
  })

  it('copies the events appended to a DuckDB source since a finished copy, and only those', async () => {
    const target = await store('target')
    await copyStore(source, target, opts({ sites: ['blog'] }))
    await source.close()
    const writer = await store('source')
    const late = [row({ site: 'blog', id: 'late-aaaaaaaa' }), row({ site: 'blog', id: 'late-bbbbbbbb' })]
    await writer.log.append(late)
    await writer.close()
    source = await store('source', true)
    const r = await copyStore(source, target, opts({ sites: ['blog'] }))
    expect(r.sites[0]).toMatchObject({ copied: 2, skipped: 0, total: h.events.blog!.length + 2 })
    expect(r.derived?.kind).toBe('rebuild')
  })
})

/** A store's parts as a plain object, to swap one of them. */
const pick = (s: Store): Store => ({ log: s.log, catalog: s.catalog, reports: s.reports, derivation: s.derivation, persons: s.persons, onFault: (l) => s.onFault(l), init: () => s.init(), close: () => s.close() })

describe('copy progress records', () => {
  it('reads back what it wrote, and takes anything else for no progress', () => {
    const p = { cursor: '{"duckdb":3,"site":"s","id":"x"}', read: 4, copied: 3, complete: false }
    expect(parseProgress(encodeProgress(p))).toEqual(p)
    expect(parseProgress(encodeProgress({ ...p, cursor: null }))).toEqual({ ...p, cursor: null })
    for (const bad of [null, '', 'nope', '{}', '{"v":2,"cursor":null,"read":0,"copied":0,"complete":false}', '{"v":1,"cursor":null,"read":-1,"copied":0,"complete":false}']) {
      expect(parseProgress(bad), String(bad)).toBeNull()
    }
  })
})

describe('trackway copy flags', () => {
  it('takes --from (else TRACKWAY_STORE, else the default file), --to, --site and --batch', () => {
    expect(parseCopyArgs(['--to', 'clickhouse://u:p@127.0.0.1:8123/tw'], {})).toEqual({ from: 'duckdb:./trackway-data/trackway.duckdb', to: 'clickhouse://u:p@127.0.0.1:8123/tw', sites: null, batch: 10_000 })
    expect(parseCopyArgs(['--to', 'duckdb:b.duckdb', '--site', 'a', '--site', 'b', '--site', 'a', '--batch', '50'], { TRACKWAY_STORE: 'duckdb:a.duckdb' })).toEqual({ from: 'duckdb:a.duckdb', to: 'duckdb:b.duckdb', sites: ['a', 'b'], batch: 50 })
  })

  it.each([
    [['--to', 'duckdb:b', '--frm', 'x'], "Unknown option '--frm'"],
    [['--from', 'duckdb:a'], '--to URL is required'],
    [['--to', 'postgres://x'], '--to must be duckdb:<path> or clickhouse://'],
    [['--to', 'clickhouse://u:secret@h:8123/bad-name'], '--to clickhouse://: database "bad-name" must match'],
    [['--to', 'duckdb:'], '--to duckdb: needs a file path'],
    [['--from', 'duckdb:./a.duckdb', '--to', `duckdb:${process.cwd()}/a.duckdb`], '--from and --to name the same store'],
    [['--to', 'duckdb:b', '--site', 'bad site'], '--site "bad site" is not a site id'],
    [['--to', 'duckdb:b', '--batch', '0'], '--batch must be an integer in 1..100000'],
    [['--to', 'duckdb:b', 'extra'], "Unexpected argument 'extra'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCopyArgs(argv, {})).toThrow(ConfigError)
    expect(() => parseCopyArgs(argv, {})).toThrow(message)
  })

  it('names a store without its password, a DuckDB file by its absolute path', () => {
    expect(storeName('clickhouse://u:secret@127.0.0.1:8123/tw?cluster=c')).toBe('clickhouse://u@127.0.0.1:8123/tw?cluster=c')
    expect(storeName('clickhouses://h/tw')).toBe('clickhouses://default@h:8443/tw')
    expect(storeName('duckdb:x/y.duckdb')).toBe(`duckdb:${join(process.cwd(), 'x/y.duckdb')}`)
  })
})
