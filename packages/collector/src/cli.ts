import { parseArgs } from 'node:util'
import { loadConfig, storeUrlOf, WEAK_TOKEN_LENGTH } from './config.js'
import { buildApp } from './app.js'
import { ConfigError, StoreOpenError } from './errors.js'
import { parseDemoArgs, runDemo } from './demo/command.js'
import { COPY_USAGE, runCopy } from './cli/copy.js'
import { openStopped } from './cli/stopped-store.js'
import { BACKUP_USAGE, runBackup } from './cli/backup.js'

const USAGE = `Usage: trackway <command> [options]

Commands:
  serve     Run the collector (ingest, reports, /sdk.js, dashboard)
  demo      Send weeks of realistic synthetic history to a running collector's site
  rebuild   Derive persons, sessions and orders again from the event log (collector stopped)
  copy      Copy sites, events and ad spend from one store into another (e.g. DuckDB to ClickHouse)
  backup    A consistent snapshot of a DuckDB store, from a running collector or a stopped one
  help      Show this help

serve options (flag > environment variable > default):
  --port N                 TRACKWAY_PORT          8787
  --host ADDR              TRACKWAY_HOST          127.0.0.1 (use 0.0.0.0 to listen on all interfaces)
  --store URL              TRACKWAY_STORE         duckdb:./trackway-data/trackway.duckdb
  --admin-token T          TRACKWAY_ADMIN_TOKEN   generated on first start and kept in the store
  --site id:origin[,o2]    TRACKWAY_SITES         repeatable; creates the site (USD, UTC) or updates its origins
  --demo                                          serve the demo shop at /demo/ with a "demo" site
  --demo-persons N                                synthetic history for an empty demo site (1500; 0: none)
  --max-event-age-days N   TRACKWAY_MAX_EVENT_AGE_DAYS  30
  --body-limit BYTES       TRACKWAY_BODY_LIMIT    524288
  --country-header NAME    TRACKWAY_COUNTRY_HEADER      e.g. cf-ipcountry (trusted proxy header)
  --trust-proxy            TRACKWAY_TRUST_PROXY   take the client IP from X-Forwarded-For
  --log-level LEVEL        TRACKWAY_LOG_LEVEL     info
  --cors-origin ORIGIN     TRACKWAY_CORS_ORIGINS  repeatable; pages that may call the read API cross-origin (none)
  --max-inflight-events N  TRACKWAY_MAX_INFLIGHT_EVENTS  20000; above it ingest answers 503 + Retry-After
  --site-rate-limit N      TRACKWAY_SITE_RATE_LIMIT      events/s per site (default 0: none); above: 429 + Retry-After
  --retention-days N       TRACKWAY_RETENTION_DAYS       delete events older than N days (at start, then hourly); default keep all
  --memory-limit SIZE      TRACKWAY_MEMORY_LIMIT         384MB; DuckDB's memory (it spills beyond; a report that needs more: 503)
  --backup-dir DIR         TRACKWAY_BACKUP_DIR           where POST /v1/backups writes snapshots (backups/ next to the DuckDB file)

demo options:
  --url URL       the collector (http://127.0.0.1:8787)    --site ID     the site (demo)
  --days N        days of history, 1..29 (28)              --persons N   visitors (1500)
  --seed N        the same seed gives the same history (42)
  --admin-token T also upload the demo's ad spend per channel and campaign (CAC, ROAS)

rebuild options:
  --store URL     TRACKWAY_STORE    duckdb:./trackway-data/trackway.duckdb

${COPY_USAGE}

${BACKUP_USAGE}`

/** Runs the `trackway` command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE)
    return command ? 0 : 2
  }
  if (command !== 'serve' && command !== 'demo' && command !== 'rebuild' && command !== 'copy' && command !== 'backup') {
    console.error(`trackway: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  try {
    if (command === 'demo') {
      const run = parseDemoArgs(rest)
      const sum = await runDemo(run)
      console.log(
        `demo history for "${run.site}": ${sum.events} events in ${sum.requests} requests — ${sum.accepted} accepted, ${sum.duplicates} duplicates, ${sum.rejected} rejected` +
          (run.adminToken ? `; ${sum.spendRows} spend rows` : ''),
      )
      return 0
    }
    if (command === 'rebuild') return await rebuild(rest)
    if (command === 'copy') return await runCopy(rest)
    if (command === 'backup') return await runBackup(rest)
    return await serve(rest)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`trackway: ${err.message}`)
      return 2
    }
    if (err instanceof StoreOpenError) {
      console.error(`trackway: ${err.message}`)
      return 1
    }
    throw err
  }
}

/**
 * `trackway rebuild`: the derived tables are a cache of the log; this recomputes them whole (the
 * collector keeps them current by itself — use it after restoring a backup or to check them).
 */
