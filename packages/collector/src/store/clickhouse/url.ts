import { ConfigError } from '../../errors.js'
import { redactStoreUrl as redact } from '../store-url.js'

/** Where a ClickHouse store lives: `clickhouse://user:pass@host:8123/db?cluster=NAME` (SPEC §7). */
export interface ClickHouseTarget {
  /** The HTTP endpoint, without credentials. */
  url: string
  username: string
  password: string
  database: string
  /** With a cluster: tables are Distributed over MergeTree tables on every shard, created ON CLUSTER. */
  cluster: string | null
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** Parses a `--store clickhouse://…` URL; a bad one is a ConfigError naming the part (and `flag`, e.g. `--to`). */
export function parseClickHouseUrl(raw: string, flag = '--store'): ClickHouseTarget {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(`${flag}: not a URL: ${redact(raw)}`)
  }
  if (u.protocol !== 'clickhouse:' && u.protocol !== 'clickhouses:') throw new ConfigError(`${flag}: expected clickhouse://, got ${u.protocol}`)
  if (!u.hostname) throw new ConfigError(`${flag} clickhouse://: the URL names no host`)
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'trackway'
  if (!NAME.test(database)) throw new ConfigError(`${flag} clickhouse://: database "${database}" must match ${NAME}`)
  const cluster = u.searchParams.get('cluster')
  if (cluster !== null && !NAME.test(cluster)) throw new ConfigError(`${flag} clickhouse://: cluster "${cluster}" must match ${NAME}`)
  for (const k of u.searchParams.keys()) if (k !== 'cluster') throw new ConfigError(`${flag} clickhouse://: unknown parameter "${k}" (only cluster)`)
  const scheme = u.protocol === 'clickhouses:' ? 'https' : 'http'
  return {
    url: `${scheme}://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || (scheme === 'https' ? '8443' : '8123')}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
    cluster,
  }
}

export { redactStoreUrl as redact } from '../store-url.js'
