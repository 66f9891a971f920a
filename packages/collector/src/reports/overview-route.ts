import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { siteOf, siteParams } from './site.js'
import { errorResponseSchema } from '@trackway/protocol'
import { previousRange, reportRange } from './range.js'
import { commonQuery, filtersOf, goalParam, type CommonQuery } from './params.js'

const rate = { type: ['number', 'null'] } as const
const metrics = {
  visitors: { type: 'integer' },
  sessions: { type: 'integer' },
  pageviews: { type: 'integer' },
  bounceRate: rate,
  pagesPerSession: rate,
  avgSessionMs: rate,
  conversionRate: rate,
  orders: { type: 'integer' },
  revenue: { type: 'number' },
  aov: rate,
  cartAbandonmentRate: rate,
  checkoutCompletionRate: rate,
  signups: { type: 'integer' },
} as const

const period = { type: 'object', required: ['from', 'to', ...Object.keys(metrics)], properties: { from: { type: 'string' }, to: { type: 'string' }, ...metrics } } as const

type Query = CommonQuery & { compare?: 'previous'; goal?: string }

/**
 * `GET /v1/sites/:site/stats/overview` (SPEC §5–6): every overview metric over `from`–`to` in the
 * site's time zone, for the sessions the common filters select; `compare=previous` adds the
 * period of equal length before it; `goal` (default purchase) drives conversionRate.
 */
export const overviewRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/overview',
      {
        preHandler: app.trackway.requireAdmin,
        schema: {
          params: siteParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { ...commonQuery, compare: { type: 'string', enum: ['previous'] }, goal: goalParam },
          },
          response: {
            200: { ...period, properties: { ...period.properties, previous: period } },
            400: errorResponseSchema,
            401: errorResponseSchema,
            404: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const q = request.query
        const range = reportRange(q, site.timezone)
        const filters = filtersOf(q)
        const goal = q.goal ?? 'purchase'
        const { store } = app.trackway
        const current = { from: range.from, to: range.to, ...(await store.overview(site.id, range, filters, goal)) }
        if (q.compare !== 'previous') return current
        const prev = previousRange(range, site.timezone)
        return { ...current, previous: { from: prev.from, to: prev.to, ...(await store.overview(site.id, prev, filters, goal)) } }
      },
    )
  },
  { name: 'trackway-overview' },
)