async function rebuild(argv: string[]): Promise<number> {
  let url: string
  try {
    const { values } = parseArgs({ args: argv, options: { store: { type: 'string' } }, strict: true, allowPositionals: false })
    url = storeUrlOf(values.store)
  } catch (err) {
    throw new ConfigError(`rebuild: ${(err as Error).message}`)
  }
  const store = await openStopped(
    url,
    {
      deriveOnInit: false,
      // progress on stderr: the result line on stdout stays the only output there
      onDerive: (e) => {
        if (e.phase === 'rebuilding') console.error(`rebuild: deriving ${e.events.toLocaleString('en-US')} events`)
        if (e.phase === 'step') console.error(`rebuild: ${(e.ms / 1000).toFixed(1)} s — step ${e.step}/${e.steps}: ${e.name}`)
      },
    },
    'rebuild',
  )
  try {
    const r = await store.derivation.rebuild()
    console.log(`rebuilt the derived tables of ${url}: ${r.events} events of ${r.persons} persons in ${(r.ms / 1000).toFixed(1)} s`)
    return 0
  } finally {
    await store.close()
  }
}

async function serve(argv: string[]): Promise<number> {
  const config = loadConfig(argv)
  // A store fault (a failed commit, handle.ts) needs a restart: drain, close, exit 1.
  let onFault = (_err: Error) => undefined as void
  const app = await buildApp(config, { onStoreFault: (err) => onFault(err) })
  const address = await app.listen({ port: config.port, host: config.host })
  const { adminToken, adminTokenGenerated, sites } = app.trackway
  const lines = [
    '',
    `Trackway collector listening on ${address}`,
    `  store:        ${config.store}`,
    `  sites:        ${sites.list().map((s) => `${s.id} (${s.origins.join(', ')})`).join('; ') || 'none — add one with --site id:origin'}`,
    `  admin token:  ${adminTokenGenerated || config.demo ? adminToken : '(configured)'}${adminTokenGenerated ? '  ← generated now and kept in the store' : ''}`,
    ...sites.list().map((s) => `  write key:    ${s.id} ${s.writeKey}  (Segment clients: host ${address}/v1/segment)`),
    `  plausible:    endpoint ${address}/api/event`,
    `  script tag:   <script defer src="${address}/sdk.js" data-site="SITE"></script>`,
    `  dashboard:    ${address}/dashboard/${adminTokenGenerated || config.demo ? `#token=${adminToken}` : ''}`,
  ]
  if (config.demo) {
    lines.push(
      `  demo shop:    ${address}/demo/`,
      `  overview:     curl -H 'Authorization: Bearer ${adminToken}' '${address}/v1/sites/demo/stats/overview'`,
    )
  }
  if (adminToken.length < WEAK_TOKEN_LENGTH) {
    lines.push(`  warning:      the admin token is shorter than ${WEAK_TOKEN_LENGTH} characters and easy to guess`)
  }
  console.log(lines.join('\n') + '\n')
  if (config.demo && config.demoPersons > 0 && (await app.trackway.store.log.count('demo')) === 0) {
    // Fill the empty demo site with history through the real ingest endpoint, in the background.
    const url = address.replace('0.0.0.0', '127.0.0.1')
    runDemo({ url, site: 'demo', days: 28, persons: config.demoPersons, seed: 42, adminToken }).then(
      (sum) => console.log(`demo site filled with ${sum.accepted} events of synthetic history (${config.demoPersons} visitors, 28 days) and ${sum.spendRows} rows of ad spend`),
      (err) => app.log.error({ err }, 'filling the demo site failed'),
    )
  }

  let closing = false
  const shutdown = (signal: string, code = 0) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without draining')
      process.exit(1)
    }
    closing = true
    app.log.info({ signal }, 'draining in-flight requests and flushing the store')
    app.close().then(
      () => process.exit(code),
      (err) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  onFault = () => {
    app.log.error('exiting with status 1 for a restart: the file on disk holds every acknowledged event')
    shutdown('store fault', 1)
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  return new Promise<number>(() => undefined) // runs until a signal
}
