import { parseArgs } from 'node:util'
import { dirname, join } from 'node:path'
import { LIMITS, SITE_ID_PATTERN } from '@trackway/protocol'
import { ConfigError } from './errors.js'
import { demoShopDir } from './paths.js'
import { sizeBytes } from './size.js'
import { redactStoreUrl } from './store/store-url.js'
import { parseClickHouseUrl } from './store/clickhouse/url.js'

/** A site declared at start (`--site id:origin[,origin]`). */
export interface SiteSeed {
  id: string
  origins: string[]
}

/** The collector's configuration: parsed and validated once, then frozen (STYLE §10). */
export interface Config {
  /** TCP port (`--port`, `TRACKWAY_PORT`; default 8787). */
  port: number
  /** Listen address (`--host`, `TRACKWAY_HOST`; default 127.0.0.1 — opt in to 0.0.0.0). */
  host: string
  /** Store URL (`--store`, `TRACKWAY_STORE`; default `duckdb:./trackway-data/trackway.duckdb`). */
  store: string
  /** Admin token (`--admin-token`, `TRACKWAY_ADMIN_TOKEN`); null: generated on first start and kept in the store. */
  adminToken: string | null
  /** Sites created or updated at start (`--site`, repeatable). */
  sites: SiteSeed[]
  /** Serve the demo shop at /demo/ and create the `demo` site for this server's own origin (`--demo`). */
  demo: boolean
  /** Folder of the demo shop (default, resolved only with `demo`: the repository's examples/shop). */
  demoDir: string
  /** With `--demo`: persons of synthetic history to fill an empty demo site with (`--demo-persons`; default 1500, 0: none). */
  demoPersons: number
  /** Request body limit in bytes, also applied after gzip decompression (default 512 KiB). */
  bodyLimit: number
  /** Oldest accepted event age in ms (`--max-event-age-days`; default 30 days). */
  maxEventAgeMs: number
  /** Group commit: flush after this many ms (default 5). */
  groupCommitMs: number
  /** Group commit: flush once this many events wait (default 5000). */
  groupCommitEvents: number
  /** Overload bound: events waiting for a commit before ingest answers 503 (default 50 000). */
  maxPendingEvents: number
  /** Header carrying the visitor's country from a trusted proxy, e.g. `cf-ipcountry` (default none). */
  countryHeader: string | null
  /** Trust X-Forwarded-For (behind a proxy) for the client IP (default false). */
  trustProxy: boolean
  /** pino log level (`TRACKWAY_LOG_LEVEL`; default info). */
  logLevel: string
  /**
   * Browser origins allowed to call the read and management API cross-origin (`--cors-origin`,
   * repeatable, or `TRACKWAY_CORS_ORIGINS`, comma-separated; default none: only the collector's own
   * dashboard, which is same-origin). Ingest routes answer CORS for any origin (each site checks its own).
   */
  corsOrigins: string[]
  /** Overload bound on ingest: events in requests not yet answered (parsed, waiting or committing) before 503 (`--max-inflight-events`; default 20 000: half a second of work at 40k events/s). */
  maxInflightEvents: number
  /** Folder of `POST /v1/backups` snapshots (`--backup-dir`, `TRACKWAY_BACKUP_DIR`; default `backups/` next to the DuckDB file; null on ClickHouse). */
  backupDir: string | null
  /** Delete events older than this many days, with their derived data, at start and hourly (`--retention-days`, `TRACKWAY_RETENTION_DAYS`; default null: keep all). */
  retentionDays: number | null
  /** Per-site rate limit: events per second a site may send before 429 (`--site-rate-limit`, `TRACKWAY_SITE_RATE_LIMIT`; default 0: no limit — one site may use the whole capacity; set it when sites share a collector). */
  siteEventsPerSecond: number
  /**
   * Memory the store engine may use (`--memory-limit`, `TRACKWAY_MEMORY_LIMIT`; default 384MB: the collector stayed under 1 GB RSS (829 MiB) for 60 s at twice its ingest capacity, 512MB reached 1,029 MiB; BENCHMARKS.md "Overload"), e.g.
   * `512MB`, `2GB`: DuckDB's memory_limit (it spills larger joins and sorts to `<file>.tmp`); a report
   * that needs more answers `memory_limit_exceeded`. Not applied to ClickHouse (its server's own limits).
   */
  memoryLimit: string
}

/** The store engine's memory cap without --memory-limit (BENCHMARKS.md: bounded memory). */
export const DEFAULT_MEMORY_LIMIT = '384MB'

/** Below this length the CLI warns that the admin token is easy to guess. */
export const WEAK_TOKEN_LENGTH = 16

