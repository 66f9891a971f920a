import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { DERIVED_VERSION } from '../src/store/duckdb/derive/materialize.js'
import type { DeriveEvent } from '../src/store/derivation.js'
import { ReportAnswers } from '../src/reports/answers.js'
import { derive } from '../src/core/derive.js'
import type { EventRow } from '../src/store/event-log.js'
import { readStore, reportQuery, tempDir } from './fixtures/helpers.js'
import { BIN, startCollector } from './fixtures/process.js'
import { demoRows } from './fixtures/demo-rows.js'
import { twoDevices } from './contract/derivation.js'

const run = promisify(execFile)

/** Sessions as the pure derivation sees them, in the shape of the store's sessions(). */
const pureSessions = (events: EventRow[]) =>
  derive(events).sessions.map((s) => ({ person: s.person, firstId: s.events[0]!.id, start: s.start, channel: s.channel, pageviews: s.events.filter((e) => e.type === 'pageview').length }))
const sqlSessions = async (store: DuckDBStore, site: string) =>
  (await store.reports.sessions(site)).map((s) => ({ person: s.person, firstId: s.firstId, start: s.start, channel: s.channel, pageviews: s.pageviews }))
const sorted = <T extends { start: number; firstId: string }>(xs: T[]) => [...xs].sort((a, b) => a.start - b.start || (a.firstId < b.firstId ? -1 : 1))

describe('DuckDB derived tables (persons, sessions, orders) kept from the event log', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let path: string
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
    path = join(dir, 'derived.duckdb')
  })
  afterEach(async () => cleanup())

  it('catches up at start with events committed but not yet derived (e.g. before a crash)', async () => {
    const { early, late } = twoDevices()
    const store = new DuckDBStore(path)
    await store.init()
    await store.log.append(early)
    await new ReportAnswers(store).overview(reportQuery('d'))
    await store.log.append(late)
    await store.close() // closes before the background refresh
    const [state] = await readStore<{ mark: bigint; top: bigint }>(path, 'SELECT (SELECT mark FROM tw_state) AS mark, (SELECT max(rowid) FROM events) AS top')
    expect(Number(state!.mark)).toBe(early.length - 1)
    expect(Number(state!.top)).toBe(early.length + late.length - 1)

    const reopened = new DuckDBStore(path)
    await reopened.init()
    await reopened.close()
    const [after] = await readStore<{ mark: bigint }>(path, 'SELECT mark FROM tw_state')
    expect(Number(after!.mark)).toBe(early.length + late.length - 1)
    const again = new DuckDBStore(path)
    await again.init()
    expect(sorted(await sqlSessions(again, 'd'))).toEqual(sorted(pureSessions([...early, ...late])))
    await again.close()
  })

  it('derives everything again when the tables are of another version, and on rebuild()', async () => {
    const events = demoRows('d', 60, 4)
    const store = new DuckDBStore(path)
    await store.init()
    await store.log.append(events)
    const before = await new ReportAnswers(store).overview(reportQuery('d'))
    await store.close()

    await readStore(path, `DELETE FROM tw_sessions; ALTER TABLE tw_pe DROP COLUMN score; UPDATE tw_state SET version = ${DERIVED_VERSION - 1}`)
    const told: DeriveEvent[] = []
    const reopened = new DuckDBStore(path, { onDerive: (e) => told.push(e) })
    await reopened.init()
    // the operator is told before the (possibly long) derivation starts, and when it ends
    expect(told.map((e) => e.phase).filter((p) => p !== 'step')).toEqual(['rebuilding', 'done'])
    // the rebuild tells its progress step by step, between the two
    expect(told.flatMap((e) => (e.phase === 'step' ? [`${e.step}/${e.steps}`] : []))).toEqual(['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8'])
    expect(told[0]).toEqual({ phase: 'rebuilding', events: events.length })
    expect(told.at(-1)).toMatchObject({ phase: 'done', kind: 'rebuild', events: events.filter((e) => !e.isBot).length })
    expect(await new ReportAnswers(reopened).overview(reportQuery('d'))).toEqual(before)
    const r = await reopened.derivation.rebuild()
    expect(r.events).toBe(events.filter((e) => !e.isBot).length)
    expect(r.persons).toBe(new Set(derive(events).sessions.map((s) => s.person)).size)
    expect(await new ReportAnswers(reopened).overview(reportQuery('d'))).toEqual(before)
    expect(sorted(await sqlSessions(reopened, 'd'))).toEqual(sorted(pureSessions(events)))
    await reopened.close()
  })
})

describe('trackway rebuild', () => {
  it('rebuilds a stopped collector\'s store, and refuses while the collector runs', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const path = join(dir, 'cli.duckdb')
      const store = new DuckDBStore(path)
      await store.init()
      await store.log.append(demoRows('cli', 30, 9))
      await store.close()

      const { stdout } = await run(process.execPath, [BIN, 'rebuild', '--store', `duckdb:${path}`])
      expect(stdout).toMatch(/^rebuilt the derived tables of duckdb:.*: \d+ events of \d+ persons in \d+\.\d s$/m)

      const bad = await run(process.execPath, [BIN, 'rebuild', '--stor', 'x']).catch((e: { code: number; stderr: string }) => e)
      expect(bad).toMatchObject({ code: 2 })
      expect((bad as { stderr: string }).stderr).toContain("Unknown option '--stor'")

      const collector = await startCollector(['--store', `duckdb:${path}`, '--admin-token', 'a-long-enough-admin-token'])
      try {
        const busy = await run(process.execPath, [BIN, 'rebuild', '--store', `duckdb:${path}`]).catch((e: { code: number; stderr: string }) => e)
        expect(busy).toMatchObject({ code: 2 })
        expect((busy as { stderr: string }).stderr).toContain('open in another process — stop the collector first')
      } finally {
        collector.child.kill('SIGTERM')
        await collector.exited
      }
    } finally {
      await cleanup()
    }
  })
})
