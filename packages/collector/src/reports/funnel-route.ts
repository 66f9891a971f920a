import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { EVENT_TYPES } from '@trackway/protocol'
import { InvalidParameter } from '../errors.js'
import { AIDA, type FunnelStep } from '../core/funnel.js'
import type { CommonQuery } from './params.js'
import { reportRoute } from './report-route.js'

type Query = CommonQuery & { steps?: string; preset?: 'aida'; window?: string }

const MAX_STEPS = 10
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `type`, `custom:name`, either with `@/path`: e.g. `pageview@/pricing`, `custom:demo_request`. */
export function parseSteps(steps: string): FunnelStep[] {
  const parts = steps.split(',').map((s) => s.trim())
  if (parts.length < 2 || parts.length > MAX_STEPS) throw new InvalidParameter('steps', `give 2–${MAX_STEPS} comma-separated steps`)
  return parts.map((step) => {
    const at = step.indexOf('@')
    const event = at < 0 ? step : step.slice(0, at)
    const path = at < 0 ? null : step.slice(at + 1)
    if (path !== null && !path.startsWith('/')) throw new InvalidParameter('steps', `"${step}": a path filter starts with / (type@/path)`)
    const custom = /^custom:(.{1,120})$/.exec(event)
    if (custom) return { step, type: 'custom', name: custom[1]!, path }
    if (event === 'custom' || !(EVENT_TYPES as readonly string[]).includes(event)) {
      throw new InvalidParameter('steps', `"${step}" is not an event type or custom:<name>`)
    }
    return { step, type: event, name: null, path }
  })
}

/** `7d`, `12h`, `30m` → ms (at most 90 days); `param` names the parameter in errors. */
export function parseWindow(window: string, param = 'window'): number {
  const m = /^(\d{1,4})([mhd])$/.exec(window)
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN
  if (!(ms > 0) || ms > 90 * UNIT_MS.d) throw new InvalidParameter(param, `expected e.g. 7d, 12h or 30m (at most 90d), got "${window}"`)
  return ms
}

const rate = { type: ['number', 'null'] } as const

/** `GET /v1/sites/:site/stats/funnel?steps=…|preset=aida&window=7d` (SPEC §5–6). */
export const funnelRoute = fp(
  async (app: FastifyInstance) => {
    reportRoute<Query>(
      app,
      'stats/funnel',
      {
        extra: {
          steps: { type: 'string', maxLength: 2000 },
          preset: { type: 'string', enum: ['aida'] },
          window: { type: 'string', maxLength: 10 },
        },
        response: {
          type: 'object',
          required: ['steps'],
          properties: {
            steps: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  step: { type: 'string' },
                  persons: { type: 'integer' },
                  conversionFromStart: rate,
                  conversionFromPrevious: rate,
                  medianMsFromPrevious: rate,
                },
              },
            },
          },
        },
      },
      async (r) => {
        const q = r.query
        if (q.steps !== undefined && q.preset !== undefined) throw new InvalidParameter('preset', 'give steps or preset, not both')
        if (q.steps === undefined && q.preset === undefined) throw new InvalidParameter('steps', 'give steps=a,b,… or preset=aida')
        const steps = q.preset === 'aida' ? AIDA : parseSteps(q.steps!)
        return { steps: await r.answers.funnel({ ...r.reportQuery(), steps, windowMs: parseWindow(q.window ?? '7d') }) }
      },
    )
  },
  { name: 'trackway-funnel' },
)
