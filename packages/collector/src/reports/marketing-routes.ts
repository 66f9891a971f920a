import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { goalParam, type CommonQuery } from './params.js'
import { bucketsOf, daysOf } from './buckets.js'
import { previousRange } from './range.js'
import { reportRoute, type ReportRequest } from './report-route.js'
import { ATTRIBUTION_DIMENSIONS, ATTRIBUTION_MODELS, type AttributionDimension, type AttributionModel } from '../core/attribution.js'
import { parseWindow } from './funnel-route.js'

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

const referralsSchema = {
  type: 'object',
  required: ['from', 'to', 'invites', 'referrers', 'referredVisitors', 'referredSignups', 'referralConversionRate', 'referralRate', 'kFactor', 'topReferrers'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    invites: { type: 'integer' },
    referrers: { type: 'integer' },
    referredVisitors: { type: 'integer' },
    referredSignups: { type: 'integer' },
    referralConversionRate: rate,
    referralRate: rate,
    kFactor: rate,
    topReferrers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['referralCode', 'invites', 'signups', 'revenue'],
        properties: { referralCode: { type: 'string' }, invites: { type: 'integer' }, signups: { type: 'integer' }, revenue: { type: 'number' } },
      },
    },
  },
} as const

const experimentsSchema = {
  type: 'object',
  required: ['from', 'to', 'experiment', 'goal', 'variants', 'srmPValue'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    experiment: { type: 'string' },
    goal: { type: 'string' },
    variants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['variant', 'exposed', 'converted', 'rate', 'uplift', 'pValue', 'ci95'],
        properties: {
          variant: { type: 'string' },
          exposed: { type: 'integer' },
          converted: { type: 'integer' },
          rate,
          uplift: rate,
          pValue: rate,
          ci95: { type: ['array', 'null'], items: { type: 'number' }, minItems: 2, maxItems: 2 },
        },
      },
    },
    srmPValue: rate,
  },
} as const

type Query = CommonQuery & {
  limit?: number
  experiment?: string
  goal?: string
  model?: AttributionModel
  lookback?: string
  by?: AttributionDimension
  cohort?: 'week' | 'month'
  periods?: number
}

const retentionSchema = {
  type: 'object',
  required: ['from', 'to', 'cohort', 'cohorts', 'churnRate'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    cohort: { type: 'string' },
    cohorts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cohort', 'size', 'retained'],
        properties: { cohort: { type: 'string' }, size: { type: 'integer' }, retained: { type: 'array', items: { type: 'number' } } },
      },
    },
    churnRate: rate,
  },
} as const

const acquisitionSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['channel', 'visitors', 'newCustomers', 'conversions', 'revenue', 'spend', 'cac', 'cpa', 'roas', 'roi', 'clv', 'ltvToCac', 'paybackDays'],
    properties: {
      channel: { type: 'string' },
      visitors: { type: 'integer' },
      newCustomers: { type: 'integer' },
      conversions: { type: 'number' },
      revenue: { type: 'number' },
      spend: { type: 'number' },
      cac: rate,
      cpa: rate,
      roas: rate,
      roi: rate,
      clv: rate,
      ltvToCac: rate,
      paybackDays: { type: ['integer', 'null'] },
    },
  },
} as const

const attributionSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['value', 'conversions', 'revenue'],
    properties: { value: { type: 'string' }, conversions: { type: 'number' }, revenue: { type: 'number' } },
  },
} as const

/**
 * `GET /v1/sites/:site/stats/revenue`, `stats/csat`, `stats/referrals`, `stats/experiments`,
 * `stats/retention`, `stats/acquisition` and `stats/attribution` (SPEC §5–6) over `from`–`to` in the site's time zone, for the sessions the common filters select
 * (core/revenue.ts, core/referrals.ts, core/experiments.ts; decisions in docs/metrics.md).
 */
export const marketingRoutes = fp(
  async (app: FastifyInstance) => {
    /** A report answering one object over the range: `{from, to, ...}`. */
    const periodReport = (name: string, response: object, compute: (r: ReportRequest<Query>) => Promise<object>, extra?: object, required?: string[]) =>
      reportRoute<Query>(app, `stats/${name}`, { response, extra, required }, async (r) => {
        const { from, to } = r.range
        return { from, to, ...(await compute(r)) }
      })
    periodReport('revenue', revenueSchema, (r) => r.answers.revenue(r.reportQuery()))
    periodReport('csat', csatSchema, (r) => r.answers.csat(r.reportQuery()))
    periodReport('referrals', referralsSchema, (r) => r.answers.referrals({ ...r.reportQuery(), limit: r.query.limit ?? 20 }), {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
    })
    periodReport(
      'experiments',
      experimentsSchema,
      async (r) => {
        const q = r.reportQuery()
        return { experiment: r.query.experiment!, goal: q.goal, ...(await r.answers.experiment({ ...q, experiment: r.query.experiment! })) }
      },
      { experiment: { type: 'string', minLength: 1, maxLength: 200 }, goal: goalParam },
      ['experiment'],
    )
    periodReport(
      'retention',
      retentionSchema,
      async (r) => {
        const cohort = r.query.cohort ?? 'week'
        const q = r.reportQuery()
        const [cohorts, churnRate] = await Promise.all([
          r.answers.retention({ ...q, periods: bucketsOf(r.range, cohort, r.site.timezone), maxPeriods: r.query.periods ?? 8 }),
          r.answers.churnRate({ ...q, previous: previousRange(r.range, r.site.timezone) }),
        ])
        return { cohort, cohorts, churnRate }
      },
      { cohort: { type: 'string', enum: ['week', 'month'], default: 'week' }, periods: { type: 'integer', minimum: 1, maximum: 52, default: 8 } },
    )
    // arrays (SPEC §6): rows per channel, and fractional credits per channel, source or campaign
    reportRoute<Query>(
      app,
      'stats/acquisition',
      { response: acquisitionSchema, extra: { model: { type: 'string', enum: ATTRIBUTION_MODELS, default: 'last_non_direct' } } },
      async (r) => r.answers.acquisition({ ...r.reportQuery(), range: r.range, model: r.query.model ?? 'last_non_direct', days: daysOf(r.range, r.site.timezone) }),
    )
    reportRoute<Query>(
      app,
      'stats/attribution',
      {
        response: attributionSchema,
        extra: {
          model: { type: 'string', enum: ATTRIBUTION_MODELS, default: 'last_non_direct' },
          goal: goalParam,
          lookback: { type: 'string', maxLength: 10, default: '30d' },
          by: { type: 'string', enum: ATTRIBUTION_DIMENSIONS, default: 'channel' },
        },
      },
      async (r) => {
        const q = r.query
        const lookback = parseWindow(q.lookback ?? '30d', 'lookback')
        return r.answers.attribution({ ...r.reportQuery(), model: q.model ?? 'last_non_direct', lookbackMs: lookback, by: q.by ?? 'channel' })
      },
    )
  },
  { name: 'trackway-marketing' },
)
