import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { makeApp, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let app: FastifyInstance

beforeAll(async () => {
  dir = await tempDir()
  app = await makeApp(join(dir.dir, 't.duckdb'), { demo: true })
})
afterAll(async () => {
  await app.close()
  await dir.cleanup()
})

/** `/v1/sites/:site/x` and `/dashboard/*` as OpenAPI writes them. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')

describe('GET /docs/json', () => {
  it('is an OpenAPI 3 document covering every registered route, with its parameters', async () => {
    const res = await app.inject({ url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> }
    expect(doc.openapi).toMatch(/^3\./)
    expect(app.registeredRoutes.length).toBeGreaterThan(20)
    const missing = app.registeredRoutes.filter((r) => {
      const [method, url] = r.split(' ') as [string, string]
      return !doc.paths[openApiPath(url)]?.[method.toLowerCase()]
    })
    expect(missing).toEqual([])
    const op = (path: string, m: string) => doc.paths[path]![m] as { security?: unknown[]; parameters?: { name: string; in: string }[] }
    expect(op('/v1/sites/{site}/stats/revenue', 'get').security).toEqual([{ bearerAuth: [] }])
    expect(op('/v1/sites', 'post').security).toEqual([{ bearerAuth: [] }])
    expect(op('/v1/batch', 'post').security).toBeUndefined()
    const overview = op('/v1/sites/{site}/stats/overview', 'get').parameters!.map((p) => `${p.in}:${p.name}`)
    expect(overview).toEqual(expect.arrayContaining(['path:site', 'query:from', 'query:to', 'query:channel', 'query:compare', 'query:goal']))
  })

  it('is browsable at /docs (@fastify/swagger-ui), which loads the same document', async () => {
    const page = await app.inject({ url: '/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' })
    expect(init.statusCode).toBe(200)
    expect(init.body).toContain('json')
    expect(init.body).not.toContain('validator.swagger.io')
    expect((await app.inject({ url: '/docs/static/swagger-ui-bundle.js' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/docs/json' })).json().openapi).toMatch(/^3\./)
  })
})
