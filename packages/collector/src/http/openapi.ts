import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { accessOf } from './auth.js'

/**
 * The OpenAPI document of every route, generated from the route schemas (@fastify/swagger) and
 * served at `GET /docs/json` (SPEC §6), and an interactive reference of it at `/docs`
 * (@fastify/swagger-ui: "Authorize" with the admin token, then "Try it out"). Registered before the
 * routes so it sees each of them. Public: it describes the API, it reads no data. Report and
 * management routes require the admin token (`bearerAuth`).
 */
export const openApi = fp(
  async (app: FastifyInstance) => {
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
    // `/docs`, `/docs/json` (this document), `/docs/yaml` and the UI's assets; its routes are
    // hidden from the document and registered before the hook below, which lists the API's routes.
    // No validator badge: the page makes no request to a third party.
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null, persistAuthorization: false } })
    // Every route registered after this plugin, as `METHOD url` (HEAD twins and CORS preflight
    // aside): what the document must cover (test/openapi.integration.test.ts checks it).
    const routes: string[] = []
    app.decorate('registeredRoutes', routes)
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD' && m !== 'OPTIONS') routes.push(`${m} ${r.url}`)
      // routes behind the admin token say so in the document
      if ([r.method].flat().some((m) => accessOf(m, r.url) !== 'public')) r.schema = { ...r.schema, security: [{ bearerAuth: [] }] }
    })
  },
  { name: 'trackway-openapi' },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD url` of every route registered after the OpenAPI plugin. */
    registeredRoutes: readonly string[]
  }
}
