import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { lit, list, raw, sql } from '../src/store/clickhouse/sql.js'
import { parseClickHouseUrl, redact } from '../src/store/clickhouse/url.js'
import { ChdbConnection } from './fixtures/chdb-connection.js'
import { tempDir } from './fixtures/helpers.js'
import { HOSTILE_STRINGS } from './fixtures/hostile.js'

describe('ClickHouse literals (the one place values become SQL)', () => {
  it('quotes and escapes strings, renders numbers, NULL and arrays', () => {
    expect(lit("o'hara")).toBe("'o\\'hara'")
    expect(lit('a\\b')).toBe("'a\\\\b'")
    expect(lit('x\ny\0')).toBe("'x\\ny\\0'")
    expect(lit(42)).toBe('42')
    expect(lit(-1.5)).toBe('-1.5')
    expect(lit(null)).toBe('NULL')
    expect(lit(undefined)).toBe('NULL')
    expect(lit(true)).toBe('1')
    expect(lit(['a', 1, null])).toBe("['a', 1, NULL]")
    expect(sql`SELECT ${'x'} AS v, ${raw('now()')} AS t`.text).toBe("SELECT 'x' AS v, now() AS t")
    expect(list(['a', "b'"]).text).toBe("'a', 'b\\''")
  })

  it('refuses what it cannot render exactly', () => {
    expect(() => lit(NaN)).toThrow(TypeError)
    expect(() => lit(Infinity)).toThrow(TypeError)
    expect(() => list([])).toThrow(RangeError)
    expect(() => lit({} as never)).toThrow(TypeError)
  })

  describe('on ClickHouse 26.x (chDB)', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>
    afterAll(async () => dir?.cleanup())
    it.each(HOSTILE_STRINGS)('reads back %j unchanged', async (s) => {
      dir ??= await tempDir()
      const conn = new ChdbConnection(join(dir.dir, 'chdb'))
      const [r] = await conn.query<{ v: string; n: number }>(sql`SELECT ${s} AS v, length(${s}) AS n`)
      expect(r!.v).toBe(s)
      expect(r!.n).toBe(Buffer.byteLength(s))
    })
  })
})

describe('clickhouse:// store URLs', () => {
  it('names the endpoint, credentials, database and cluster', () => {
    expect(parseClickHouseUrl('clickhouse://tw:s%40cret@db.internal:8123/analytics?cluster=prod')).toEqual({
      url: 'http://db.internal:8123', username: 'tw', password: 's@cret', database: 'analytics', cluster: 'prod',
    })
    expect(parseClickHouseUrl('clickhouse://127.0.0.1')).toEqual({ url: 'http://127.0.0.1:8123', username: 'default', password: '', database: 'trackway', cluster: null })
    expect(parseClickHouseUrl('clickhouses://u:p@ch.example/db').url).toBe('https://ch.example:8443')
  })

  it.each([
    ['clickhouse://h/bad-name', 'database'],
    ['clickhouse://h/db?cluster=a;b', 'cluster'],
    ['clickhouse://h/db?user=x', 'unknown parameter'],
    ['clickhouse:///db', 'no host'],
  ])('rejects %s, naming the part (%s)', (url, part) => {
    expect(() => parseClickHouseUrl(url)).toThrow(part)
  })

  it('hides the password in messages', () => {
    expect(redact('clickhouse://tw:secret@h:8123/db')).toBe('clickhouse://tw:***@h:8123/db')
  })
})
