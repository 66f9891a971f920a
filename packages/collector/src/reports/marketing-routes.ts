import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { siteOf, siteParams } from './site.js'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, goalParam, type CommonQuery } from './params.js'
import type { Filters, Store } from '../store/types.js'
import type { SiteEntry } from '../sites/registry.js'
import { bucketsOf } from './buckets.js'
import { previousRange } from './range.js'
import { ATTRIBUTION_DIMENSIONS, MODELS, type AttributionDimension, type Model } from '../core/attribution.js'
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

const schema = (response: object, extra: object = {}, required: string[] = []) => ({
  params: siteParams,
  querystring: { type: 'object', additionalProperties: false, required, properties: { ...commonQuery, ...extra } },
  response: { 200: response, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
})

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
  model?: Model
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
    required: ['channel', 'visitors', 'newCustomers', 'conversions', 'revenue', 'spend', 'cac', 'cpa', 'roas', 'roi'],
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
    type Compute = (store: Store, site: SiteEntry, range: ReturnType<typeof reportRange>, f: Filters, q: Query) => Promise<object>
    const report = (name: string, response: object, compute: Compute, extra: object = {}, required: string[] = []) =>
      app.get<{ Params: { site: string }; Querystring: Query }>(
        `/v1/sites/:site/stats/${name}`,
        { preHandler: app.trackway.requireAdmin, schema: schema(response, extra, required) },
        async (request) => {
          const site = siteOf(app, request.params.site)
          const range = reportRange(request.query, site.timezone)
          const value = await compute(app.trackway.store, site, range, filtersOf(request.query), request.query)
          return { from: range.from, to: range.to, ...value }
        },
      )
    report('revenue', revenueSchema, (store, site, range, f) => store.revenue(site.id, range, f))
    report('csat', csatSchema, (store, site, range, f) => store.csat(site.id, range, f))
    report('referrals', referralsSchema, (store, site, range, f, q) => store.referrals(site.id, range, f, q.limit ?? 20), {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
    })
    report(
      'experiments',
      experimentsSchema,
      async (store, site, range, f, q) => {
        const goal = q.goal ?? 'purchase'
        return { experiment: q.experiment!, goal, ...(await store.experiment(site.id, range, q.experiment!, goal, f)) }
      },
      { experiment: { type: 'string', minLength: 1, maxLength: 200 }, goal: goalParam },
      ['experiment'],
    )
    report(
      'retention',
      retentionSchema,
      async (store, site, range, f, q) => {
        const cohort = q.cohort ?? 'week'
        const periods = bucketsOf(range, cohort, site.timezone)
        const [cohorts, churnRate] = await Promise.all([
          store.retention(site.id, periods, q.periods ?? 8, f),
          store.churnRate(site.id, range, previousRange(range, site.timezone), f),
        ])
        return { cohort, cohorts, churnRate }
      },
      { cohort: { type: 'string', enum: ['week', 'month'], default: 'week' }, periods: { type: 'integer', minimum: 1, maximum: 52, default: 8 } },
    )
    // Arrays (SPEC §6), so not through report()
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/acquisition',
      {
        preHandler: app.trackway.requireAdmin,
        schema: schema(acquisitionSchema, { model: { type: 'string', enum: MODELS, default: 'last_non_direct' } }),
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const range = reportRange(request.query, site.timezone)
        return app.trackway.store.acquisition(site.id, range, request.query.model ?? 'last_non_direct', filtersOf(request.query))
      },
    )
    // attribution: fractional credits per channel, source or campaign
    app.get<{ Params: { site: string }; Querystring: Query }>(
      '/v1/sites/:site/stats/attribution',
      {
        preHandler: app.trackway.requireAdmin,
        schema: schema(attributionSchema, {
          model: { type: 'string', enum: MODELS, default: 'last_non_direct' },
          goal: goalParam,
          lookback: { type: 'string', maxLength: 10, default: '30d' },
          by: { type: 'string', enum: ATTRIBUTION_DIMENSIONS, default: 'channel' },
        }),
      },
      async (request) => {
        const q = request.query
        const site = siteOf(app, request.params.site)
        const lookback = parseWindow(q.lookback ?? '30d', 'lookback')
        const range = reportRange(q, site.timezone)
        return app.trackway.store.attribution(site.id, range, q.model ?? 'last_non_direct', q.goal ?? 'purchase', lookback, q.by ?? 'channel', filtersOf(q))
      },
    )
  },
  { name: 'trackway-marketing' },
)
