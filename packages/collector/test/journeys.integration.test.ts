import { describe, expect, it } from 'vitest'
import { IPHONE_UA, TOKEN, event, post, appPerTest } from './fixtures/helpers.js'

const ctx = appPerTest()


const get = (url: string) => ctx.app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })
const HOUR = 3_600_000

describe('GET /v1/sites/:site/journeys/:personId', () => {
  it('stitches a person\'s devices into one journey, in time order, from any of their ids', async () => {
    const t = Date.now() - 5 * HOUR
    // The phone browses anonymously from a search, then signs up; later the laptop logs in and buys.
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'phone', ts: t, url: 'https://shop.example/p/mug', referrer: 'https://www.google.com/' }),
        event({ anonymousId: 'phone', ts: t + 60_000, type: 'signup', userId: 'ann' }),
      ],
    }, { headers: { 'user-agent': IPHONE_UA } })
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'laptop', ts: t + 2 * HOUR, url: 'https://shop.example/?utm_source=news&utm_medium=email' }),
        event({ anonymousId: 'laptop', ts: t + 2 * HOUR + 1000, type: 'identify', userId: 'ann' }),
        event({ anonymousId: 'laptop', ts: t + 2 * HOUR + 2000, type: 'purchase', orderId: 'o-1', revenue: 30 }),
        event({ anonymousId: 'laptop', ts: t + 2 * HOUR + 3000, type: 'purchase', orderId: 'o-1', revenue: 30 }),
      ],
    })
    for (const id of ['ann', 'phone', 'laptop']) {
      const res = await get(`/v1/sites/shop/journeys/${id}`)
      expect(res.statusCode).toBe(200)
      const j = res.json()
      expect(j.personId).toBe('ann')
      expect(j.sessions.map((s: { channel: string; device: string }) => [s.channel, s.device])).toEqual([
        ['Organic Search', 'mobile'],
        ['Email', 'desktop'],
      ])
      expect(j.sessions[0]).toMatchObject({ entryPage: '/p/mug', pages: ['/p/mug'], conversions: [{ type: 'signup', orderId: null }] })
      expect(j.sessions[1].conversions).toEqual([{ type: 'purchase', t: expect.any(String), orderId: 'o-1', revenue: 30 }])
      expect(j.sessions[1].events).toHaveLength(4)
      expect(Date.parse(j.sessions[0].start)).toBeLessThan(Date.parse(j.sessions[1].start))
    }
  })

  it('answers 404 for an unknown person or site, 401 without a token', async () => {
    expect((await get('/v1/sites/shop/journeys/nobody')).json()).toMatchObject({ error: { code: 'person_not_found' } })
    expect((await get('/v1/sites/nope/journeys/x')).json()).toMatchObject({ error: { code: 'site_not_found' } })
    expect((await ctx.app.inject('/v1/sites/shop/journeys/x')).statusCode).toBe(401)
  })
})

describe('GET /v1/sites/:site/stats/realtime', () => {
  it('counts visitors of the last 5 minutes, with filters', async () => {
    const now = Date.now()
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts: now - 60_000 }),
        event({ anonymousId: 'b', ts: now - 120_000 }),
        event({ anonymousId: 'c', ts: now - 10 * 60_000 }),
      ],
    })
    expect((await get('/v1/sites/shop/stats/realtime')).json()).toEqual({ visitors: 2 })
    expect((await get('/v1/sites/shop/stats/realtime?device=mobile')).json()).toEqual({ visitors: 0 })
    const bad = await get('/v1/sites/shop/stats/realtime?from=2026-01-01')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.message).toContain('"from"')
  })
})
