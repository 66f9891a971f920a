import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { previousRange } from './range.js'
import { goalParam, type CommonQuery } from './params.js'
import { reportRoute } from './report-route.js'

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
    reportRoute<Query>(
      app,
      'stats/overview',
      {
        extra: { compare: { type: 'string', enum: ['previous'] }, goal: goalParam },
        response: { ...period, properties: { ...period.properties, previous: period } },
      },
      async (r) => {
        const { range, answers } = r
        const current = { from: range.from, to: range.to, ...(await answers.overview(r.reportQuery())) }
        if (r.query.compare !== 'previous') return current
        const prev = previousRange(range, r.site.timezone)
        return { ...current, previous: { from: prev.from, to: prev.to, ...(await answers.overview(r.reportQuery(prev))) } }
      },
    )
  },
  { name: 'trackway-overview' },
)
