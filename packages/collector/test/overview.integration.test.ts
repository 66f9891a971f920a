import { describe, expect, it } from 'vitest'
import { TOKEN, event, post, appPerTest } from './fixtures/helpers.js'

const ctx = appPerTest()


const get = (url: string, token: string | null = TOKEN) =>
  ctx.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })

const today = () => new Date().toISOString().slice(0, 10)

describe('GET /v1/sites/:site/stats/overview', () => {
  it('reports visitors, pageviews, orders, revenue and signups of ingested events', async () => {
    const ts = Date.now() - 60_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts }),
        event({ anonymousId: 'a', ts, url: 'https://shop.example/p/1' }),
        event({ anonymousId: 'b', ts }),
        event({ anonymousId: 'b', ts, type: 'signup', userId: 'bob' }),
        event({ anonymousId: 'b', ts, type: 'purchase', orderId: 'o1', revenue: 42.5 }),
        event({ anonymousId: 'b', ts: ts + 1, type: 'purchase', orderId: 'o1', revenue: 42.5 }),
        event({ anonymousId: 'c', ts, type: 'purchase', orderId: 'o2', revenue: 10 }),
      ],
    })
    const res = await get(`/v1/sites/shop/stats/overview?from=${today()}&to=${today()}`)
    expect(res.statusCode).toBe(200)
    // a: two pageviews; b (bob after signing up): pageview, signup, an order sent twice 1 ms apart; c: an order.
    expect(res.json()).toEqual({
      from: today(),
      to: today(),
      visitors: 3,
      sessions: 3,
      pageviews: 3,
      bounceRate: 0,
      pagesPerSession: 1,
      avgSessionMs: 1 / 3,
      conversionRate: 2 / 3,
      orders: 2,
      revenue: 52.5,
      aov: 26.25,
      cartAbandonmentRate: null,
      checkoutCompletionRate: null,
      signups: 1,
    })
  })

  it('compares with the previous period of equal length, applies filters and a custom goal', async () => {
    const ts = Date.now() - 60_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts, url: 'https://shop.example/?utm_source=news&utm_medium=email' }),
        event({ anonymousId: 'a', ts: ts + 1000, type: 'custom', name: 'newsletter_signup' }),
        event({ anonymousId: 'b', ts, referrer: 'https://www.google.com/' }),
      ],
    })
    const base = `/v1/sites/shop/stats/overview?from=${today()}&to=${today()}`
    const compared = (await get(`${base}&compare=previous`)).json()
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    expect(compared.previous).toMatchObject({ from: yesterday, to: yesterday, visitors: 0, sessions: 0, bounceRate: null })
    expect((await get(`${base}&channel=Email`)).json()).toMatchObject({ visitors: 1, sessions: 1, pageviews: 1 })
    expect((await get(`${base}&channel=Organic%20Search`)).json()).toMatchObject({ visitors: 1, sessions: 1 })
    expect((await get(`${base}&device=mobile`)).json()).toMatchObject({ visitors: 0, conversionRate: null })
    expect((await get(`${base}&goal=custom:newsletter_signup`)).json()).toMatchObject({ conversionRate: 0.5 })
    expect((await get(`${base}&referred=true`)).json()).toMatchObject({ visitors: 0 })
    expect((await get(`${base}&path=/`)).json()).toMatchObject({ visitors: 2 })
  })

  it('defaults to the last 30 days', async () => {
    await post(ctx.app, { site: 'shop', events: [event()] })
    const res = await get('/v1/sites/shop/stats/overview')
    expect(res.json()).toMatchObject({ to: today(), pageviews: 1 })
  })

  it('counts days in the site\'s time zone', async () => {
    await ctx.app.trackway.sites.upsert({ id: 'shop', name: 'Shop', origins: ['https://shop.example'], timezone: 'America/New_York', currency: 'USD' })
    // 03:00 UTC on a day is still the previous day in New York (UTC−5 in January).
    const now = Date.now()
    const day = new Date(now - 2 * 86_400_000).toISOString().slice(0, 10)
    const at3utc = Date.parse(`${day}T03:00:00Z`)
    await post(ctx.app, { site: 'shop', sentAt: now, events: [event({ ts: at3utc })] })
    const prev = new Date(at3utc - 86_400_000).toISOString().slice(0, 10)
    expect((await get(`/v1/sites/shop/stats/overview?from=${prev}&to=${prev}`)).json()).toMatchObject({ pageviews: 1 })
    expect((await get(`/v1/sites/shop/stats/overview?from=${day}&to=${day}`)).json()).toMatchObject({ pageviews: 0 })
  })

  it('answers 401 without or with a wrong token', async () => {
    expect((await get('/v1/sites/shop/stats/overview', null)).statusCode).toBe(401)
    const res = await get('/v1/sites/shop/stats/overview', 'wrong-token')
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } })
  })

  it('answers 404 for an unknown site', async () => {
    const res = await get('/v1/sites/nope/stats/overview')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: { code: 'site_not_found' } })
  })

  it.each([
    ['from=2026-13-01', 'from'],
    ['from=2026-02-30', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-02-10&to=2026-02-01', 'from'],
    ['from=2000-01-01&to=2026-01-01', 'from'],
    ['colour=red', 'colour'],
    ['compare=next', 'compare'],
    ['referred=maybe', 'referred'],
    ['path=cart', 'path'],
    ['goal=sale', 'goal'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const res = await get(`/v1/sites/shop/stats/overview?${query}`)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_parameter')
    expect(res.json().error.message).toContain(`"${param}"`)
  })
})

describe('health and metrics', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await ctx.app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    expect((await ctx.app.inject('/readyz')).json()).toEqual({ status: 'ready' })
  })

  it('exposes Prometheus counters to the admin', async () => {
    await post(ctx.app, { site: 'shop', events: [event(), event()] })
    expect((await get('/metrics', null)).statusCode).toBe(401)
    const text = (await get('/metrics')).body
    expect(text).toMatch(/^trackway_events_accepted_total 2$/m)
  })

  it('answers unknown routes with a coded 404', async () => {
    const res = await ctx.app.inject('/v1/nothing')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
