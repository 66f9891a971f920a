import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DESKTOP_UA, TOKEN, countEvents, makeApp, readStore, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 't.duckdb')
  app = await makeApp(path)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

const pixel = (query: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/v1/pixel.gif?${query}`, headers: { 'user-agent': DESKTOP_UA, ...headers } })

describe('GET /v1/pixel.gif', () => {
  it('records a pageview with a cookieless visitor id and answers a GIF', async () => {
    const res = await pixel(`site=shop&url=${encodeURIComponent('https://shop.example/p?utm_source=news')}&referrer=${encodeURIComponent('https://www.bing.com/')}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/gif')
    expect(res.rawPayload.subarray(0, 6).toString()).toBe('GIF89a')
    await pixel('site=shop', { referer: 'https://shop.example/other' })
    const overview = await app.inject({ url: '/v1/sites/shop/stats/overview', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(overview.json()).toMatchObject({ pageviews: 2, visitors: 1 })
    await app.close()
    const rows = await readStore<Record<string, unknown>>(path, 'SELECT * FROM events ORDER BY path')
    expect(rows[0]).toMatchObject({ type: 'pageview', path: '/other', referrer_domain: null })
    expect(rows[1]).toMatchObject({ path: '/p', utm_source: 'news', referrer_domain: 'bing.com' })
    expect(rows[0]!.anonymous_id).toBe(rows[1]!.anonymous_id)
    expect(String(rows[0]!.anonymous_id)).not.toContain('127.0.0.1')
  })

  it('answers bad pixels with coded errors and stores nothing', async () => {
    expect((await pixel('site=nope&url=https://shop.example/')).json()).toMatchObject({ error: { code: 'unknown_site' } })
    expect((await pixel('url=https://shop.example/')).json()).toMatchObject({ error: { code: 'invalid_parameter' } })
    expect((await pixel('site=shop')).json()).toMatchObject({ error: { code: 'invalid_parameter' } })
    expect((await pixel('site=shop&url=javascript:alert(1)')).json()).toMatchObject({ error: { code: 'invalid_parameter' } })
    expect((await pixel('site=shop&url=https://evil.example/')).json()).toMatchObject({ error: { code: 'origin_not_allowed' } })
    await app.close()
    expect(await countEvents(path)).toBe(0)
  })
})
