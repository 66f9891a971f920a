import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { eventKey } from '../src/store/event-log.js'
import { row } from './fixtures/rows.js'
import { tempDir } from './fixtures/helpers.js'

let store: DuckDBStore
let dir: { dir: string; cleanup: () => Promise<void> }

beforeEach(async () => {
  dir = await tempDir()
  store = new DuckDBStore(join(dir.dir, 's.duckdb'))
  await store.init()
})
afterEach(async () => {
  await store.close()
  await dir.cleanup()
})

describe('DuckDBStore', () => {
  it('finds exactly the stored (site, id) pairs', async () => {
    await store.log.append([row({ id: 'id-aaaaaaaa' }), row({ id: 'id-bbbbbbbb', site: 'blog' })])
    const found = await store.log.findStored([
      { site: 'shop', id: 'id-aaaaaaaa' },
      { site: 'shop', id: 'id-bbbbbbbb' },
      { site: 'blog', id: 'id-bbbbbbbb' },
      { site: 'shop', id: 'id-cccccccc' },
    ])
    expect([...found].sort()).toEqual([eventKey('blog', 'id-bbbbbbbb'), eventKey('shop', 'id-aaaaaaaa')].sort())
  })

  it('scans the keys received since a time, page by page', async () => {
    await store.log.append([row({ id: 'old-aaaaaaa', receivedAt: 1000 }), row({ id: 'new-aaaaaaa', receivedAt: 5000 })])
    const keys: string[] = []
    await store.log.scanKeys(2000, (page) => keys.push(...page.map((k) => k.key)))
    expect(keys).toEqual([eventKey('shop', 'new-aaaaaaa')])
  })

  it('stores all rows of a commit or none', async () => {
    const bad = row({ id: 'bad-aaaaaaa' }) as unknown as Record<string, unknown>
    bad.device = null // NOT NULL column: the append fails part-way
    await expect(store.log.append([row({ id: 'good-aaaaaa' }), bad as never])).rejects.toThrow()
    expect((await store.log.findStored([{ site: 'shop', id: 'good-aaaaaa' }])).size).toBe(0)
  })

  it('persists sites and settings', async () => {
    await store.catalog.upsertSite({ id: 'shop', name: 'Shop', origins: ['https://shop.example'], timezone: 'UTC', currency: 'EUR' })
    await store.catalog.upsertSite({ id: 'shop', name: 'Shop 2', origins: ['https://a.example', 'https://b.example'], timezone: 'Europe/Paris', currency: 'EUR' })
    expect(await store.catalog.listSites()).toEqual([
      { id: 'shop', name: 'Shop 2', origins: ['https://a.example', 'https://b.example'], timezone: 'Europe/Paris', currency: 'EUR' },
    ])
    await store.catalog.setSetting('k', 'v1')
    await store.catalog.setSetting('k', 'v2')
    expect(await store.catalog.getSetting('k')).toBe('v2')
    expect(await store.catalog.getSetting('missing')).toBeNull()
  })
})
