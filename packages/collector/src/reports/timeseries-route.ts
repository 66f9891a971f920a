import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { FullOverview } from '../core/metrics.js'
import { bucketsOf, INTERVALS, type Interval } from './buckets.js'
import { goalParam, type CommonQuery } from './params.js'
import { reportRoute } from './report-route.js'

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
    reportRoute<Query>(
      app,
      'stats/timeseries',
      {
        extra: {
          metric: { type: 'string', enum: METRICS, default: 'visitors' },
          interval: { type: 'string', enum: INTERVALS, default: 'day' },
          goal: goalParam,
        },
        response: {
          type: 'array',
          items: { type: 'object', required: ['t', 'value'], properties: { t: { type: 'string' }, value: { type: ['number', 'null'] } } },
        },
      },
      async (r) => {
        const metric = r.query.metric ?? 'visitors'
        const buckets = bucketsOf(r.range, r.query.interval ?? 'day', r.site.timezone)
        const rows = await r.answers.overviewBuckets({ ...r.reportQuery(), buckets })
        return rows.map((b) => ({ t: b.label, value: b.overview[metric] }))
      },
    )
  },
  { name: 'trackway-timeseries' },
)
