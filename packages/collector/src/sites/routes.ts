import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CURRENCY_PATTERN, SITE_ID_PATTERN, errorResponseSchema } from '@trackway/protocol'
import { InvalidBody, SiteNotFound } from '../errors.js'
import type { Site } from '../store/catalog.js'
import type { SiteEntry } from './registry.js'
import { normalizeOrigin } from '../config.js'

const siteSchema = {
  type: 'object',
  required: ['id', 'name', 'origins', 'timezone', 'currency', 'writeKey'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    origins: { type: 'array', items: { type: 'string' } },
    timezone: { type: 'string' },
    currency: { type: 'string' },
    /** The secret of the Segment endpoint (SPEC §2.1). */
    writeKey: { type: 'string' },
  },
} as const

const siteParams = { type: 'object', required: ['site'], properties: { site: { type: 'string' } } } as const

/** A site as the API shows it: without the cached hostnames. */
const shown = ({ hosts: _hosts, ...site }: SiteEntry) => site

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

/**
 * `GET /v1/sites`, `GET /v1/sites/:site` and `POST /v1/sites` (SPEC §6): list, show, create or
 * update a site, each shown with its write key; `POST /v1/sites/:site/write-key` rotates that key.
 */
export const siteRoutes = fp(
  async (app: FastifyInstance) => {
    // the admin token is checked first, for every route under /v1/sites (http/auth.ts)
    const { sites } = app.trackway
    const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema }

    app.get('/v1/sites', { schema: { response: { 200: { type: 'array', items: siteSchema }, ...errors } } }, async () =>
      sites.list().map(shown),
    )

    app.get<{ Params: { site: string } }>(
      '/v1/sites/:site',
      { schema: { params: siteParams, response: { 200: siteSchema, ...errors } } },
      async (request) => {
        const site = sites.get(request.params.site)
        if (!site) throw new SiteNotFound(request.params.site)
        return shown(site)
      },
    )

    // Rotation: a new key at once, the old one refused from then on (clients must be redeployed with the new one).
    app.post<{ Params: { site: string } }>(
      '/v1/sites/:site/write-key',
      { schema: { params: siteParams, response: { 200: siteSchema, ...errors } } },
      async (request) => {
        const site = await sites.rotateWriteKey(request.params.site)
        if (!site) throw new SiteNotFound(request.params.site)
        request.log.info({ site: site.id }, 'write key rotated')
        return shown(site)
      },
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
        return shown(await sites.upsert(site))
      },
    )
  },
  { name: 'trackway-sites' },
)
