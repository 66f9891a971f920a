import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { DESKTOP_UA, IPHONE_UA, ORIGIN, TOKEN, appPerTest, makeApp, newId, tempDir } from './fixtures/helpers.js'
import { openStore } from '../src/store/open-store.js'
import type { EventRow } from '../src/store/event-log.js'

const ctx = appPerTest()
const keyOf = (app: FastifyInstance, site = 'shop') => app.trackway.sites.get(site)!.writeKey
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`
const iso = (ms: number) => new Date(ms).toISOString()

function segment(app: FastifyInstance, body: unknown, o: { key?: string | null; path?: string; headers?: Record<string, string>; raw?: string } = {}) {
  const key = o.key === undefined ? keyOf(app) : o.key
  return app.inject({
    method: 'POST',
    url: o.path ?? '/v1/segment/batch',
    payload: o.raw ?? JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'user-agent': DESKTOP_UA, ...(key ? { authorization: basic(key) } : {}), ...o.headers },
  })
}

async function stored(app: FastifyInstance, site = 'shop'): Promise<EventRow[]> {
  const rows: EventRow[] = []
  await app.trackway.store.log.events(site, null, (page) => void rows.push(...page.rows))
  return rows.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))
}

const page = (o: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId: newId(),
  anonymousId: 'anon-seg',
  timestamp: iso(Date.now() - 5000),
  context: { page: { url: 'https://shop.example/p?utm_source=news', referrer: 'https://www.google.com/', title: 'P' } },
  properties: { path: '/p', url: 'https://shop.example/p', plan: 'pro' },
  ...o,
})
const track = (event: string, properties: Record<string, unknown> = {}, o: Record<string, unknown> = {}) => ({
  type: 'track', event, properties, messageId: newId(), anonymousId: 'anon-seg', timestamp: iso(Date.now() - 4000),
  context: { page: { url: 'https://shop.example/cart' } }, ...o,
})

describe('POST /v1/segment/batch', () => {
  it('maps page, identify and the e-commerce spec events onto Trackway events (SPEC §2.1)', async () => {
    const { app } = ctx
    const products = [{ product_id: 'p-1', name: 'Mug', price: 12.5, quantity: 2 }, { sku: 'SKU-2', price: 5 }]
    const batch = [
      page(),
      { type: 'identify', messageId: newId(), anonymousId: 'anon-seg', userId: 'u-9', traits: { email: 'a@b.c', address: { city: 'X' }, referralCode: 'FRIEND' }, timestamp: iso(Date.now() - 4500) },
      track('Product Added', { product_id: 'p-1', name: 'Mug', price: 12.5, brand: 'acme' }),
      track('Product Removed', { sku: 'SKU-2', price: 5, quantity: 3 }),
      track('Checkout Started', { total: 30, currency: 'EUR', products }),
      track('Order Completed', { order_id: 'o-1', revenue: 25, total: 30, currency: 'EUR', products, coupon: 'X' }),
      track('Signed Up', { plan: 'free' }, { userId: 'u-9' }),
      track('Experiment Viewed', { experiment_id: 'exp-1', variation_name: 'b' }),
      track('feedback', { score: 4, topic: 'speed' }),
      track('referral_invite', { code: 'MYCODE' }),
      track('Video Played', { length: 3, nested: { a: 1 }, referralCode: 'R2' }),
      { type: 'alias', previousId: 'x', userId: 'u-9', messageId: newId() },
      { type: 'group', groupId: 'g', userId: 'u-9', messageId: newId() },
    ]
    const res = await segment(app, { batch, sentAt: iso(Date.now()) }, { headers: { origin: ORIGIN } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ accepted: 11, duplicates: 0, rejected: [] })
    const rows = await stored(app)
    const byType = (t: string) => rows.filter((r) => r.type === t)
    expect(rows.map((r) => r.type).sort()).toEqual(['pageview', 'identify', 'cart_add', 'cart_remove', 'checkout', 'purchase', 'signup', 'experiment', 'feedback', 'referral_invite', 'custom'].sort())
    const pv = byType('pageview')[0]!
    expect(pv).toMatchObject({ url: 'https://shop.example/p?utm_source=news', path: '/p', referrerDomain: 'google.com', title: 'P', utmSource: 'news', props: '{"plan":"pro"}', browser: 'Chrome', device: 'desktop' })
    expect(byType('identify')[0]).toMatchObject({ userId: 'u-9', props: '{"email":"a@b.c"}', referralCode: 'FRIEND' })
    expect(JSON.parse(byType('cart_add')[0]!.items!)).toEqual([{ sku: 'p-1', name: 'Mug', price: 12.5, quantity: 1 }])
    expect(byType('cart_add')[0]!.props).toBe('{"brand":"acme"}')
    expect(JSON.parse(byType('cart_remove')[0]!.items!)).toEqual([{ sku: 'SKU-2', price: 5, quantity: 3 }])
    expect(byType('checkout')[0]).toMatchObject({ revenue: 30, currency: 'EUR' })
    const order = byType('purchase')[0]!
    expect(order).toMatchObject({ orderId: 'o-1', revenue: 25, currency: 'EUR', props: '{"coupon":"X"}' })
    expect(JSON.parse(order.items!)).toEqual([{ sku: 'p-1', name: 'Mug', price: 12.5, quantity: 2 }, { sku: 'SKU-2', price: 5, quantity: 1 }])
    expect(byType('signup')[0]).toMatchObject({ userId: 'u-9', props: '{"plan":"free"}' })
    expect(byType('experiment')[0]).toMatchObject({ experiment: 'exp-1', variant: 'b' })
    expect(byType('feedback')[0]).toMatchObject({ score: 4, props: '{"topic":"speed"}' })
    expect(byType('referral_invite')[0]).toMatchObject({ referralCode: 'MYCODE', props: null })
    expect(byType('custom')[0]).toMatchObject({ name: 'Video Played', props: '{"length":3}', referralCode: 'R2' })
  })

  it('keeps a good messageId as the id, hashes one that breaks the id rule stably, and dedups re-sends', async () => {
    const { app } = ctx
    const good = page({ messageId: 'ajs-next-1767225600000-abc' })
    const odd = page({ messageId: 'has spaces & symbols!' })
    expect((await segment(app, { batch: [good, odd] })).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] })
    expect((await segment(app, { batch: [odd, good, good] })).json()).toEqual({ accepted: 0, duplicates: 3, rejected: [] })
    const ids = (await stored(app)).map((r) => r.id).sort()
    expect(ids[0]).toBe('ajs-next-1767225600000-abc')
    expect(ids[1]).toMatch(/^sg_[A-Za-z0-9_-]{32}$/)
  })

  it('rejects a message that cannot be converted on its own, with a code, and stores the rest', async () => {
    const { app } = ctx
    const batch = [
      page(),
      { type: 'unknown-kind', messageId: newId(), anonymousId: 'a' },
      page({ anonymousId: undefined, userId: undefined }),
      track('Order Completed', { order_id: 'o-2' }),
      { type: 'track', messageId: newId(), anonymousId: 'a' },
      page({ timestamp: 'yesterday' }),
      page({ timestamp: iso(Date.now() + 3_600_000) }),
      track('Product Added', { sku: 'A', price: 1, padding: 'x'.repeat(33 * 1024) }),
      'not an object',
      track('Experiment Viewed', {}),
    ]
    const res = await segment(app, { batch })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'invalid_type'],
      [2, 'missing_field'],
      [3, 'missing_field'],
      [4, 'missing_field'],
      [5, 'invalid_field'],
      [6, 'ts_in_future'],
      [7, 'message_too_large'],
      [8, 'invalid_field'],
      [9, 'missing_field'],
    ])
    expect(body.rejected.find((r: { index: number }) => r.index === 3).message).toMatch(/revenue/)
    expect(await stored(app)).toHaveLength(1)
  })

  it('answers 401 and stores nothing for a missing or wrong write key, also one sent in the body', async () => {
    const { app } = ctx
    const body = { batch: [page()] }
    for (const res of [
      await segment(app, body, { key: null }),
      await segment(app, body, { key: 'wk_wrong' }),
      await segment(app, { ...body, writeKey: 'wk_wrong' }, { key: null }),
      await segment(app, { ...body, writeKey: keyOf(app) }, { key: 'wk_wrong' }),
      await segment(app, 'not a batch', { key: null, raw: '"x"' }),
    ]) {
      expect(res.statusCode).toBe(401)
      expect(res.json().error.code).toBe('invalid_write_key')
    }
    expect(await stored(app)).toHaveLength(0)
    const ok = await segment(app, { ...body, writeKey: keyOf(app) }, { key: null, headers: { 'content-type': 'text/plain' } })
    expect(ok.json()).toMatchObject({ accepted: 1 })
  })

  it('takes a server-side message without page URL or Origin: the URL is the site origin, the User-Agent the message\'s', async () => {
    const { app } = ctx
    const m = track('Order Completed', { order_id: 'o-3', revenue: 9.5 }, { context: { userAgent: IPHONE_UA }, timestamp: undefined, userId: 'u-1', anonymousId: undefined })
    const res = await segment(app, { batch: [m], context: { library: { name: 'analytics-node' } } })
    expect(res.json()).toMatchObject({ accepted: 1 })
    const [row] = await stored(app)
    expect(row).toMatchObject({ url: `${ORIGIN}/`, path: '/', anonymousId: 'u-1', userId: 'u-1', device: 'mobile', revenue: 9.5 })
    expect(Math.abs(row!.t - Date.now())).toBeLessThan(5000)
    // without context.userAgent the request's is the library's (a bot to isbot): the event is no bot's
    await segment(app, { batch: [track('Server side', {}, { context: {} })] }, { headers: { 'user-agent': 'analytics-node-next/latest' } })
    expect((await stored(app)).find((r) => r.name === 'Server side')).toMatchObject({ isBot: false, browser: null, os: null, device: 'desktop' })
    // any other request User-Agent is the visitor's: a crawler relayed by a server stays a bot
    await segment(app, { batch: [track('Relayed', {}, { context: {} })] }, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } })
    expect((await stored(app)).find((r) => r.name === 'Relayed')).toMatchObject({ isBot: true, device: 'bot' })
  })

  it('merges the batch context under each message and corrects the clock by sentAt', async () => {
    const { app } = ctx
    const skew = 3_600_000 // the client's clock is an hour ahead
    const ts = Date.now() + skew - 10_000
    const m = { ...page({ timestamp: iso(ts) }), context: { page: { title: 'own' } } }
    await segment(app, { batch: [m], context: { page: { url: 'https://shop.example/from-batch' } }, sentAt: iso(Date.now() + skew) })
    const [row] = await stored(app)
    expect(row).toMatchObject({ path: '/from-batch', title: 'own', ts })
    expect(Math.abs(row!.t - (Date.now() - 10_000))).toBeLessThan(3000)
  })

  it('refuses a browser Origin that is not the site\'s (403), like /v1/batch', async () => {
    const { app } = ctx
    const res = await segment(app, { batch: [page()] }, { headers: { origin: 'https://evil.example' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('origin_not_allowed')
    expect(await stored(app)).toHaveLength(0)
  })

  it('answers 413 over 500 KB and 400 for a body that is no batch', async () => {
    const { app } = ctx
    const big = { batch: Array.from({ length: 40 }, () => track('Big', { text: 'x'.repeat(13_000) })) }
    const res = await segment(app, big)
    expect(res.statusCode).toBe(413)
    expect(res.json().error).toMatchObject({ code: 'body_too_large', message: expect.stringContaining(String(500 * 1024)) })
    // gzip: the inflated body counts (a 520 KB batch compresses to a few KB)
    const zipped = await app.inject({
      method: 'POST', url: '/v1/segment/batch', payload: gzipSync(JSON.stringify({ batch: [track('Big', { text: 'x'.repeat(520_000) })] })),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basic(keyOf(app)) },
    })
    expect(zipped.statusCode).toBe(413)
    const bad = await segment(app, { batch: 'nope' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('invalid_batch')
    expect(await stored(app)).toHaveLength(0)
  })

  it('serves the paths Segment clients derive from their host, with preflight CORS for browsers', async () => {
    const { app } = ctx
    for (const path of ['/v1/segment/v1/batch', '/v1/segment/b']) {
      expect((await segment(app, { batch: [page()] }, { path })).json()).toMatchObject({ accepted: 1 })
    }
    // analytics-next's standard mode: one message per request, writeKey inside, text/plain
    for (const [path, m] of [['/v1/segment/v1/p', page()], ['/v1/segment/v1/t', track('Clicked')], ['/v1/segment/i', { ...page(), type: 'identify', userId: 'u-2' }]] as const) {
      const res = await segment(app, { ...m, writeKey: keyOf(app) }, { path, key: null, headers: { 'content-type': 'text/plain', origin: ORIGIN } })
      expect(res.json()).toMatchObject({ accepted: 1 })
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN)
    }
    // the HTTP API's single-message paths imply the type
    const { type: _t, ...untyped } = track('Typed by path')
    expect((await segment(app, untyped, { path: '/v1/segment/v1/track' })).json()).toMatchObject({ accepted: 1 })
    const pre = await app.inject({ method: 'OPTIONS', url: '/v1/segment/v1/t', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN)
    expect((await stored(app)).map((r) => r.type).sort()).toEqual(['custom', 'custom', 'identify', 'pageview', 'pageview', 'pageview'])
  })
})

describe('write keys', () => {
  const admin = { authorization: `Bearer ${TOKEN}` }
  it('shows each site with its write key and rotates it: the old key is refused at once', async () => {
    const { app } = ctx
    const list = await app.inject({ method: 'GET', url: '/v1/sites', headers: admin })
    const key = list.json()[0].writeKey
    expect(key).toMatch(/^wk_[A-Za-z0-9_-]{32}$/)
    expect((await app.inject({ method: 'GET', url: '/v1/sites/shop', headers: admin })).json()).toMatchObject({ id: 'shop', writeKey: key })
    expect((await app.inject({ method: 'GET', url: '/v1/sites/none', headers: admin })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/v1/sites/shop' })).statusCode).toBe(401)
    const created = await app.inject({ method: 'POST', url: '/v1/sites', headers: admin, payload: { id: 'blog', origins: ['https://blog.example'] } })
    expect(created.json().writeKey).toMatch(/^wk_/)
    expect(created.json().writeKey).not.toBe(key)

    expect((await app.inject({ method: 'POST', url: '/v1/sites/shop/write-key' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'POST', url: '/v1/sites/none/write-key', headers: admin })).statusCode).toBe(404)
    const rotated = await app.inject({ method: 'POST', url: '/v1/sites/shop/write-key', headers: admin })
    const next = rotated.json().writeKey
    expect(next).toMatch(/^wk_/)
    expect(next).not.toBe(key)
    expect((await segment(app, { batch: [page()] }, { key })).statusCode).toBe(401)
    expect((await segment(app, { batch: [page()] }, { key: next })).json()).toMatchObject({ accepted: 1 })
    // a site's events are the key's site: blog's key writes to blog
    await segment(app, { batch: [page({ context: { page: { url: 'https://blog.example/' } } })] }, { key: created.json().writeKey })
    expect(await stored(app, 'blog')).toHaveLength(1)
  })
})

describe('write keys of sites created before them', () => {
  it('gives a site without a key one at start and keeps it across restarts', async () => {
    const d = await tempDir()
    try {
      const path = join(d.dir, 'old.duckdb')
      const store = await openStore(`duckdb:${path}`)
      await store.init()
      await store.catalog.upsertSite({ id: 'legacy', name: 'Legacy', origins: ['https://legacy.example'], timezone: 'UTC', currency: 'USD' })
      expect(await store.catalog.listWriteKeys()).toEqual(new Map())
      await store.close()
      let app = await makeApp(path, { sites: [] })
      const key = app.trackway.sites.get('legacy')!.writeKey
      expect(key).toMatch(/^wk_/)
      await app.close()
      app = await makeApp(path, { sites: [] })
      expect(app.trackway.sites.get('legacy')!.writeKey).toBe(key)
      expect((await segment(app, { batch: [track('Server side', {}, { context: {} })] }, { key })).json()).toMatchObject({ accepted: 1 })
      expect(await stored(app, 'legacy')).toMatchObject([{ url: 'https://legacy.example/' }])
      await app.close()
    } finally {
      await d.cleanup()
    }
  })
})
