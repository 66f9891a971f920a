import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { makeApp, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
})
afterEach(async () => {
  await app?.close()
  await dir.cleanup()
})

describe('static routes', () => {
  it('serves the script-tag bundle at /sdk.js with an ETag and a cache lifetime', async () => {
    app = await makeApp(join(dir.dir, 't.duckdb'))
    const res = await app.inject('/sdk.js')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.body).toContain('trackway')
    const again = await app.inject({ url: '/sdk.js', headers: { 'if-none-match': String(res.headers.etag) } })
    expect(again.statusCode).toBe(304)
    const debug = await app.inject('/sdk.debug.js')
    expect(debug.statusCode).toBe(200)
    expect(debug.headers.etag).not.toBe(res.headers.etag)
    expect(debug.body.length).toBeGreaterThan(res.body.length)
  })

  it('serves the dashboard, and the demo shop only with --demo', async () => {
    app = await makeApp(join(dir.dir, 't.duckdb'))
    const page = await app.inject('/dashboard/')
    expect(page.body).toContain('<title>Trackway dashboard</title>')
    // the built bundle and stylesheet it names (packages/dashboard/dist)
    const script = /src="(dashboard\.js\?v=[\w-]+)"/.exec(page.body)![1]!
    const js = await app.inject(`/dashboard/${script}`)
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/javascript/)
    expect((await app.inject('/dashboard/dashboard.css')).statusCode).toBe(200)
    expect((await app.inject('/dashboard')).statusCode).toBe(301)
    expect((await app.inject('/')).headers.location).toBe('/dashboard/')
    expect((await app.inject('/demo/')).statusCode).toBe(404)
    await app.close()
    app = await makeApp(join(dir.dir, 't.duckdb'), { demo: true, port: 8123 })
    const shop = await app.inject('/demo/')
    expect(shop.statusCode).toBe(200)
    expect(shop.body).toContain('data-site="demo"')
    expect(app.trackway.sites.get('demo')?.origins).toContain('http://127.0.0.1:8123')
    expect((await app.inject('/')).headers.location).toBe('/dashboard/')
  })
})
