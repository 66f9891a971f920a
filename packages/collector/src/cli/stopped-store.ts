import { ConfigError } from '../errors.js'
import { redact } from '../store/clickhouse/url.js'
import { openStore } from '../store/open-store.js'
import type { Store, StoreOptions } from '../store/store.js'

/**
 * Opens and initialises the store of a maintenance command (`rebuild`, `copy`). A DuckDB file
 * belongs to one process: one that a running collector holds is a ConfigError saying so (DuckDB
 * refuses to take the file's lock), not a stack trace.
 */
export async function openStopped(url: string, options: StoreOptions, command: string): Promise<Store> {
  const store = await openStore(url, options)
  try {
    await store.init()
  } catch (err) {
    await store.close().catch(() => undefined)
    if (url.startsWith('duckdb:') && /lock/i.test(String((err as Error).message))) {
      throw new ConfigError(`${command}: ${redact(url)} is open in another process — stop the collector first`)
    }
    throw err
  }
  return store
}
