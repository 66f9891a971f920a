import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventKey } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/store.js'
import { row } from '../fixtures/rows.js'
import type { OpenedStore, OpenStore } from './fixture.js'

/** The event log and the catalog of one adapter: what ingest, sites, settings and spend rely on. */
export function logAndCatalogContract(open: OpenStore): void {
  describe('event log and catalog', () => {
    let opened: OpenedStore
    let store: Store
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => opened.close())

    describe('event log', () => {
      it('finds exactly the stored (site, id) pairs', async () => {
        await store.log.append([row({ id: 'id-aaaaaaaa' }), row({ id: 'id-bbbbbbbb', site: 'blog' })])
        const found = await store.log.findStored([
          { site: 'shop', id: 'id-aaaaaaaa' },
          { site: 'shop', id: 'id-bbbbbbbb' },
          { site: 'blog', id: 'id-bbbbbbbb' },
          { site: 'shop', id: 'id-cccccccc' },
        ])
        expect([...found].sort()).toEqual([eventKey('blog', 'id-bbbbbbbb'), eventKey('shop', 'id-aaaaaaaa')].sort())
        expect(await store.log.findStored([])).toEqual(new Set())
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
        expect(await store.log.count('shop')).toBe(0)
      })

      it('keeps every field of a row as it was appended', async () => {
        const full = row({
          id: 'full-aaaaaa', type: 'purchase', name: null, userId: 'u-1', referrer: 'https://www.google.com/', referrerDomain: 'google.com',
          title: 'Ünïcode “title” \\ \' \n', props: '{"a":1}', orderId: 'o-1', revenue: 12.5, currency: 'EUR', items: '[{"sku":"A","price":12.5,"quantity":1}]',
          referralCode: 'R1', urlRef: 'R1', score: 4, experiment: 'x', variant: 'b', engagedMs: 1234, country: 'DE', utmSource: 's', utmMedium: 'm',
          utmCampaign: 'c', utmTerm: 't', utmContent: 'n', utmId: 'i', gclid: 'g', fbclid: 'f', msclkid: 'k', isBot: true, browser: null, os: null,
        })
        await store.log.append([full])
        expect(await store.log.count('shop')).toBe(1)
        expect(await store.log.count('blog')).toBe(0)
        expect([...(await store.log.findStored([full]))]).toEqual([eventKey('shop', 'full-aaaaaa')])
      })

      it('answers a ping', async () => {
        await expect(store.log.ping()).resolves.toBeUndefined()
      })
    })

    describe('catalog', () => {
      it('persists sites and settings', async () => {
        await store.catalog.upsertSite({ id: 'shop', name: 'Shop', origins: ['https://shop.example'], timezone: 'UTC', currency: 'EUR' })
        await store.catalog.upsertSite({ id: 'shop', name: 'Shop 2', origins: ['https://a.example', 'https://b.example'], timezone: 'Europe/Paris', currency: 'EUR' })
        await store.catalog.upsertSite({ id: 'blog', name: "Blog's", origins: [], timezone: 'UTC', currency: 'USD' })
        expect(await store.catalog.listSites()).toEqual([
          { id: 'blog', name: "Blog's", origins: [], timezone: 'UTC', currency: 'USD' },
          { id: 'shop', name: 'Shop 2', origins: ['https://a.example', 'https://b.example'], timezone: 'Europe/Paris', currency: 'EUR' },
        ])
        await store.catalog.setSetting('k', 'v1')
        await store.catalog.setSetting('k', 'v2')
        expect(await store.catalog.getSetting('k')).toBe('v2')
        expect(await store.catalog.getSetting('missing')).toBeNull()
      })

      it('sums spend per channel over dates, replacing a re-uploaded row', async () => {
        await store.catalog.upsertSpend('shop', [
          { date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 10 },
          { date: '2026-01-02', channel: 'Email', source: 'news', campaign: 'jan', amount: 5 },
          { date: '2026-01-03', channel: 'Paid Search', source: null, campaign: null, amount: 7 },
          { date: '2026-01-02', channel: null, source: 'tv', campaign: null, amount: 100 },
        ])
        await store.catalog.upsertSpend('shop', [{ date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 20 }])
        await store.catalog.upsertSpend('blog', [{ date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 1000 }])
        expect(await store.catalog.spendByChannel('shop', '2026-01-01', '2026-01-02')).toEqual(new Map([['Email', 25]]))
        expect(await store.catalog.spendByChannel('shop', '2026-01-01', '2026-01-31')).toEqual(new Map([['Email', 25], ['Paid Search', 7]]))
        expect(await store.catalog.spendByChannel('shop', '2025-12-01', '2025-12-31')).toEqual(new Map())
      })
    })
  })
}
