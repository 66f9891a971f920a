import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { TOKEN, event, makeApp, post, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  app = await makeApp(join(dir.dir, 't.duckdb'))
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const get = (q: string) => app.inject({ url: `/v1/sites/shop/stats/paths?${q}`, headers: { authorization: `Bearer ${TOKEN}` } })
const page = (anonymousId: string, ts: number, path: string) => event({ anonymousId, ts, url: `https://shop.example${path}` })

describe('GET /v1/sites/:site/stats/paths', () => {
  it('counts sessions by their first pageview paths, most common first', async () => {
    const t = Date.now() - 3_600_000
    await post(app, {
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
