import { afterAll } from 'vitest'
import { join } from 'node:path'
import { ClickHouseStore } from '../src/store/clickhouse/clickhouse-store.js'
import { raw } from '../src/store/clickhouse/sql.js'
import { storeContract } from './contract/index.js'
import { ChdbConnection } from './fixtures/chdb-connection.js'
import { freshDatabase } from './fixtures/clickhouse.js'
import { tempDir } from './fixtures/helpers.js'

const dir = await tempDir()
afterAll(() => dir.cleanup())

/**
 * The ClickHouse adapter's SQL on the current ClickHouse engine (chDB, 26.x, in this process):
 * the same contract as on the 18.16 servers, so the SQL is shown to run on both.
 */
storeContract('ClickHouse 26.x (chDB, in-process)', async () => {
  const conn = new ChdbConnection(join(dir.dir, 'chdb'))
  const database = freshDatabase()
  const store = new ClickHouseStore(conn, database, null, { backgroundRefresh: false })
  await store.init()
  return {
    store,
    close: async () => {
      await store.close()
      await conn.command(raw(`DROP DATABASE IF EXISTS ${database}`))
    },
  }
})
