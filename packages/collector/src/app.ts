import Fastify, { type FastifyInstance, type FastifyRequest, type preHandlerAsyncHookHandler } from 'fastify'
import type { Config } from './config.js'
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH, registerErrorHandler } from './http/error-handler.js'
import { registerValidators } from './http/validators.js'
import { registerSecurity } from './http/security.js'
import { logSerializers } from './http/log-serializers.js'
import { registerIngestMetrics } from './http/ingest-metrics.js'
import { registerBodyParsers } from './http/body-parser.js'
import { Metrics } from './metrics.js'
import { Authenticator, guardUnrouted, registerAuth, requireAdmin, resolveAdminToken } from './http/auth.js'
import { healthRoutes } from './http/health.js'
import { openApi } from './http/openapi.js'
import { staticRoutes } from './http/static-routes.js'
import { RequestLog } from './http/request-log.js'
import { batchRoute } from './ingest/batch-route.js'
import { pixelRoute } from './ingest/pixel-route.js'
import { segmentRoutes } from './ingest/compat/segment-route.js'
import { plausibleRoute } from './ingest/compat/plausible-route.js'
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
import { apiKeyRoutes } from './sites/api-key-routes.js'
import { privacyRoutes } from './privacy/routes.js'
import { Retention } from './privacy/retention.js'
import { backupRoute } from './http/backup-route.js'
import { spendRoutes } from './spend/routes.js'
import { openStore } from './store/open-store.js'
import { StoreOpenError, StoreUnavailable } from './errors.js'
import type { Store } from './store/store.js'
import { redactStoreUrl } from './store/store-url.js'
import { IngestWriter } from './ingest/writer.js'
import { LoadShedder } from './ingest/load-shedding.js'
import { ReportAnswers } from './reports/answers.js'

/** Everything the routes share, built once per app. */
export interface Trackway {
  config: Readonly<Config>
  store: Store
  /** The reports of SPEC §6 over the store: its counts shaped by core. */
  answers: ReportAnswers
  writer: IngestWriter
  /** Admission of ingest requests: in-flight bound (503) and per-site rate limit (429). */
  shedder: LoadShedder
  /** `--retention-days`: deletes old events at start and hourly; null without it. */
  retention: Retention | null
  sites: SiteRegistry
  metrics: Metrics
  salt: DailySalt
  adminToken: string
  /** True when this start generated the admin token (print it). */
  adminTokenGenerated: boolean
  /** Checks admin tokens and read-only API keys (http/auth.ts); every protected route is checked by its hook. */
  auth: Authenticator
  /** A preHandler requiring the admin token: redundant with the auth hook, kept for routes that name it. */
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
  /**
   * Told when the store can no longer take writes until the process restarts (Store.onFault),
   * after the fault is logged and counted; `serve` closes and exits 1 for its supervisor.
   */
  onStoreFault?: (err: Error) => void
}

/**
 * Builds the collector app; never listens (STYLE §7). The store is opened and the sites are
 * loaded before it returns; the dedup filter loads in the background (`/readyz` tells when,
 * and ingest waits for it). `app.close()` drains the writer and closes the store.
 */
