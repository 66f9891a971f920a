import { ConfigError } from '../errors.js'
import { DuckDBStore } from './duckdb/duckdb-store.js'
import type { Store } from './types.js'

/** Opens the store a `--store` URL names. */
export function openStore(url: string): Store {
  if (url.startsWith('duckdb:')) {
    const path = url.slice('duckdb:'.length)
    if (!path) throw new ConfigError('--store duckdb: needs a file path, e.g. duckdb:./trackway-data/trackway.duckdb')
    return new DuckDBStore(path)
  }
  throw new ConfigError(`the ClickHouse store is not available in this version: ${url.replace(/\/\/[^@]*@/, '//***@')}`)
}
