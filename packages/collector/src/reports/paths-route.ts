import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { siteOf, siteParams } from './site.js'
import { errorResponseSchema } from '@trackway/protocol'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, type CommonQuery } from './params.js'

type Query = CommonQuery & { depth?: number; limit?: number }

/** `GET /v1/sites/:site/stats/paths?depth=4&limit=20` (SPEC §6). */
export const pathsRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/paths',
      {
        preHandler: app.trackway.requireAdmin,
        schema: {
          params: siteParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...commonQuery,
              depth: { type: 'integer', minimum: 1, maximum: 10, default: 4 },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            },
          },
          response: {
            200: {
              type: 'array',
              items: { type: 'object', properties: { pages: { type: 'array', items: { type: 'string' } }, sessions: { type: 'integer' } } },
            },
            400: errorResponseSchema,
            401: errorResponseSchema,
            404: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const q = request.query
        return app.trackway.store.paths(site.id, reportRange(q, site.timezone), q.depth ?? 4, q.limit ?? 20, filtersOf(q))
      },
    )
  },
  { name: 'trackway-paths' },
)
