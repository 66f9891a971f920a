import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { batchEnvelopeSchema, batchResponseSchema, errorResponseSchema, type BatchResponse } from '@trackway/protocol'
import { OriginNotAllowed, UnknownSite } from '../errors.js'
import { checkEnvelope } from './validate.js'
import { acceptEvents } from './accept.js'
import { isSegmentBatch, segmentBatch } from './compat/segment-route.js'
import { shedWhenFull } from './load-shedding.js'

const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 429: errorResponseSchema, 503: errorResponseSchema }

/** `POST /v1/batch` (SPEC §2): accepted event by event; the 2xx follows the commit. */
export const batchRoute = fp(
  async (app: FastifyInstance) => {
    app.post(
      '/v1/batch',
      {
        schema: { body: batchEnvelopeSchema, response: { 200: batchResponseSchema, ...errors } },
        config: { bodyErrorCode: 'invalid_batch' },
        onRequest: shedWhenFull(app),
        // Segment's Node library resolves its default path "/v1/batch" against the origin of its
        // `host` (new URL semantics drop the host's own path), so with only `host` changed its
        // batches arrive here: a Segment-shaped body is answered as /v1/segment/batch would.
        preValidation: async (request, reply) => {
          if (isSegmentBatch(request.body)) return reply.send(await segmentBatch(app, request))
        },
      },
      async (request): Promise<BatchResponse> => {
        const receivedAt = Date.now()
        const { sites } = app.trackway
        const batch = checkEnvelope(request.body)
        const site = sites.get(batch.site)
        if (!site) throw new UnknownSite(batch.site)
        const origin = request.headers.origin
        if (!sites.allows(site, origin)) throw new OriginNotAllowed(String(origin), site.id)

        return acceptEvents(
          app,
          request,
          site,
          receivedAt,
          batch.events.map((event, index) => ({ index, event, sentAt: batch.sentAt })),
        )
      },
    )
  },
  { name: 'trackway-batch' },
)
