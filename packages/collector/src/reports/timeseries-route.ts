import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { siteOf, siteParams } from './site.js'
import { errorResponseSchema } from '@trackway/protocol'
import type { FullOverview } from '../core/metrics.js'
import { reportRange } from './range.js'
import { bucketsOf, INTERVALS, type Interval } from './buckets.js'
import { commonQuery, filtersOf, goalParam, type CommonQuery } from './params.js'

/** Every overview field (SPEC §6). */
export const METRICS = [
  'visitors',
  'sessions',
  'pageviews',
  'bounceRate',
  'pagesPerSession',
  'avgSessionMs',
  'conversionRate',
  'orders',
  'revenue',
  'aov',
  'cartAbandonmentRate',
  'checkoutCompletionRate',
  'signups',
] as const satisfies readonly (keyof FullOverview)[]

type Query = CommonQuery & { metric?: (typeof METRICS)[number]; interval?: Interval; goal?: string }

/** `GET /v1/sites/:site/stats/timeseries?metric=…&interval=hour|day|week|month` (SPEC §6). */
export const timeseriesRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/timeseries',
      {
        preHandler: app.trackway.requireAdmin,
        schema: {
          params: siteParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...commonQuery,
              metric: { type: 'string', enum: METRICS, default: 'visitors' },
              interval: { type: 'string', enum: INTERVALS, default: 'day' },
              goal: goalParam,
            },
          },
          response: {
            200: {
              type: 'array',
              items: { type: 'object', required: ['t', 'value'], properties: { t: { type: 'string' }, value: { type: ['number', 'null'] } } },
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
        const metric = q.metric ?? 'visitors'
        const buckets = bucketsOf(reportRange(q, site.timezone), q.interval ?? 'day', site.timezone)
        const rows = await app.trackway.store.overviewBuckets(site.id, buckets, filtersOf(q), q.goal ?? 'purchase')
        return rows.map((r) => ({ t: r.label, value: r.overview[metric] }))
      },
    )
  },
  { name: 'trackway-timeseries' },
)
