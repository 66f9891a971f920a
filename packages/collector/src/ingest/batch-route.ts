import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { batchEnvelopeSchema, batchResponseSchema, errorResponseSchema, type BatchResponse, type Rejection } from '@trackway/protocol'
import { OriginNotAllowed, UnknownSite } from '../errors.js'
import type { EventRow } from '../store/event-log.js'
import { checkEnvelope, checkEvent } from './validate.js'
import { countryOf, enrich, type RequestFacts } from './enrich.js'
import { parseAgent } from './user-agent.js'
import type { SiteEntry } from '../sites/registry.js'

const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 429: errorResponseSchema, 503: errorResponseSchema }

/** What a request tells about all of its events: site, agent, country, cookieless id. */
export function requestFacts(app: FastifyInstance, request: FastifyRequest, site: SiteEntry, receivedAt: number): RequestFacts {
  const { config, salt } = app.trackway
  const ua = request.headers['user-agent']
  return {
    site: site.id,
    siteHosts: site.hosts,
    receivedAt,
    agent: parseAgent(ua),
    country: config.countryHeader ? countryOf(request.headers[config.countryHeader]) : null,
    cookielessId: () => salt.visitorId(site.id, request.ip, ua ?? ''),
  }
}

/** `POST /v1/batch` (SPEC §2): accepted event by event; the 2xx follows the commit. */
export const batchRoute = fp(
  async (app: FastifyInstance) => {
    app.post(
      '/v1/batch',
      {
        schema: { body: batchEnvelopeSchema, response: { 200: batchResponseSchema, ...errors } },
        config: { bodyErrorCode: 'invalid_batch' },
        // full: shed before the body is even read (parsing 500 events costs more than answering)
        onRequest: async () => app.trackway.shedder.checkOpen(),
      },
      async (request): Promise<BatchResponse> => {
        const receivedAt = Date.now()
        const { sites, writer, config, metrics, shedder } = app.trackway
        const batch = checkEnvelope(request.body)
        const site = sites.get(batch.site)
        if (!site) throw new UnknownSite(batch.site)
        const origin = request.headers.origin
        if (!sites.allows(site, origin)) throw new OriginNotAllowed(String(origin), site.id)
        // shed before any per-event work: under overload, answering fast is what keeps memory flat
        const release = shedder.admit(site.id, batch.events.length)
        try {
          const facts = requestFacts(app, request, site, receivedAt)
          const clock = { receivedAt, sentAt: batch.sentAt, maxEventAgeMs: config.maxEventAgeMs }
          const rows: EventRow[] = []
          const rejected: Rejection[] = []
          batch.events.forEach((raw, index) => {
            const r = checkEvent(raw, clock)
            if (r.ok) rows.push(enrich(r.event, r.t, r.url, facts))
            else rejected.push({ index, code: r.code, message: r.message })
          })
          for (const r of rejected) metrics.inc('trackway_events_rejected_total', 1, { code: r.code })
          if (rejected.length > 0) request.log.info({ site: site.id, rejected: rejected.slice(0, 5) }, 'events rejected')
          const { accepted, duplicates } = rows.length > 0 ? await writer.submit(rows) : { accepted: 0, duplicates: 0 }
          return { accepted, duplicates, rejected }
        } finally {
          release()
        }
      },
    )
  },
  { name: 'trackway-batch' },
)
