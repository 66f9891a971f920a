import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { derive } from '../../src/core/derive.js'
import { computeFullOverview } from '../../src/core/metrics.js'
import { StaleCursorError } from '../../src/errors.js'
import { ReportAnswers } from '../../src/reports/answers.js'
import { eventKey, type EventRow, type LogCursor, type LogPage } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/store.js'
import { demoRows } from '../fixtures/demo-rows.js'
import { reportQuery } from '../fixtures/helpers.js'
import { row } from '../fixtures/rows.js'
import { close } from './datasets.js'
import type { OpenedStore, OpenStore } from './fixture.js'

const byId = (rows: readonly EventRow[]) => [...rows].sort((a, b) => (a.site + a.id < b.site + b.id ? -1 : 1))

/** Rows of two sites and several browsers, one with every field set (odd text, fractional numbers, a bot). */
function logRows(): EventRow[] {
  const full = row({
    id: 'full-aaaaaa', anonymousId: 'anon-2', type: 'purchase', userId: 'u-1', referrer: 'https://www.google.com/', referrerDomain: 'google.com',
    title: 'Ünïcode “title” \\ \' \n\t', props: '{"a":1}', orderId: 'o-1', revenue: 0.1 + 0.2, currency: 'EUR', items: '[{"sku":"A","price":12.5,"quantity":1}]',
    referralCode: 'R1', urlRef: 'R1', score: 4, experiment: 'x', variant: 'b', engagedMs: 1234.5678, country: 'DE', utmSource: 's', utmMedium: 'm',
    utmCampaign: 'c', utmTerm: 't', utmContent: 'n', utmId: 'i', gclid: 'g', fbclid: 'f', msclkid: 'k', isBot: true, browser: null, os: null,
    t: 1_767_225_600_123, ts: 1_767_225_599_000, receivedAt: 1_767_225_601_456,
  })
  const rows = [full]
  for (let i = 0; i < 14; i++) {
    rows.push(row({ id: `read-${String(i).padStart(2, '0')}-${'zyxwvutsrqponm'[i]}aaaa`, site: i % 4 === 3 ? 'blog' : 'shop', anonymousId: `anon-${i % 5}`, t: Date.UTC(2026, 0, 10) + i * 1000 }))
  }
  return rows
}
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
        const stored = [row({ id: 'id-aaaaaaaa' }), row({ id: 'id-bbbbbbbb', site: 'blog', ts: Date.UTC(2026, 0, 3, 7) })]
        await store.log.append(stored)
        const found = await store.log.findStored([
          { site: 'shop', id: 'id-aaaaaaaa' },
          { site: 'shop', id: 'id-bbbbbbbb' },
          { site: 'blog', id: 'id-bbbbbbbb' },
          { site: 'shop', id: 'id-cccccccc' },
        ])
        expect([...found].sort()).toEqual([eventKey('blog', 'id-bbbbbbbb'), eventKey('shop', 'id-aaaaaaaa')].sort())
        expect(await store.log.findStored([])).toEqual(new Set())
        // keys with their client time, as the ingest writer asks (a retry carries the same ts)
        const timed = await store.log.findStored([
          { site: 'shop', id: 'id-aaaaaaaa', ts: stored[0]!.ts },
          { site: 'blog', id: 'id-bbbbbbbb', ts: stored[1]!.ts },
          { site: 'shop', id: 'id-cccccccc', ts: stored[0]!.ts },
        ])
        expect([...timed].sort()).toEqual([eventKey('blog', 'id-bbbbbbbb'), eventKey('shop', 'id-aaaaaaaa')].sort())
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

      /** Every page of one read: events(site, after) with pages of `pageSize`. */
      const read = async (site: string | null, after: LogCursor | null, pageSize: number) => {
        const pages: LogPage[] = []
        await store.log.events(site, after, (p) => void pages.push(p), { pageSize })
        return pages
      }

      it('reads every stored event back once, every field as appended, in a stable order', async () => {
        const rows = logRows()
        await store.log.append(rows.slice(0, 6))
        await store.log.append(rows.slice(6))
        const shop = (await read('shop', null, 1000)).flatMap((p) => p.rows)
        expect(byId(shop)).toEqual(byId(rows.filter((r) => r.site === 'shop')))
        expect((await read('shop', null, 1000)).flatMap((p) => p.rows)).toEqual(shop)
        expect(byId((await read(null, null, 1000)).flatMap((p) => p.rows))).toEqual(byId(rows))
        expect(await read('none', null, 1000)).toEqual([])
      })

      it('reads in pages whose cursors resume just after them, for one site or every site', async () => {
        const rows = logRows()
        await store.log.append(rows)
        for (const site of ['shop', null]) {
          const whole = (await read(site, null, 1000)).flatMap((p) => p.rows)
          const pages = await read(site, null, 3)
          expect(pages.map((p) => p.rows.length)).toEqual(pages.map((_, i) => (i < pages.length - 1 ? 3 : whole.length - 3 * i)))
          expect(pages.flatMap((p) => p.rows)).toEqual(whole)
          let done = 0
          for (const page of pages) {
            done += page.rows.length
            // a new read from a cursor (another process, another page size) goes on exactly after it
            expect((await read(site, page.cursor, 2)).flatMap((p) => p.rows), `${site} after ${done}`).toEqual(whole.slice(done))
          }
          expect(await read(site, pages.at(-1)!.cursor, 3)).toEqual([])
        }
      })

      it('refuses a cursor that is not one of its log', async () => {
        await store.log.append(logRows())
        const pages = await read('shop', null, 2)
        await expect(store.log.events('shop', 'not a cursor', () => undefined)).rejects.toThrow(StaleCursorError)
        await expect(store.log.events('blog', pages[0]!.cursor, () => undefined)).rejects.toThrow(StaleCursorError)
      })

      it('imports rows without deriving on the way, and a rebuild derives them', async () => {
        const rows = demoRows('imp', 40, 7)
        for (let i = 0; i < rows.length; i += 500) await store.log.import(rows.slice(i, i + 500))
        expect(await store.log.count('imp')).toBe(rows.length)
        expect(byId((await read('imp', null, 5000)).flatMap((p) => p.rows))).toEqual(byId(rows))
        await store.derivation.rebuild()
        const range = { fromMs: 0, toMs: 4e12 }
        close(await new ReportAnswers(store).overview(reportQuery('imp', range)), computeFullOverview(derive(rows), range))
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

      it('lists a site\'s spend rows as stored: the latest upload of each key, names absent as null', async () => {
        await store.catalog.upsertSpend('shop', [
          { date: '2026-01-02', channel: 'Email', source: 'news', campaign: 'jan', amount: 5.25 },
          { date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 10 },
          { date: '2026-01-01', channel: null, source: 'tv', campaign: null, amount: 100 },
        ])
        await store.catalog.upsertSpend('shop', [{ date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 0.1 + 0.2 }])
        await store.catalog.upsertSpend('blog', [{ date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 1000 }])
        expect(await store.catalog.listSpend('shop')).toEqual([
          { date: '2026-01-01', channel: null, source: 'tv', campaign: null, amount: 100 },
          { date: '2026-01-01', channel: 'Email', source: null, campaign: null, amount: 0.1 + 0.2 },
          { date: '2026-01-02', channel: 'Email', source: 'news', campaign: 'jan', amount: 5.25 },
        ])
        expect(await store.catalog.listSpend('none')).toEqual([])
      })

      // --- write keys (SPEC §2.1) ---
      it('keeps one write key per site, the latest set replacing the previous one (rotation)', async () => {
        expect(await store.catalog.listWriteKeys()).toEqual(new Map())
        await store.catalog.setWriteKey('shop', 'wk_first-key-of-shop')
        await store.catalog.setWriteKey('blog', "wk_blog's-key")
        await store.catalog.setWriteKey('shop', 'wk_rotated-key-of-shop')
        expect(await store.catalog.listWriteKeys()).toEqual(
          new Map([
            ['blog', "wk_blog's-key"],
            ['shop', 'wk_rotated-key-of-shop'],
          ]),
        )
      })

      // --- read-only API keys ---
      it('keeps API keys by hash, lists the unrevoked ones per site, and revokes once', async () => {
        const key = (id: string, site: string, createdAt: number) => ({ id, site, name: `key "${id}" ' \\`, hash: `hash-${id}`, prefix: 'twk_abcd', createdAt })
        await store.catalog.insertApiKey(key('k1', 'shop', 1_767_225_600_000))
        await store.catalog.insertApiKey(key('k2', 'shop', 1_767_225_600_001))
        await store.catalog.insertApiKey(key('k3', 'blog', 1_767_225_600_002))
        expect(await store.catalog.listApiKeys('shop')).toEqual([key('k1', 'shop', 1_767_225_600_000), key('k2', 'shop', 1_767_225_600_001)])
        expect((await store.catalog.listApiKeys(null)).map((k) => k.id)).toEqual(['k1', 'k2', 'k3'])
        expect(await store.catalog.revokeApiKey('blog', 'k1')).toBe(false) // another site's key
        expect(await store.catalog.revokeApiKey('shop', 'k1')).toBe(true)
        expect(await store.catalog.revokeApiKey('shop', 'k1')).toBe(false)
        expect(await store.catalog.revokeApiKey('shop', 'missing')).toBe(false)
        expect((await store.catalog.listApiKeys('shop')).map((k) => k.id)).toEqual(['k2'])
        expect((await store.catalog.listApiKeys(null)).map((k) => k.id)).toEqual(['k2', 'k3'])
      })
    })
  })
}
