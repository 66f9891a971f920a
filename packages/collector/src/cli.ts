import { loadConfig, WEAK_TOKEN_LENGTH } from './config.js'
import { buildApp } from './app.js'
import { ConfigError } from './errors.js'

const USAGE = `Usage: trackway <command> [options]

Commands:
  serve     Run the collector (ingest, reports, /sdk.js)
  help      Show this help

serve options (flag > environment variable > default):
  --port N                 TRACKWAY_PORT          8787
  --host ADDR              TRACKWAY_HOST          127.0.0.1 (use 0.0.0.0 to listen on all interfaces)
  --store URL              TRACKWAY_STORE         duckdb:./trackway-data/trackway.duckdb
  --admin-token T          TRACKWAY_ADMIN_TOKEN   generated on first start and kept in the store
  --site id:origin[,o2]    TRACKWAY_SITES         repeatable; creates the site (USD, UTC) or updates its origins
  --demo                                          serve the demo shop at /demo/ with a "demo" site
  --max-event-age-days N   TRACKWAY_MAX_EVENT_AGE_DAYS  30
  --body-limit BYTES       TRACKWAY_BODY_LIMIT    524288
  --country-header NAME    TRACKWAY_COUNTRY_HEADER      e.g. cf-ipcountry (trusted proxy header)
  --trust-proxy            TRACKWAY_TRUST_PROXY   take the client IP from X-Forwarded-For
  --log-level LEVEL        TRACKWAY_LOG_LEVEL     info
`

/** Runs the `trackway` command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE)
    return command ? 0 : 2
  }
  if (command !== 'serve') {
    console.error(`trackway: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await serve(rest)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`trackway: ${err.message}`)
      return 2
    }
    throw err
  }
}

async function serve(argv: string[]): Promise<number> {
  const config = loadConfig(argv)
  const app = await buildApp(config)
  const address = await app.listen({ port: config.port, host: config.host })
  const { adminToken, adminTokenGenerated, sites } = app.trackway
  const lines = [
    '',
    `Trackway collector listening on ${address}`,
    `  store:        ${config.store}`,
    `  sites:        ${sites.list().map((s) => `${s.id} (${s.origins.join(', ')})`).join('; ') || 'none — add one with --site id:origin'}`,
    `  admin token:  ${adminTokenGenerated || config.demo ? adminToken : '(configured)'}${adminTokenGenerated ? '  ← generated now and kept in the store' : ''}`,
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

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without draining')
      process.exit(1)
    }
    closing = true
    app.log.info({ signal }, 'draining in-flight requests and flushing the store')
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  return new Promise<number>(() => undefined) // runs until a signal
}
