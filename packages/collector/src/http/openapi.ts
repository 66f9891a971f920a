import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'

/**
 * The OpenAPI document of every route, generated from the route schemas (@fastify/swagger) and
 * served at `GET /docs/json` (SPEC §6). Registered before the routes so it sees each of them.
 * Public: it describes the API, it reads no data. Report and management routes require the admin
 * token (`bearerAuth`).
 */
export const openApi = fp(
  async (app: FastifyInstance) => {
    // Every route registered after this plugin, as `METHOD url` (HEAD twins and CORS preflight
    // aside): what the document must cover (test/openapi.integration.test.ts checks it).
    const routes: string[] = []
    app.decorate('registeredRoutes', routes)
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD' && m !== 'OPTIONS') routes.push(`${m} ${r.url}`)
      // routes behind the admin token say so in the document
      if ([r.preHandler].flat().includes(app.trackway.requireAdmin)) r.schema = { ...r.schema, security: [{ bearerAuth: [] }] }
    })
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Trackway collector API',
          description: 'Ingest (POST /v1/batch, GET /v1/pixel.gif), sites, reports and journeys. Definitions: docs/metrics.md.',
          version: '1',
        },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'the admin token' } } },
      },
    })
    app.get('/docs/json', { schema: { summary: 'This OpenAPI document' } }, async () => app.swagger())
  },
  { name: 'trackway-openapi' },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD url` of every route registered after the OpenAPI plugin. */
    registeredRoutes: readonly string[]
  }
}
