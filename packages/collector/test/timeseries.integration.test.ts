import { describe, expect, it } from 'vitest'
import { TOKEN, event, post, appPerTest } from './fixtures/helpers.js'

const ctx = appPerTest()
const DAY = 86_400_000
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10)


const get = (q: string) => ctx.app.inject({ url: `/v1/sites/shop/stats/timeseries?${q}`, headers: { authorization: `Bearer ${TOKEN}` } })

describe('GET /v1/sites/:site/stats/timeseries', () => {
  it('has every bucket, empty ones included, for any overview metric', async () => {
    const noon = Date.parse(`${date(Date.now() - 3 * DAY)}T12:00:00Z`)
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts: noon }),
        event({ anonymousId: 'b', ts: noon }),
        event({ anonymousId: 'a', ts: noon + 2 * DAY, type: 'purchase', orderId: 'o1', revenue: 12 }),
      ],
    })
    const from = date(noon - DAY)
    const to = date(noon + 2 * DAY)
    expect((await get(`from=${from}&to=${to}`)).json()).toEqual([
      { t: from, value: 0 },
      { t: date(noon), value: 2 },
      { t: date(noon + DAY), value: 0 },
      { t: to, value: 1 },
    ])
    expect((await get(`from=${from}&to=${to}&metric=revenue`)).json().map((r: { value: number }) => r.value)).toEqual([0, 0, 0, 12])
    expect((await get(`from=${from}&to=${to}&metric=aov`)).json().map((r: { value: number | null }) => r.value)).toEqual([null, null, null, 12])
    const hours = (await get(`from=${date(noon)}&to=${date(noon)}&interval=hour`)).json()
    expect(hours).toHaveLength(24)
    expect(hours[12]).toEqual({ t: `${date(noon)}T12:00+00:00`, value: 2 })
  })

  it.each([
    ['metric=colour', 'metric'],
    ['interval=minute', 'interval'],
    ['from=2020-01-01&to=2026-01-01&interval=hour', 'interval'],
  ])('answers 400 naming the parameter for %j', async (q, param) => {
    const res = await get(q)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain(`"${param}"`)
  })
})
