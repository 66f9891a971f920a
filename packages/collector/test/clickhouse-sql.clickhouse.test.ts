import { afterAll, describe, expect, inject, it } from 'vitest'
import { HttpConnection } from '../src/store/clickhouse/connection.js'
import { sql } from '../src/store/clickhouse/sql.js'
import { parseClickHouseUrl } from '../src/store/clickhouse/url.js'
import { HOSTILE_STRINGS } from './fixtures/hostile.js'

describe('ClickHouse literals on 18.16', () => {
  const conn = new HttpConnection(parseClickHouseUrl(inject('clickhouse')), null)
  afterAll(() => conn.close())
  it.each(HOSTILE_STRINGS)('reads back %j unchanged', async (s) => {
    const [r] = await conn.query<{ v: string; n: number }>(sql`SELECT ${s} AS v, length(${s}) AS n`)
    expect(r!.v).toBe(s)
    expect(r!.n).toBe(Buffer.byteLength(s))
  })
})
