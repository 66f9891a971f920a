import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { NotReady } from '../errors.js'

/** `/healthz` (alive), `/readyz` (store reachable and dedup filter loaded), `/metrics` (Prometheus). */
export const healthRoutes = fp(
  async (app: FastifyInstance) => {
    app.get('/healthz', async () => ({ status: 'ok' }))

    app.get('/readyz', async () => {
      const { store, writer } = app.trackway
      try {
        await store.log.ping()
      } catch (err) {
        app.trackway.metrics.inc('trackway_store_errors_total', 1, { op: 'ping' })
        throw new NotReady(`store unreachable: ${(err as Error).message}`)
      }
      if (!writer.isReady) throw new NotReady('loading the dedup filter')
      return { status: 'ready' }
    })

    app.get('/metrics', async (_request, reply) => reply.type(app.trackway.metrics.contentType).send(await app.trackway.metrics.render()))
  },
  { name: 'trackway-health' },
)
