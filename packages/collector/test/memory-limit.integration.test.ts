import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors.js'
import { slowGroupEvents, SLOW_GROUP_EVENTS } from '../src/store/duckdb/derive/from-log.js'
import { sizeBytes } from '../src/size.js'
import { checkpointThreshold } from '../src/store/duckdb/handle.js'
import type { EventRow } from '../src/store/event-log.js'
import { makeApp, TOKEN, tempDir } from './fixtures/helpers.js'
import { row } from './fixtures/rows.js'

const query = async (app: FastifyInstance, sql: string) => {
  const store = app.trackway.store as unknown as { db: { query: (sql: string) => Promise<Record<string, unknown>[]> } }
  return store.db.query(sql)
}

describe('--memory-limit caps the store engine', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let app: FastifyInstance | null = null
  beforeEach(async () => ({ dir, cleanup } = await tempDir()))
  afterEach(async () => {
    await app?.close()
    app = null
    await cleanup()
  })

  it('is read from the flag or TRACKWAY_MEMORY_LIMIT, 384MB by default, and must be a size', () => {
    expect(loadConfig([]).memoryLimit).toBe('384MB')
    expect(loadConfig(['--memory-limit', '2GB']).memoryLimit).toBe('2GB')
    expect(loadConfig([], { TRACKWAY_MEMORY_LIMIT: '2GiB' }).memoryLimit).toBe('2GiB')
    expect(() => loadConfig(['--memory-limit', 'lots'])).toThrow(ConfigError)
  })

  it('scales the checkpoint threshold and the slow path\'s groups with the limit', async () => {
    expect(sizeBytes('384MB')).toBe(384e6)
    expect(sizeBytes('1.5 GiB')).toBe(1.5 * 2 ** 30)
    expect(sizeBytes(null)).toBeNull()
    expect(() => sizeBytes('lots')).toThrow(/not a size/)
    // un-checkpointed appends stay in the buffer pool: at most a quarter of the limit, 16MiB–256MiB
    expect(checkpointThreshold(null)).toBe('256MiB')
    expect(checkpointThreshold('384MB')).toBe('91MiB')
    expect(checkpointThreshold('4GB')).toBe('256MiB')
    expect(checkpointThreshold('32MB')).toBe('16MiB')
    expect(slowGroupEvents(null)).toBe(SLOW_GROUP_EVENTS)
    expect(slowGroupEvents(384e6)).toBe(53_644)
    expect(slowGroupEvents(8 * 2 ** 30)).toBe(SLOW_GROUP_EVENTS)
    expect(slowGroupEvents(32e6)).toBe(10_000)
    app = await makeApp(join(dir, 'limits.duckdb'), { memoryLimit: '384MB' })
    const [set] = await query(app, "SELECT current_setting('checkpoint_threshold') AS v")
    expect(String(set!.v)).toBe('91.0 MiB')
  })

  it('sets DuckDB\'s memory_limit, and a report that needs more answers memory_limit_exceeded instead of crashing', async () => {
    app = await makeApp(join(dir, 'small.duckdb'), { memoryLimit: '32MB' })
    const [limit] = await query(app, "SELECT current_setting('memory_limit') AS v")
    expect(String(limit!.v)).toMatch(/^3[01]\.\d MiB$/)
    // 200,000 events of 20,000 browsers: deriving their sessions before the report needs more than 32 MB
    const rows: EventRow[] = []
    for (let i = 0; i < 200_000; i++) {
      const t = Date.now() - 86_400_000 + i * 100
      rows.push(row({ id: `m-${i}`, t, ts: t, receivedAt: t, anonymousId: `a-${i % 20_000}`, path: `/p/${i % 5000}`, url: `https://shop.example/p/${i}` }))
    }
    await app.trackway.store.log.append(rows)
    const day = new Date().toISOString().slice(0, 10)
    const res = await app.inject({ method: 'GET', url: `/v1/sites/shop/stats/overview?from=${day}&to=${day}`, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.code).toBe('memory_limit_exceeded')
    // the refresh was tried 3 times (each try keeps what it committed) and each failure counted
    // (and logged at warn with DuckDB's message)
    const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    const failed = Number(/^trackway_derivations_total\{kind="failed"\} (\d+)/m.exec(metrics.body)?.[1])
    expect(failed).toBeGreaterThanOrEqual(3)
    // the collector goes on: health, and reads that fit
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect(Number((await query(app, 'SELECT count(*) AS n FROM events'))[0]!.n)).toBe(200_000)
  }, 120_000)
})
