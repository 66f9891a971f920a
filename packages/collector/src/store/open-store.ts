import { ConfigError } from '../errors.js'
import type { Store, StoreOptions } from './store.js'

export type { StoreOptions } from './store.js'

/**
 * Opens the store a `--store` URL names; the adapter's module (and its engine) is loaded only
 * when its scheme is asked for.
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  if (url.startsWith('duckdb:')) {
    const path = url.slice('duckdb:'.length)
    if (!path) throw new ConfigError('--store duckdb: needs a file path, e.g. duckdb:./trackway-data/trackway.duckdb')
    const { DuckDBStore } = await import('./duckdb/duckdb-store.js')
    return new DuckDBStore(path, options)
  }
  throw new ConfigError(`the ClickHouse store is not available in this version: ${url.replace(/\/\/[^@]*@/, '//***@')}`)
}
