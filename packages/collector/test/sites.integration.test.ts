import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { TOKEN, event, makeApp, post, tempDir } from './fixtures/helpers.js'

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

const create = (body: unknown, token = TOKEN) =>
  app.inject({ method: 'POST', url: '/v1/sites', payload: body as object, headers: { authorization: `Bearer ${token}` } })

describe('/v1/sites', () => {
  it('creates a site that can ingest at once and survives a restart', async () => {
    const res = await create({ id: 'blog', name: 'Blog', origins: ['https://Blog.example/'], timezone: 'Europe/Paris', currency: 'EUR' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: 'blog', name: 'Blog', origins: ['https://blog.example'], timezone: 'Europe/Paris', currency: 'EUR', writeKey: expect.stringMatching(/^wk_/) })
    const ingest = await post(app, { site: 'blog', events: [event({ url: 'https://blog.example/' })] }, { headers: { origin: 'https://blog.example' } })
    expect(ingest.json()).toMatchObject({ accepted: 1 })
    await app.close()
    app = await makeApp(path)
    const list = await app.inject({ url: '/v1/sites', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(list.json().map((s: { id: string }) => s.id)).toEqual(['blog', 'shop'])
  })

  it('updates a site and keeps what the update leaves out', async () => {
    await create({ id: 'blog', origins: ['https://blog.example'], currency: 'EUR' })
    const res = await create({ id: 'blog', origins: ['https://blog.example', 'https://www.blog.example'] })
    expect(res.json()).toMatchObject({ currency: 'EUR', origins: ['https://blog.example', 'https://www.blog.example'] })
  })

  it.each([
    [{ id: 'Bad Id!', origins: ['https://a.example'] }, /id/],
    [{ id: 'a', origins: [] }, /origins/],
    [{ id: 'a', origins: ['ftp://a.example'] }, /http/],
    [{ id: 'a', origins: ['https://a.example'], timezone: 'Mars/Olympus' }, /time zone/],
    [{ id: 'a', origins: ['https://a.example'], currency: 'euro' }, /currency/],
    [{ id: "a", origins: ["https://a.example"], colour: "red" }, /unknown field "colour"/],
  ])('rejects %j with invalid_body', async (body, message) => {
    const res = await create(body)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_body')
    expect(res.json().error.message).toMatch(message)
  })

  it('requires the admin token', async () => {
    expect((await create({ id: 'x', origins: ['https://x.example'] }, 'nope-nope')).statusCode).toBe(401)
  })
})
