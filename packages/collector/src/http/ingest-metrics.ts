import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../metrics.js'

/** Ingest routes whose answers are counted by status (every other route is counted only when it errs). */
const INGEST_ROUTES = new Set(['/v1/batch', '/v1/pixel.gif', '/v1/segment/batch', '/v1/segment/v1/batch', '/api/event'])

/** Counts ingest answers by route and status (`trackway_ingest_requests_total`): 200s, 4xx per cause, 429/503 shed. */
export function registerIngestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    if (route !== undefined && INGEST_ROUTES.has(route)) metrics.inc('trackway_ingest_requests_total', 1, { route, status: String(reply.statusCode) })
  })
}
