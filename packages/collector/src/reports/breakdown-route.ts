import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DIMENSIONS, type Dimension } from '../core/breakdown.js'
import { goalParam, type CommonQuery } from './params.js'
import { reportRoute } from './report-route.js'

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
    reportRoute<Query>(
      app,
      'stats/breakdown',
      {
        extra: {
          dimension: { type: 'string', enum: DIMENSIONS },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          goal: goalParam,
        },
        required: ['dimension'],
        response: { type: 'array', items: rowSchema },
      },
      async (r) => r.answers.breakdown({ ...r.reportQuery(), dimension: r.query.dimension, limit: r.query.limit ?? 100 }),
    )
  },
  { name: 'trackway-breakdown' },
)
