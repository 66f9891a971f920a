import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { DESKTOP_UA, IPHONE_UA, ORIGIN, appPerTest } from './fixtures/helpers.js'
import type { EventRow } from '../src/store/event-log.js'

const ctx = appPerTest({ sites: [{ id: 'shop', origins: [ORIGIN, 'https://www.shop.example'] }, { id: 'blog', origins: ['https://blog.example'] }] })

function plausible(app: FastifyInstance, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/event',
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain', 'user-agent': DESKTOP_UA, ...headers },
  })
}

async function stored(app: FastifyInstance, site = 'shop'): Promise<EventRow[]> {
  const rows: EventRow[] = []
  await app.trackway.store.log.events(site, null, (page) => void rows.push(...page.rows))
  return rows.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))
}

describe('POST /api/event (Plausible)', () => {
  it('stores a pageview (202) for a domain that is a host of the site, with the cookieless visitor', async () => {
    const { app } = ctx
    const res = await plausible(app, { n: 'pageview', u: 'https://shop.example/a?utm_source=x', d: 'shop.example', r: 'https://news.example/', w: 1280 }, { origin: ORIGIN })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
    const [row] = await stored(app)
    expect(row).toMatchObject({ type: 'pageview', path: '/a', utmSource: 'x', referrerDomain: 'news.example', name: null, browser: 'Chrome' })
    expect(row!.anonymousId).toBe(app.trackway.salt.visitorId('shop', '127.0.0.1', DESKTOP_UA))
  })

  it('takes long field names, a site id as domain, props as JSON text, and turns a goal into custom', async () => {
    const { app } = ctx
    await plausible(app, { name: 'Signup', url: 'https://shop.example/s', domain: 'shop', props: '{"tier":"pro","n":2,"o":{"x":1}}' })
    const [row] = await stored(app)
    expect(row).toMatchObject({ type: 'custom', name: 'Signup', props: '{"tier":"pro","n":2}' })
  })

  it('takes the tracker\'s engagement ping as an engagement event: a bounce stays a bounce', async () => {
    const { app } = ctx
    await plausible(app, { n: 'pageview', u: 'https://shop.example/x', d: 'shop.example' })
    await plausible(app, { n: 'engagement', u: 'https://shop.example/x', d: 'shop.example', e: 4200, sd: 80, v: 36 })
    const rows = await stored(app)
    expect(rows.map((r) => [r.type, r.name, r.engagedMs])).toEqual([['pageview', null, null], ['engagement', null, 4200]])
    const res = await app.inject({ method: 'GET', url: '/v1/sites/shop/stats/overview', headers: { authorization: 'Bearer test-admin-token' } })
    expect(res.json()).toMatchObject({ sessions: 1, bounceRate: 1 })
  })

  it('makes a goal with revenue a purchase of that amount, each one its own order', async () => {
    const { app } = ctx
    await plausible(app, { n: 'Purchase', u: 'https://shop.example/thanks', d: 'shop.example', $: { amount: '15.99', currency: 'eur' } })
    await plausible(app, { n: 'Purchase', u: 'https://shop.example/thanks', d: 'shop.example', $: { amount: 4, currency: 'EUR' } })
    const rows = await stored(app)
    expect(rows.map((r) => [r.type, r.name, r.revenue, r.currency])).toEqual([
      ['purchase', 'Purchase', 15.99, 'EUR'],
      ['purchase', 'Purchase', 4, 'EUR'],
    ])
    expect(rows[0]!.orderId).not.toBe(rows[1]!.orderId)
    // without a currency the amount is in the site's currency
    await plausible(app, { n: 'Tip', u: 'https://shop.example/tip', d: 'shop.example', $: { amount: 2 } })
    expect((await stored(app)).find((r) => r.name === 'Tip')).toMatchObject({ type: 'purchase', revenue: 2, currency: null })
  })

  it('sends the same visitor different ids on another device, and one visitor per IP and User-Agent', async () => {
    const { app } = ctx
    const e = { n: 'pageview', u: 'https://shop.example/', d: 'shop.example' }
    await plausible(app, e)
    await plausible(app, { ...e, u: 'https://shop.example/b' })
    await plausible(app, e, { 'user-agent': IPHONE_UA })
    const visitors = new Set((await stored(app)).map((r) => r.anonymousId))
    expect(visitors.size).toBe(2)
  })

  it('stores an event for each listed domain it knows', async () => {
    const { app } = ctx
    expect((await plausible(app, { n: 'pageview', u: 'https://shop.example/', d: 'www.shop.example,blog.example,other.example' })).json()).toMatchObject({ accepted: 2 })
    expect(await stored(app)).toHaveLength(1)
    expect(await stored(app, 'blog')).toHaveLength(1)
  })

  it('answers 4xx with a code and stores nothing for an unknown domain, a foreign Origin or a bad event', async () => {
    const { app } = ctx
    const cases: [unknown, Record<string, string>, number, string][] = [
      [{ n: 'pageview', u: 'https://x.example/', d: 'x.example' }, {}, 403, 'unknown_site'],
      [{ n: 'pageview', u: 'https://shop.example/', d: 'shop.example' }, { origin: 'https://evil.example' }, 403, 'origin_not_allowed'],
      [{ n: 'pageview', u: 'https://shop.example/' }, {}, 400, 'invalid_event'],
      [{ u: 'https://shop.example/', d: 'shop.example' }, {}, 400, 'invalid_event'],
      [{ n: 'pageview', d: 'shop.example' }, {}, 400, 'invalid_event'],
      [{ n: 'pageview', u: 'not a url', d: 'shop.example' }, {}, 400, 'invalid_event'],
      [{ n: 'Buy', u: 'https://shop.example/', d: 'shop.example', $: { amount: 'lots', currency: 'USD' } }, {}, 400, 'invalid_event'],
      [{ n: 'Buy', u: 'https://shop.example/', d: 'shop.example', $: { amount: 3, currency: 'dollars' } }, {}, 400, 'invalid_event'],
      [{ n: 'Buy', u: 'https://shop.example/', d: 'shop.example', $: { amount: -3, currency: 'USD' } }, {}, 400, 'invalid_event'],
      [{ n: 'x'.repeat(121), u: 'https://shop.example/', d: 'shop.example' }, {}, 400, 'invalid_event'],
      [{ n: 'pageview', u: 'https://shop.example/', d: 'shop.example', p: '{broken' }, {}, 400, 'invalid_event'],
      [['not', 'an', 'event'], {}, 400, 'invalid_event'],
      ['{not json', {}, 400, 'invalid_json'],
    ]
    for (const [body, headers, status, code] of cases) {
      const res = await plausible(app, body, headers)
      expect(res.statusCode, JSON.stringify(body)).toBe(status)
      expect(res.json().error.code, JSON.stringify(body)).toBe(code)
    }
    expect((await plausible(app, { n: 'pageview', u: 'not a url', d: 'shop.example' })).json().error.message).toMatch(/invalid_field/)
    expect(await stored(app)).toHaveLength(0)
    expect(await stored(app, 'blog')).toHaveLength(0)
  })
})
