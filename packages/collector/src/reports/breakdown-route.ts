import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { siteOf, siteParams } from './site.js'
import { errorResponseSchema } from '@trackway/protocol'
import { DIMENSIONS, type Dimension } from '../core/breakdown.js'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, goalParam, type CommonQuery } from './params.js'

type Query = CommonQuery & { dimension: Dimension; limit?: number; goal?: string }

const rowSchema = {
  type: 'object',
  required: ['value', 'visitors', 'sessions', 'conversions', 'revenue'],
  properties: {
    value: { type: ['string', 'null'] },
    visitors: { type: 'integer' },
    sessions: { type: 'integer' },
    conversions: { type: 'integer' },
    revenue: { type: 'number' },
  },
} as const

/** `GET /v1/sites/:site/stats/breakdown?dimension=…&limit=…` (SPEC §5–6). */
export const breakdownRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/breakdown',
      {
        preHandler: app.trackway.requireAdmin,
        schema: {
          params: siteParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['dimension'],
            properties: {
              ...commonQuery,
              dimension: { type: 'string', enum: DIMENSIONS },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              goal: goalParam,
            },
          },
          response: { 200: { type: 'array', items: rowSchema }, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const q = request.query
        const range = reportRange(q, site.timezone)
        return app.trackway.store.breakdown(site.id, range, q.dimension, filtersOf(q), q.goal ?? 'purchase', q.limit ?? 100)
      },
    )
  },
  { name: 'trackway-breakdown' },
)
