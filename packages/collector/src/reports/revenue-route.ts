import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { siteOf, siteParams } from './site.js'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, type CommonQuery } from './params.js'
import type { Filters, Store, TimeRange } from '../store/types.js'

const rate = { type: ['number', 'null'] } as const

const revenueSchema = {
  type: 'object',
  required: ['from', 'to', 'revenue', 'orders', 'customers', 'newCustomers', 'aov', 'purchaseFrequency', 'repeatPurchaseRate', 'revenuePerVisitor', 'clv', 'clvToAov'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    revenue: { type: 'number' },
    orders: { type: 'integer' },
    customers: { type: 'integer' },
    newCustomers: { type: 'integer' },
    aov: rate,
    purchaseFrequency: rate,
    repeatPurchaseRate: rate,
    revenuePerVisitor: rate,
    clv: rate,
    clvToAov: rate,
  },
} as const

const csatSchema = {
  type: 'object',
  required: ['from', 'to', 'responses', 'csat', 'avgScore'],
  properties: { from: { type: 'string' }, to: { type: 'string' }, responses: { type: 'integer' }, csat: rate, avgScore: rate },
} as const

const schema = (response: object) => ({
  params: siteParams,
  querystring: { type: 'object', additionalProperties: false, properties: commonQuery },
  response: { 200: response, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
})

/**
 * `GET /v1/sites/:site/stats/revenue` and `GET /v1/sites/:site/stats/csat` (SPEC §5–6) over
 * `from`–`to` in the site's time zone, for the sessions the common filters select
 * (core/revenue.ts; decisions in docs/metrics.md).
 */
export const revenueRoutes = fp(
  async (app: FastifyInstance) => {
    const report = (name: string, response: object, compute: (store: Store, site: string, range: TimeRange, f: Filters) => Promise<object>) =>
      app.get<{ Params: { site: string }; Querystring: CommonQuery }>(
        `/v1/sites/:site/stats/${name}`,
        { preHandler: app.trackway.requireAdmin, schema: schema(response) },
        async (request) => {
          const site = siteOf(app, request.params.site)
          const range = reportRange(request.query, site.timezone)
          return { from: range.from, to: range.to, ...(await compute(app.trackway.store, site.id, range, filtersOf(request.query))) }
        },
      )
    report('revenue', revenueSchema, (store, site, range, f) => store.revenue(site, range, f))
    report('csat', csatSchema, (store, site, range, f) => store.csat(site, range, f))
  },
  { name: 'trackway-revenue' },
)
