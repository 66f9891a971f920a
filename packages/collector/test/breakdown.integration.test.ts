import { beforeEach, describe, expect, it } from 'vitest'
import { TOKEN, appPerTest, event, post } from './fixtures/helpers.js'

const ctx = appPerTest()

beforeEach(async () => {
  const ts = Date.now() - 3_600_000
  await post(ctx.app, {
    site: 'shop',
    events: [
      event({ anonymousId: 'a', ts, referrer: 'https://www.google.com/', url: 'https://shop.example/p/mug' }),
      event({ anonymousId: 'a', ts: ts + 1000, url: 'https://shop.example/cart' }),
      event({ anonymousId: 'a', ts: ts + 2000, type: 'purchase', orderId: 'o1', revenue: 18, url: 'https://shop.example/cart' }),
      event({ anonymousId: 'b', ts, referrer: 'https://www.bing.com/', url: 'https://shop.example/' }),
      event({ anonymousId: 'c', ts, url: 'https://shop.example/?utm_source=news&utm_medium=email' }),
      event({ anonymousId: 'c', ts: ts + 1000, type: 'purchase', orderId: 'o2', revenue: 5 }),
      event({ anonymousId: 'c', ts: ts + 2000, url: 'https://shop.example/cart' }),
    ],
  })
})

const get = (q: string) => ctx.app.inject({ url: `/v1/sites/shop/stats/breakdown?${q}`, headers: { authorization: `Bearer ${TOKEN}` } })

describe('GET /v1/sites/:site/stats/breakdown', () => {
  it('breaks sessions down by channel, sorted by visitors then value', async () => {
    expect((await get('dimension=channel')).json()).toEqual([
      { value: 'Organic Search', visitors: 2, sessions: 2, conversions: 1, revenue: 18 },
      { value: 'Email', visitors: 1, sessions: 1, conversions: 1, revenue: 5 },
    ])
    expect((await get('dimension=channel&limit=1')).json()).toHaveLength(1)
  })

  it('counts pages by the sessions that viewed them, converting only after the view', async () => {
    const rows = (await get('dimension=page')).json()
    // c viewed /cart after buying: a view, but no conversion or revenue after it.
    expect(rows.find((r: { value: string }) => r.value === '/cart')).toEqual({ value: '/cart', visitors: 2, sessions: 2, conversions: 1, revenue: 18 })
    expect(rows.find((r: { value: string }) => r.value === '/p/mug')).toEqual({ value: '/p/mug', visitors: 1, sessions: 1, conversions: 1, revenue: 18 })
  })

  it('applies filters and shows missing values as null', async () => {
    expect((await get('dimension=source&channel=Email')).json()).toEqual([{ value: 'news', visitors: 1, sessions: 1, conversions: 1, revenue: 5 }])
    expect((await get('dimension=referrerDomain')).json()).toContainEqual({ value: null, visitors: 1, sessions: 1, conversions: 1, revenue: 5 })
  })

  it.each([
    ['', 'dimension'],
    ['dimension=colour', 'dimension'],
    ['dimension=page&limit=0', 'limit'],
    ['dimension=page&limit=x', 'limit'],
  ])('answers 400 naming the parameter for %j', async (q, param) => {
    const res = await get(q)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain(`"${param}"`)
  })
})
