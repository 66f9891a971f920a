import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CURRENCY_PATTERN, SITE_ID_PATTERN, errorResponseSchema } from '@trackway/protocol'
import { InvalidBody } from '../errors.js'
import type { Site } from '../store/catalog.js'
import { normalizeOrigin } from '../config.js'

const siteSchema = {
  type: 'object',
  required: ['id', 'name', 'origins', 'timezone', 'currency'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    origins: { type: 'array', items: { type: 'string' } },
    timezone: { type: 'string' },
    currency: { type: 'string' },
  },
} as const

const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'origins'],
  properties: {
    id: { type: 'string', pattern: SITE_ID_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    origins: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 300 } },
    timezone: { type: 'string', minLength: 1, maxLength: 64 },
    currency: { type: 'string', pattern: CURRENCY_PATTERN },
  },
} as const

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** `GET /v1/sites` and `POST /v1/sites` (SPEC §6): list, create or update a site. */
export const siteRoutes = fp(
  async (app: FastifyInstance) => {
    const { sites } = app.trackway
    const errors = { 400: errorResponseSchema, 401: errorResponseSchema }

    app.get('/v1/sites', { schema: { response: { 200: { type: 'array', items: siteSchema }, ...errors } } }, async () =>
      sites.list().map(({ hosts: _hosts, ...site }) => site),
    )

    app.post<{ Body: { id: string; name?: string; origins: string[]; timezone?: string; currency?: string } }>(
      '/v1/sites',
      { schema: { body: createSchema, response: { 200: siteSchema, ...errors } } },
      async (request) => {
        const body = request.body
        const existing = sites.get(body.id)
        const timezone = body.timezone ?? existing?.timezone ?? 'UTC'
        if (!isTimeZone(timezone)) throw new InvalidBody(`"timezone" is not an IANA time zone: "${timezone}"`)
        let origins: string[]
        try {
          origins = body.origins.map((o) => normalizeOrigin(o, 'origins'))
        } catch (err) {
          throw new InvalidBody((err as Error).message)
        }
        const site: Site = {
          id: body.id,
          name: body.name ?? existing?.name ?? body.id,
          origins,
          timezone,
          currency: body.currency ?? existing?.currency ?? 'USD',
        }
        const { hosts: _hosts, ...saved } = await sites.upsert(site)
        return saved
      },
    )
  },
  { name: 'trackway-sites' },
)
