import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { storeContract } from './contract/index.js'
import { tempDir } from './fixtures/helpers.js'

storeContract('DuckDB', async () => {
  const { dir, cleanup } = await tempDir()
  const store = new DuckDBStore(join(dir, 'contract.duckdb'))
  await store.init()
  return {
    store,
    close: async () => {
      await store.close()
      await cleanup()
    },
  }
})
