import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { SiteNotFound } from '../errors.js'
import { reportRange } from './range.js'

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const

export const rangeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { from: date, to: date },
} as const

const overviewSchema = {
  type: 'object',
  required: ['from', 'to', 'visitors', 'pageviews', 'orders', 'revenue', 'signups'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    visitors: { type: 'integer' },
    pageviews: { type: 'integer' },
    orders: { type: 'integer' },
    revenue: { type: 'number' },
    signups: { type: 'integer' },
  },
} as const

/**
 * `GET /v1/sites/:site/stats/overview?from&to` — the foundation slice's report (SPEC §5–6):
 * visitors (distinct persons), pageviews, orders, revenue and signups.
 */
export const overviewRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Params: { site: string }; Querystring: { from?: string; to?: string } }>(
      '/v1/sites/:site/stats/overview',
      {
        preHandler: app.trackway.requireAdmin,
        schema: {
          params: { type: 'object', properties: { site: { type: 'string' } } },
          querystring: rangeQuerySchema,
          response: { 200: overviewSchema, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const site = app.trackway.sites.get(request.params.site)
        if (!site) throw new SiteNotFound(request.params.site)
        const range = reportRange(request.query, site.timezone)
        const overview = await app.trackway.store.overview(site.id, range)
        return { from: range.from, to: range.to, ...overview }
      },
    )
  },
  { name: 'trackway-overview', dependencies: [] },
)
