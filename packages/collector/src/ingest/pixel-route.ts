import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { COOKIELESS_ID, LIMITS } from '@trackway/protocol'
import { InvalidParameter, OriginNotAllowed, UnknownSite } from '../errors.js'
import { enrich } from './enrich.js'
import { requestFacts } from './accept.js'

/** A transparent 1×1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

const querySchema = {
  type: 'object',
  required: ['site'],
  properties: {
    site: { type: 'string', minLength: 1, maxLength: 64 },
    url: { type: 'string', maxLength: LIMITS.urlMaxLength },
    referrer: { type: 'string', maxLength: LIMITS.referrerMaxLength },
  },
} as const

/**
 * `GET /v1/pixel.gif?site=&url=&referrer=` (SPEC §2): the noscript fallback records a pageview.
 * `url` defaults to the Referer header (the page holding the image). The page must be on one of
 * the site's origins. The visitor gets the cookieless daily id: an image request carries no id.
 */
export const pixelRoute = fp(
  async (app: FastifyInstance) => {
    app.get<{ Querystring: { site: string; url?: string; referrer?: string } }>(
      '/v1/pixel.gif',
      { schema: { querystring: querySchema } },
      async (request, reply) => {
        const receivedAt = Date.now()
        const { sites, writer, shedder } = app.trackway
        const site = sites.get(request.query.site)
        if (!site) throw new UnknownSite(request.query.site)
        const pageUrl = request.query.url ?? request.headers.referer
        let url: URL
        try {
          url = new URL(pageUrl ?? '')
          if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)')
        } catch {
          throw new InvalidParameter('url', 'an absolute http(s) URL of the page is required (or a Referer header)')
        }
        if (!sites.allows(site, url.origin)) throw new OriginNotAllowed(url.origin, site.id)
        const facts = requestFacts(app, request, site, receivedAt)
        const event = {
          id: randomBytes(16).toString('base64url'),
          type: 'pageview' as const,
          ts: receivedAt,
          anonymousId: COOKIELESS_ID,
          url: url.href,
          ...(request.query.referrer ? { referrer: request.query.referrer } : {}),
        }
        const release = shedder.admit(site.id, 1)
        try {
          await writer.submit([enrich(event, receivedAt, url, facts)])
        } finally {
          release()
        }
        return reply.header('cache-control', 'no-store').type('image/gif').send(GIF)
      },
    )
  },
  { name: 'trackway-pixel' },
)