export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<FastifyInstance> {
  // The router's errors come before any hook; they are guarded by the authenticator once it exists.
  const metrics = new Metrics()
  let guard = async (_request: FastifyRequest) => null as Awaited<ReturnType<typeof guardUnrouted>>
  const app = Fastify({
    logger: { level: config.logLevel, serializers: logSerializers },
    // One line per request only at debug level (http/request-log.ts); errors stay at error.
    logController: new RequestLog(),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Route schemas compile with http/validators.ts (bodies keep their types; query strings coerce).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own rejections (bad percent-encoding, over-long parameters) in the SPEC shape.
    frameworkErrors: frameworkErrors((request) => guard(request)),
    // Node's HTTP parser's own rejections (431, 400, 408) in the SPEC shape too
    clientErrorHandler: (err, socket) => clientErrorHandler(err, socket, metrics),
    // our own 503 while closing (below): Fastify's has neither the SPEC shape nor Retry-After
    return503OnClosing: false,
  })
  const store =
    deps.store ??
    (await openStore(config.store, {
      memoryLimit: config.memoryLimit,
      onDerive: (e) => {
        if (e.phase === 'step') {
          app.log.info(e, `deriving: step ${e.step}/${e.steps}, ${e.name} (${(e.ms / 1000).toFixed(0)} s)`)
          return
        }
        if (e.phase === 'done') {
          metrics.inc('trackway_derivations_total', 1, { kind: e.kind })
          metrics.observe('trackway_derivation_duration_seconds', e.ms / 1000)
          if (e.kind === 'refresh' && e.ms <= 1000) return // the usual refresh under ingest: counted, not logged
        }
        if (e.phase === 'failed') {
          metrics.inc('trackway_derivations_total', 1, { kind: 'failed' })
          app.log.warn({ full: e.full, ms: e.ms, error: e.message }, 'deriving persons and sessions failed: nothing changed, the next report or refresh tries again')
          return
        }
        if (e.events === 0) return // a new, empty store: nothing worth saying
        if (e.phase === 'rebuilding') app.log.info({ events: e.events }, 'deriving persons and sessions from the whole event log (about 2 minutes per 10M events on 2 cores)')
        else app.log.info(e, `derived persons and sessions (${e.kind}) in ${(e.ms / 1000).toFixed(1)} s`)
      },
    }))
  try {
    await store.init()
  } catch (err) {
    await store.close().catch(() => undefined)
    throw new StoreOpenError(`cannot open the store ${redactStoreUrl(config.store)}: ${(err as Error).message}`)
  }
  store.onFault((err) => {
    app.log.fatal({ err }, 'a store commit failed and its outcome is unknown: no more writes until the collector restarts')
    metrics.inc('trackway_store_errors_total', 1, { op: 'quarantine' })
    deps.onStoreFault?.(err)
  })
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
  const shedder = new LoadShedder({ maxInflightEvents: config.maxInflightEvents, siteEventsPerSecond: config.siteEventsPerSecond }, metrics)
  metrics.gauge('trackway_inflight_events', 'Events of ingest requests admitted and not yet answered', () => shedder.inflightEvents)
  metrics.gauge('trackway_ingest_queued_events', 'Events submitted to the writer and not yet committed (waiting or committing)', () => writer.queued)
  metrics.gauge('trackway_derivation_lag_events', 'Events committed and not yet in the derived tables', () => store.derivation.lag().events)
  metrics.gauge('trackway_derivation_lag_seconds', 'Seconds since the oldest event not yet in the derived tables was committed', () => store.derivation.lag().seconds)
  const sites = new SiteRegistry(store.catalog)
  await sites.load(config.demo ? [...config.sites, demoSite(config)] : config.sites)
  const { token, generated } = await resolveAdminToken(config.adminToken, store.catalog)
  const auth = new Authenticator(token, store.catalog)
  guard = (request) => guardUnrouted(auth, request)

  app.decorate('trackway', {
    config,
    store,
    answers: new ReportAnswers(store),
    writer,
    shedder,
    retention: config.retentionDays === null ? null : new Retention(store.persons, config.retentionDays, app.log.child({ module: 'retention' })),
    sites,
    metrics,
    salt: new DailySalt(),
    adminToken: token,
    adminTokenGenerated: generated,
    auth,
    requireAdmin: requireAdmin(token),
  } satisfies Trackway)

  registerValidators(app)
  registerErrorHandler(app, config.bodyLimit, guard)
  registerBodyParsers(app, config.bodyLimit)
  await registerSecurity(app, config.corsOrigins)
  // Once closing, new requests (on kept-alive connections) answer 503 + Retry-After: the SDK
  // retries them against the next collector; requests already running finish (SIGTERM drains).
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return
    reply.header('connection', 'close')
    throw new StoreUnavailable('the collector is shutting down')
  })
  registerIngestMetrics(app, metrics)
  registerAuth(app, auth)
  await app.register(openApi)
  await app.register(healthRoutes)
  await app.register(batchRoute)
  await app.register(pixelRoute)
  await app.register(segmentRoutes)
  await app.register(plausibleRoute)
  await app.register(siteRoutes)
  await app.register(spendRoutes)
  await app.register(apiKeyRoutes)
  await app.register(privacyRoutes)
  await app.register(backupRoute)
  await app.register(overviewRoute)
  await app.register(journeyRoutes)
  await app.register(breakdownRoute)
  await app.register(timeseriesRoute)
  await app.register(funnelRoute)
  await app.register(pathsRoute)
  await app.register(marketingRoutes)
  await app.register(staticRoutes)

  void writer.start().catch((err) => app.log.error({ err }, 'loading the dedup filter failed'))
  const retention = app.trackway.retention
  retention?.start()
  app.addHook('onClose', async () => {
    await retention?.stop()
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
