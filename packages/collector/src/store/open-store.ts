import { ConfigError } from '../errors.js'
import type { Store, StoreOptions } from './store.js'
import { redactStoreUrl } from './store-url.js'

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
  if (url.startsWith('clickhouse://') || url.startsWith('clickhouses://')) {
    const [{ ClickHouseStore }, { parseClickHouseUrl }] = await Promise.all([import('./clickhouse/clickhouse-store.js'), import('./clickhouse/url.js')])
    return ClickHouseStore.connect(parseClickHouseUrl(url), options)
  }
  throw new ConfigError(`--store must be duckdb:<path> or clickhouse://user:pass@host:8123/db, got "${redactStoreUrl(url)}"`)
}
