import { inject } from 'vitest'
import { storeContract } from './contract/index.js'
import { openClickHouse } from './fixtures/clickhouse.js'

storeContract('ClickHouse 18.16, 2 shards (examples/clickhouse-cluster)', () => openClickHouse(inject('clickhouseCluster')))
