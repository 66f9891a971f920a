import Fastify, { type FastifyInstance, type preHandlerAsyncHookHandler } from 'fastify'
import cors from '@fastify/cors'
import type { Config } from './config.js'
import { registerErrorHandler } from './http/error-handler.js'
import { registerBodyParsers } from './http/body-parser.js'
import { Metrics } from './metrics.js'
import { requireAdmin, resolveAdminToken } from './http/auth.js'
import { healthRoutes } from './http/health.js'
import { openApi } from './http/openapi.js'
import { staticRoutes } from './http/static-routes.js'
import { RequestLog } from './http/request-log.js'
import { batchRoute } from './ingest/batch-route.js'
import { pixelRoute } from './ingest/pixel-route.js'
import { DailySalt } from './ingest/cookieless.js'
import { overviewRoute } from './reports/overview-route.js'
import { journeyRoutes } from './reports/journey-route.js'
import { breakdownRoute } from './reports/breakdown-route.js'
import { timeseriesRoute } from './reports/timeseries-route.js'
import { funnelRoute } from './reports/funnel-route.js'
import { pathsRoute } from './reports/paths-route.js'
import { marketingRoutes } from './reports/marketing-routes.js'
import { SiteRegistry } from './sites/registry.js'
import { siteRoutes } from './sites/routes.js'
import { spendRoutes } from './spend/routes.js'
import { openStore } from './store/open-store.js'
import { StoreOpenError } from './errors.js'
import type { Store } from './store/store.js'
import { redactStoreUrl } from './store/store-url.js'
import { IngestWriter } from './ingest/writer.js'
import { ReportAnswers } from './reports/answers.js'

/** Everything the routes share, built once per app. */
export interface Trackway {
  config: Readonly<Config>
  store: Store
  /** The reports of SPEC §6 over the store: its counts shaped by core. */
  answers: ReportAnswers
  writer: IngestWriter
  sites: SiteRegistry
  metrics: Metrics
  salt: DailySalt
  adminToken: string
  /** True when this start generated the admin token (print it). */
  adminTokenGenerated: boolean
  requireAdmin: preHandlerAsyncHookHandler
}

declare module 'fastify' {
  interface FastifyInstance {
    trackway: Trackway
  }
}

export interface AppDeps {
  /** A store to use instead of opening `config.store` (tests). */
  store?: Store
}

/**
 * Builds the collector app; never listens (STYLE §7). The store is opened and the sites are
 * loaded before it returns; the dedup filter loads in the background (`/readyz` tells when,
 * and ingest waits for it). `app.close()` drains the writer and closes the store.
 */
export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    // One line per request only at debug level (http/request-log.ts); errors stay at error.
    logController: new RequestLog(),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Reject unknown fields instead of silently dropping them; coerce query strings only.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    return503OnClosing: true,
  })
  const store =
    deps.store ??
    (await openStore(config.store, {
      memoryLimit: config.memoryLimit,
      onDerive: (e) =>
        e.phase === 'step'
          ? app.log.info(e, `deriving: step ${e.step}/${e.steps}, ${e.name} (${(e.ms / 1000).toFixed(0)} s)`)
          : e.events === 0
          ? undefined // a new, empty store: nothing worth saying
          : e.phase === 'rebuilding'
          ? app.log.info({ events: e.events }, 'deriving persons and sessions from the whole event log (about 2 minutes per 10M events on 2 cores)')
          : app.log.info(e, `derived persons and sessions (${e.kind}) in ${(e.ms / 1000).toFixed(1)} s`),
    }))
  try {
    await store.init()
  } catch (err) {
    await store.close().catch(() => undefined)
    throw new StoreOpenError(`cannot open the store ${redactStoreUrl(config.store)}: ${(err as Error).message}`)
  }
  const metrics = new Metrics()
  const writer = new IngestWriter(
    store.log,
    {
      groupCommitMs: config.groupCommitMs,
      groupCommitEvents: config.groupCommitEvents,
      maxPendingEvents: config.maxPendingEvents,
      dedupWindowMs: config.maxEventAgeMs + 86_400_000,
    },
    app.log.child({ module: 'writer' }),
    metrics,
  )
  metrics.gauge('trackway_ingest_queued_events', () => writer.queued)
  const sites = new SiteRegistry(store.catalog)
  await sites.load(config.demo ? [...config.sites, demoSite(config)] : config.sites)
  const { token, generated } = await resolveAdminToken(config.adminToken, store.catalog)

  app.decorate('trackway', {
    config,
    store,
    answers: new ReportAnswers(store),
    writer,
    sites,
    metrics,
    salt: new DailySalt(),
    adminToken: token,
    adminTokenGenerated: generated,
    requireAdmin: requireAdmin(token),
  } satisfies Trackway)

  registerErrorHandler(app, config.bodyLimit)
  registerBodyParsers(app, config.bodyLimit)
  // Ingest must accept any origin at the CORS layer: which origins may send is per site and the
  // site is in the body, so the batch route checks Origin itself. Admin routes use a bearer
  // token, never cookies, so reflecting the origin grants nothing a token does not.
  // CORS headers go on every answer, errors included: a browser that cannot read a 4xx takes it
  // for a network error and retries forever. Retry-After is exposed so the SDK can honour it.
  await app.register(cors, { origin: true, methods: ['GET', 'POST', 'DELETE'], maxAge: 86_400, exposedHeaders: ['Retry-After'] })
  await app.register(openApi)
  await app.register(healthRoutes)
  await app.register(batchRoute)
  await app.register(pixelRoute)
  await app.register(siteRoutes)
  await app.register(spendRoutes)
  await app.register(overviewRoute)
  await app.register(journeyRoutes)
  await app.register(breakdownRoute)
  await app.register(timeseriesRoute)
  await app.register(funnelRoute)
  await app.register(pathsRoute)
  await app.register(marketingRoutes)
  await app.register(staticRoutes)

  void writer.start().catch((err) => app.log.error({ err }, 'loading the dedup filter failed'))
  app.addHook('onClose', async () => {
    await writer.stop()
    await store.close()
  })
  return app
}

/** The demo site: this server's own origins. */
function demoSite(config: Readonly<Config>) {
  const port = config.port
  const hosts = new Set([config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host, '127.0.0.1', 'localhost'])
  return { id: 'demo', origins: [...hosts].map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${port}`) }
}
