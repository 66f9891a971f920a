import { describe, expect, it } from 'vitest'
import { TOKEN, event, post, appPerTest } from './fixtures/helpers.js'

const ctx = appPerTest()


const get = (q: string) => ctx.app.inject({ url: `/v1/sites/shop/stats/paths?${q}`, headers: { authorization: `Bearer ${TOKEN}` } })
const page = (anonymousId: string, ts: number, path: string) => event({ anonymousId, ts, url: `https://shop.example${path}` })

describe('GET /v1/sites/:site/stats/paths', () => {
  it('counts sessions by their first pageview paths, most common first', async () => {
    const t = Date.now() - 3_600_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        page('a', t, '/'), page('a', t + 1, '/p/mug'), page('a', t + 2, '/cart'),
        page('b', t, '/'), page('b', t + 1, '/p/mug'),
        page('c', t, '/blog'),
      ],
    })
    expect((await get('depth=2')).json()).toEqual([
      { pages: ['/', '/p/mug'], sessions: 2 },
      { pages: ['/blog'], sessions: 1 },
    ])
    expect((await get('depth=3&limit=1')).json()).toEqual([{ pages: ['/', '/p/mug'], sessions: 1 }])
  })

  it.each([['depth=0', 'depth'], ['depth=11', 'depth'], ['limit=-1', 'limit']])('answers 400 for %j', async (q, param) => {
    const res = await get(q)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain(`"${param}"`)
  })
})
