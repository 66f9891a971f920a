import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { ReportAnswers } from '../src/reports/answers.js'
import { HttpConnection } from '../src/store/clickhouse/connection.js'
import { raw, sql } from '../src/store/clickhouse/sql.js'
import { currentPersonsOfAllSites } from '../src/store/clickhouse/current.js'
import { parseClickHouseUrl } from '../src/store/clickhouse/url.js'
import { EVENT_COLUMNS } from '../src/store/event-columns.js'
import type { EventRow } from '../src/store/event-log.js'
import { openClickHouse } from './fixtures/clickhouse.js'
import { chQuery } from './fixtures/clickhouse-log.js'
import { reportQuery } from './fixtures/helpers.js'
import { row } from './fixtures/rows.js'

const NOW = Date.now()

describe.each([
  ['one server', () => inject('clickhouse')],
  ['2 shards', () => inject('clickhouseCluster')],
])('ClickHouse derivation (%s)', (_name, server) => {
  let o: Awaited<ReturnType<typeof openClickHouse>>
  beforeEach(async () => {
    o = await openClickHouse(server())
  })
  afterEach(async () => o.close())

  /** Event ids held by a current derivation of their person. */
  const derivedIds = async () =>
    new Set(
      (
        await chQuery<{ id: string }>(
          o.url,
          (t) => sql`SELECT e_id AS id FROM ${t.name('persons')} AS p ARRAY JOIN p.e_id
            WHERE ${currentPersonsOfAllSites(t)}`,
        )
      ).map((r) => r.id),
    )

  /** Stores rows as a collector that stops between its insert and its derivation would: events only. */
  async function insertOnly(rows: EventRow[]) {
    const target = parseClickHouseUrl(o.url)
    const conn = new HttpConnection(target, null)
    const columns = rows.map((r) => Object.fromEntries(EVENT_COLUMNS.map(([c, f, k]) => [c, k === 'boolean' ? (r[f] ? 1 : 0) : r[f]])))
    await conn.insert(`${o.database}.events`, columns, target.cluster ? { insert_distributed_sync: 1 } : {})
    await conn.close()
  }

  it('derives, on refresh(), events stored recently without a derivation', async () => {
    await o.store.log.append(Array.from({ length: 40 }, (_, i) => row({ site: 'shop', anonymousId: `k-${i % 10}`, t: NOW - i * 1000, receivedAt: NOW })))
    const orphans = Array.from({ length: 30 }, (_, i) => row({ site: 'shop', anonymousId: `k-${i % 15}`, t: NOW - i * 500, receivedAt: NOW }))
    await insertOnly(orphans)
    const before = await derivedIds()
    expect(orphans.some((r) => before.has(r.id))).toBe(false)
    const r = await o.store.derivation.refresh()
    expect(r).toMatchObject({ kind: 'refresh', persons: 15 })
    const after = await derivedIds()
    expect(orphans.filter((x) => !after.has(x.id))).toEqual([])
    expect((await new ReportAnswers(o.store).overview(reportQuery('shop'))).pageviews).toBe(70)
    // nothing left to do: a second sweep finds nothing
    expect(await o.store.derivation.refresh()).toBeNull()
  })

  it('leaves events received before its window to rebuild (they are not looked at)', async () => {
    const old = [row({ site: 'shop', anonymousId: 'old', t: NOW - 3_600_000, receivedAt: NOW - 3_600_000 })]
    await insertOnly(old)
    expect(await o.store.derivation.refresh()).toBeNull()
    expect((await derivedIds()).has(old[0]!.id)).toBe(false)
    const r = await o.store.derivation.rebuild()
    expect(r).toMatchObject({ kind: 'rebuild', persons: 1, events: 1 })
    expect((await derivedIds()).has(old[0]!.id)).toBe(true)
  })

  it('counts a person once when two collectors derive the same state (equal versions)', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => row({ site: 'shop', anonymousId: 'same', t: NOW - i * 1000 }))
    await o.store.log.append(rows)
    // the same state derived again, as a collector retrying the batch would: equal candidates, equal version
    await o.store.log.append([], rows)
    await o.store.log.append([], rows)
    const versions = await chQuery<{ version: number }>(o.url, (t) => sql`SELECT version FROM ${t.name('persons')} WHERE person = 'same'`)
    expect(versions.length).toBe(3)
    expect(new Set(versions.map((v) => v.version)).size).toBe(1)
    const ov = await new ReportAnswers(o.store).overview(reportQuery('shop'))
    expect([ov.visitors, ov.sessions, ov.pageviews]).toEqual([1, 1, 5])
  })

  it('keeps the derivation that read more of the log current, whatever order rows arrive in', async () => {
    const early = [row({ site: 'shop', anonymousId: 'late', t: NOW - 5000 })]
    const later = [row({ site: 'shop', anonymousId: 'late', t: NOW - 4000 }), row({ site: 'shop', anonymousId: 'late', t: NOW - 3000 })]
    await o.store.log.append(early)
    const target = parseClickHouseUrl(o.url)
    const conn = new HttpConnection(target, null)
    // 64-bit keys read as strings, exactly
    const [first] = await conn.query<Record<string, unknown>>(sql`SELECT * FROM ${raw(`${o.database}.persons`)} WHERE person = 'late'`, { output_format_json_quote_64bit_integers: 1 })
    await o.store.log.append(later)
    // the first (smaller) derivation written again after the newer one: a slow collector's stale write
    await conn.insert(`${o.database}.persons`, [{ ...first, tiebreak: '18446744073709551615' }], target.cluster ? { insert_distributed_sync: 1 } : {})
    await conn.close()
    expect((await new ReportAnswers(o.store).overview(reportQuery('shop'))).pageviews).toBe(3)
  })
})
