import { ConfigError } from '../errors.js'
import { DuckDBStore } from './duckdb/duckdb-store.js'
import type { Store } from './types.js'

export interface StoreOptions {
  /** Bring derived tables up to date when opening (default); `trackway rebuild` skips it. */
  deriveOnInit?: boolean
  /** Refresh derived tables in the background after appends (default); bulk loads turn it off. */
  backgroundRefresh?: boolean
  /** Told when persons and sessions are derived from the whole log (minutes on a large store), and after. */
  onDerive?: (e: DeriveEvent) => void
}

export type DeriveEvent = { phase: 'rebuilding'; events: number } | { phase: 'done'; kind: 'rebuild' | 'refresh'; events: number; persons: number; ms: number }

/** Opens the store a `--store` URL names. */
export function openStore(url: string, options: StoreOptions = {}): Store {
  if (url.startsWith('duckdb:')) {
    const path = url.slice('duckdb:'.length)
    if (!path) throw new ConfigError('--store duckdb: needs a file path, e.g. duckdb:./trackway-data/trackway.duckdb')
    return new DuckDBStore(path, options)
  }
  throw new ConfigError(`the ClickHouse store is not available in this version: ${url.replace(/\/\/[^@]*@/, '//***@')}`)
}