export const defaultConfig: Readonly<Config> = Object.freeze({
  port: 8787,
  host: '127.0.0.1',
  store: 'duckdb:./trackway-data/trackway.duckdb',
  adminToken: null,
  sites: [],
  demo: false,
  demoDir: '',
  demoPersons: 1500,
  bodyLimit: LIMITS.maxBodyBytes,
  maxEventAgeMs: LIMITS.defaultMaxEventAgeMs,
  groupCommitMs: 5,
  groupCommitEvents: 5000,
  maxPendingEvents: 50_000,
  countryHeader: null,
  trustProxy: false,
  logLevel: 'info',
  corsOrigins: [],
  maxInflightEvents: 20_000,
  siteEventsPerSecond: 0,
  retentionDays: null,
  backupDir: null,
  memoryLimit: DEFAULT_MEMORY_LIMIT,
})

/** Parses `id:origin[,origin]`. */
export function parseSiteFlag(value: string): SiteSeed {
  const at = value.indexOf(':')
  if (at < 1) throw new ConfigError(`--site "${value}": expected id:origin[,origin]`)
  const id = value.slice(0, at)
  if (!new RegExp(SITE_ID_PATTERN).test(id)) throw new ConfigError(`--site "${value}": bad site id "${id}"`)
  const origins = value.slice(at + 1).split(',').filter(Boolean).map((o) => normalizeOrigin(o, `--site ${id}`))
  if (origins.length === 0) throw new ConfigError(`--site "${value}": at least one origin is required`)
  return { id, origins }
}

/** `https://Shop.example/` → `https://shop.example`; `*` stays (any origin). */
export function normalizeOrigin(origin: string, where = 'origin'): string {
  if (origin === '*') return origin
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw new ConfigError(`${where}: "${origin}" is not an origin like https://shop.example`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${where}: "${origin}" must be http(s)`)
  }
  return url.origin
}

function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in ${min}..${max}, got "${value}"`)
  return n
}

/** Validates a whole config; returns it frozen. */
export function resolveConfig(partial: Partial<Config> = {}): Readonly<Config> {
  const c: Config = {
    ...defaultConfig,
    ...partial,
    sites: [...(partial.sites ?? defaultConfig.sites)],
    corsOrigins: (partial.corsOrigins ?? defaultConfig.corsOrigins).map((o) => normalizeOrigin(o, '--cors-origin')),
  }
  // the URL itself is checked by the adapter when the store opens (open-store.ts)
  if (!/^(duckdb:|clickhouses?:\/\/)/.test(c.store)) {
    throw new ConfigError(`--store must be duckdb:<path> or clickhouse://user:pass@host:8123/db, got "${redactStoreUrl(c.store)}"`)
  }
  if (c.adminToken !== null && c.adminToken.trim() === '') throw new ConfigError('--admin-token must not be empty')
  try {
    sizeBytes(c.memoryLimit)
  } catch {
    throw new ConfigError(`--memory-limit must be a size such as 512MB or 2GB, got "${c.memoryLimit}"`)
  }
  int('--port', String(c.port), 0, 65535)
  int('bodyLimit', String(c.bodyLimit), 1024, 64 * 1024 * 1024)
  int('groupCommitMs', String(c.groupCommitMs), 0, 1000)
  int('groupCommitEvents', String(c.groupCommitEvents), 1, 1_000_000)
  int('maxPendingEvents', String(c.maxPendingEvents), 1, 10_000_000)
  int('--demo-persons', String(c.demoPersons), 0, 100_000)
  int('--max-inflight-events', String(c.maxInflightEvents), 1, 10_000_000)
  int('--site-rate-limit', String(c.siteEventsPerSecond), 0, 10_000_000)
  if (c.backupDir === null && c.store.startsWith('duckdb:')) c.backupDir = join(dirname(c.store.slice('duckdb:'.length)), 'backups')
  if (c.retentionDays !== null) int('--retention-days', String(c.retentionDays), 1, 36_500)
  if (c.corsOrigins.includes('*')) throw new ConfigError('--cors-origin must name origins, not *: the read API would answer any page')
  int('maxEventAgeMs', String(c.maxEventAgeMs), 60_000, 3650 * 86_400_000)
  const ids = new Set<string>()
  for (const s of c.sites) {
    if (ids.has(s.id)) throw new ConfigError(`--site ${s.id} given twice`)
    ids.add(s.id)
  }
  c.countryHeader = c.countryHeader ? c.countryHeader.toLowerCase() : null
  // Resolved here, not at import: finding the repository's shop walks the file system.
  if (c.demo && !c.demoDir) c.demoDir = demoShopDir()
  Object.freeze(c.sites)
  Object.freeze(c.corsOrigins)
  return Object.freeze(c)
}

