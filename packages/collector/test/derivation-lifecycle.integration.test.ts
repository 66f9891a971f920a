import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { EventRow } from '../src/store/event-log.js'
import { refreshDerived } from '../src/store/duckdb/derive/materialize.js'
import { tempDir } from './fixtures/helpers.js'
import { dbOf, expectSameAsRebuild, MIN, T0, tables } from './fixtures/derived-tables.js'
import { row } from './fixtures/rows.js'

/* The refresh of the DuckDB derived tables beside ingest and at shutdown. */
describe('the derivation beside ingest commits and at close', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeEach(async () => ({ dir, cleanup } = await tempDir()))
  afterEach(async () => cleanup())

  it('holds ingest commits off during each statement of the slow path, and not on the fast path', async () => {
    const store = new DuckDBStore(join(dir, 'lock.duckdb'), { backgroundRefresh: false })
    await store.init()
    try {
      const db = dbOf(store)
      const order: string[] = []
      let taken = 0
      const memoryLock = async () => {
        const release = await db.memoryLock()
        taken++
        // an ingest commit asked for while the lock is held completes only after it is released
        if (taken === 1) {
          void store.log.append([row({ site: 'a', anonymousId: 'w', t: T0 + 9 * 60 * MIN, path: '/' })]).then(() => order.push('append'))
          await new Promise((r) => setTimeout(r, 50))
        }
        return () => {
          order.push('released')
          release()
        }
      }
      const conn = db.derived
      await store.log.append([row({ site: 'a', anonymousId: 'x', t: T0, path: '/' }), row({ site: 'a', anonymousId: 'x', t: T0 + MIN, path: '/b' })])
      expect(await refreshDerived(conn, { memoryLock })).toMatchObject({ kind: 'refresh' })
      expect(taken).toBe(0) // in time order: the fast path
      await store.log.append([row({ site: 'a', anonymousId: 'x', t: T0 - 5 * MIN, path: '/early' })])
      expect(await refreshDerived(conn, { memoryLock })).toMatchObject({ kind: 'refresh', persons: 1 })
      expect(taken).toBeGreaterThan(5) // a late event: the slow path, statement by statement
      await new Promise((r) => setTimeout(r, 50))
      expect(order[0]).toBe('released')
      expect(order.filter((o) => o === 'append')).toHaveLength(1) // it ran between two statements
    } finally {
      await store.close()
    }
  })

  it('stops a running refresh when the store closes, and the next start derives those events', async () => {
    const path = join(dir, 'close.duckdb')
    let store = new DuckDBStore(path, { backgroundRefresh: false })
    await store.init()
    const rows: EventRow[] = []
    for (let i = 0; i < 60_000; i++) rows.push(row({ site: 'a', id: `c-${i}`, anonymousId: `b-${i % 6_000}`, t: T0 + i * 1000, path: `/p/${i % 40}` }))
    await store.log.append(rows)
    const refresh = store.derivation.refresh()
    await new Promise((r) => setTimeout(r, 200))
    await store.close()
    await expect(refresh).rejects.toThrow(/closing|interrupt/i)
    store = new DuckDBStore(path, { backgroundRefresh: false })
    await store.init() // derives what the stopped refresh did not
    try {
      expect(await store.derivation.refresh()).toBeNull()
      await expectSameAsRebuild(store, await tables(store))
    } finally {
      await store.close()
    }
  }, 120_000)
})
