import { beforeEach, describe, expect, it } from 'vitest'
import { TOKEN, appPerTest, event, post } from './fixtures/helpers.js'

const ctx = appPerTest()

beforeEach(async () => {
  const ts = Date.now() - 3_600_000
  await post(ctx.app, {
    site: 'shop',
    events: [
      event({ anonymousId: 'a', ts, url: 'https://shop.example/pricing' }),
      event({ anonymousId: 'a', ts: ts + 1000 }),
      event({ anonymousId: 'a', ts: ts + 61_000, type: 'cart_add', items: [{ sku: 'm', price: 1, quantity: 1 }] }),
      event({ anonymousId: 'b', ts }),
    ],
  })
})

const get = (q: string) => ctx.app.inject({ url: `/v1/sites/shop/stats/funnel?${q}`, headers: { authorization: `Bearer ${TOKEN}` } })

describe('GET /v1/sites/:site/stats/funnel', () => {
  it('reports persons per step with conversions and the median time from the previous step', async () => {
    expect((await get('steps=pageview@/pricing,cart_add')).json()).toEqual({
      steps: [
        { step: 'pageview@/pricing', persons: 1, conversionFromStart: 1, conversionFromPrevious: 1, medianMsFromPrevious: null },
        { step: 'cart_add', persons: 1, conversionFromStart: 1, conversionFromPrevious: 1, medianMsFromPrevious: 61_000 },
      ],
    })
    const aida = (await get('preset=aida')).json().steps
    expect(aida.map((s: { step: string; persons: number }) => [s.step, s.persons])).toEqual([['Awareness', 2], ['Interest', 1], ['Desire', 1], ['Action', 0]])
    expect((await get('steps=pageview,cart_add&window=30s')).statusCode).toBe(400)
    expect((await get('steps=pageview,cart_add&window=1m')).json().steps[1].persons).toBe(0)
  })

  it.each([
    ['', 'steps'],
    ['steps=pageview', 'steps'],
    ['steps=pageview,sale', 'steps'],
    ['steps=pageview,purchase&preset=aida', 'preset'],
    ['preset=pirate', 'preset'],
    ['preset=aida&window=1y', 'window'],
  ])('answers 400 naming the parameter for %j', async (q, param) => {
    const res = await get(q)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain(`"${param}"`)
  })
})