/**
 * Builds the config from CLI flags > environment > defaults.
 * This is the only module that reads `process.env` (STYLE §10).
 */
export function loadConfig(argv: string[], env: Record<string, string | undefined> = process.env): Readonly<Config> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        store: { type: 'string' },
        'admin-token': { type: 'string' },
        site: { type: 'string', multiple: true },
        demo: { type: 'boolean' },
        'demo-dir': { type: 'string' },
        'demo-persons': { type: 'string' },
        'body-limit': { type: 'string' },
        'max-event-age-days': { type: 'string' },
        'country-header': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'log-level': { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'max-inflight-events': { type: 'string' },
        'site-rate-limit': { type: 'string' },
        'retention-days': { type: 'string' },
        'backup-dir': { type: 'string' },
        'memory-limit': { type: 'string' },
      },
    }))
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
  const days = int('--max-event-age-days', values['max-event-age-days'] ?? env.TRACKWAY_MAX_EVENT_AGE_DAYS, 1, 3650)
  const partial: Partial<Config> = {
    port: int('--port', values.port ?? env.TRACKWAY_PORT, 0, 65535),
    host: values.host ?? env.TRACKWAY_HOST,
    store: values.store ?? env.TRACKWAY_STORE,
    adminToken: values['admin-token'] ?? env.TRACKWAY_ADMIN_TOKEN,
    sites: (values.site ?? (env.TRACKWAY_SITES ? env.TRACKWAY_SITES.split(/\s+/).filter(Boolean) : [])).map(parseSiteFlag),
    demo: values.demo,
    demoDir: values['demo-dir'],
    demoPersons: int('--demo-persons', values['demo-persons'], 0, 100_000),
    bodyLimit: int('--body-limit', values['body-limit'] ?? env.TRACKWAY_BODY_LIMIT, 1024, 64 * 1024 * 1024),
    maxEventAgeMs: days === undefined ? undefined : days * 86_400_000,
    countryHeader: values['country-header'] ?? env.TRACKWAY_COUNTRY_HEADER,
    trustProxy: values['trust-proxy'] ?? (env.TRACKWAY_TRUST_PROXY === 'true' ? true : undefined),
    logLevel: values['log-level'] ?? env.TRACKWAY_LOG_LEVEL,
    corsOrigins: values['cors-origin'] ?? (env.TRACKWAY_CORS_ORIGINS ? env.TRACKWAY_CORS_ORIGINS.split(/[\s,]+/).filter(Boolean) : undefined),
    maxInflightEvents: int('--max-inflight-events', values['max-inflight-events'] ?? env.TRACKWAY_MAX_INFLIGHT_EVENTS, 1, 10_000_000),
    backupDir: values['backup-dir'] ?? env.TRACKWAY_BACKUP_DIR,
    retentionDays: int('--retention-days', values['retention-days'] ?? env.TRACKWAY_RETENTION_DAYS, 1, 36_500),
    siteEventsPerSecond: int('--site-rate-limit', values['site-rate-limit'] ?? env.TRACKWAY_SITE_RATE_LIMIT, 0, 10_000_000),
    memoryLimit: values['memory-limit'] ?? env.TRACKWAY_MEMORY_LIMIT,
  }
  for (const k of Object.keys(partial) as (keyof Config)[]) if (partial[k] === undefined) delete partial[k]
  return resolveConfig(partial)
}

/**
 * The store a maintenance command works on (`rebuild --store`, `copy --from`): the flag >
 * TRACKWAY_STORE > the default, as for `serve`.
 */
export function storeUrlOf(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return flag ?? env.TRACKWAY_STORE ?? defaultConfig.store
}

/** The admin token a command was given (`--admin-token`, else TRACKWAY_ADMIN_TOKEN), or undefined. */
export function adminTokenOf(flag: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  return flag ?? env.TRACKWAY_ADMIN_TOKEN
}

/** Checks a store URL as far as it can be without opening it (scheme, path, a ClickHouse URL's parts); `flag` names it in errors. */
export function checkStoreUrl(url: string, flag: string): void {
  if (url.startsWith('duckdb:')) {
    if (url === 'duckdb:') throw new ConfigError(`${flag} duckdb: needs a file path, e.g. duckdb:./trackway-data/trackway.duckdb`)
    return
  }
  if (/^clickhouses?:\/\//.test(url)) {
    parseClickHouseUrl(url, flag)
    return
  }
  throw new ConfigError(`${flag} must be duckdb:<path> or clickhouse://user:pass@host:8123/db, got "${redactStoreUrl(url)}"`)
}
