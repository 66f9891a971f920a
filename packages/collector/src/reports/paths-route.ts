import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { MAX_PATH_DEPTH } from '../core/paths.js'
import type { CommonQuery } from './params.js'
import { reportRoute } from './report-route.js'

type Query = CommonQuery & { depth?: number; limit?: number }

/** `GET /v1/sites/:site/stats/paths?depth=4&limit=20` (SPEC §6). */
export const pathsRoute = fp(
  async (app: FastifyInstance) => {
    reportRoute<Query>(
      app,
      'stats/paths',
      {
        extra: {
          depth: { type: 'integer', minimum: 1, maximum: MAX_PATH_DEPTH, default: 4 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
        },
        response: {
          type: 'array',
          items: { type: 'object', properties: { pages: { type: 'array', items: { type: 'string' } }, sessions: { type: 'integer' } } },
        },
      },
      async (r) => r.answers.paths({ ...r.reportQuery(), depth: r.query.depth ?? 4, limit: r.query.limit ?? 20 }),
    )
  },
  { name: 'trackway-paths' },
)
