import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { TOKEN, event, makeApp, post, tempDir } from './fixtures/helpers.js'
import { runBackup } from '../src/cli/backup.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 'data', 't.duckdb')
  app = await makeApp(path, { backupDir: join(dir.dir, 'backups') })
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const admin = { authorization: `Bearer ${TOKEN}` }
const HOUR = 3_600_000
const REPORTS = ['stats/overview', 'stats/breakdown?dimension=channel', 'stats/revenue', 'stats/funnel?steps=pageview,purchase', 'journeys/ann']

async function history() {
  const t = Date.now() - 5 * HOUR
  for (let i = 0; i < 20; i++) {
    await post(app, {
      site: 'shop',
      events: [
        event({ anonymousId: `b-${i}`, ts: t + i * 60_000, url: `https://shop.example/?utm_source=${i % 2 ? 'news' : 'ads'}&utm_medium=${i % 2 ? 'email' : 'cpc'}` }),
        event({ anonymousId: `b-${i}`, ts: t + i * 60_000 + 1000, type: 'purchase', orderId: `o-${i}`, revenue: 10 + i }),
      ],
    })
  }
  await post(app, { site: 'shop', events: [event({ anonymousId: 'b-0', ts: t + 2000, type: 'signup', userId: 'ann' })] })
}
const answers = async (a: FastifyInstance) => Promise.all(REPORTS.map(async (r) => (await a.inject({ url: `/v1/sites/shop/${r}`, headers: admin })).json()))

describe('backups', () => {
  it('POST /v1/backups writes a consistent snapshot while ingest goes on; restored, it answers the same reports', async () => {
    await history()
    const expected = await answers(app)
    const stored = await app.trackway.store.log.count('shop')
    // ingest keeps going during the backup: the snapshot holds whole commits only
    const during = Promise.all(Array.from({ length: 10 }, () => post(app, { site: 'shop', events: [event({ anonymousId: 'late', ts: Date.now() - 1000 }), event({ anonymousId: 'late' })] })))
    const res = await app.inject({ method: 'POST', url: '/v1/backups', headers: admin })
    await during
    expect(res.statusCode).toBe(200)
    const backup = res.json() as { path: string; events: number; bytes: number }
    expect(backup.path.startsWith(join(dir.dir, 'backups'))).toBe(true)
    expect(backup.events).toBeGreaterThanOrEqual(stored)
    expect((backup.events - stored) % 2).toBe(0)
    expect(backup.bytes).toBeGreaterThan(0)
    expect((await app.inject({ method: 'POST', url: '/v1/backups' })).statusCode).toBe(401)

    // restore: a collector on the backup file (after `trackway rebuild`, as docs say) answers the same
    const restored = await makeApp(backup.path)
    try {
      await restored.trackway.store.derivation.rebuild()
      expect(await restored.trackway.store.log.count('shop')).toBe(backup.events)
      const again = await answers(restored)
      if (backup.events === stored) expect(again).toEqual(expected)
      else expect(again.at(-1)).toEqual(expected.at(-1)) // the late events are of another person
      expect(again[0]).toMatchObject({ orders: 20 })
    } finally {
      await restored.close()
    }
  })

  it('`trackway backup --store … --out` copies a stopped store; restored, the reports are equal', async () => {
    await history()
    const expected = await answers(app)
    await app.close()
    const out = join(dir.dir, 'copy.duckdb')
    expect(await runBackup(['--store', `duckdb:${path}`, '--out', out], {})).toBe(0)
    expect(existsSync(out)).toBe(true)
    await expect(runBackup(['--store', `duckdb:${path}`, '--out', out], {})).rejects.toThrow(/exists/)
    app = await makeApp(out)
    expect(await answers(app)).toEqual(expected)
  })
})
