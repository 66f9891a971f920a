import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api'
import type { Bucket, EventKey, EventRow, Filters, Overview, Site, Store, TimeRange } from '../types.js'
import { ratio } from '../../core/metrics.js'
import { MACROS } from './macros.js'
import { eventKey } from '../types.js'
import { appendRows } from './appender.js'
import { DDL, SCHEMA_VERSION } from './schema.js'
import { OVERVIEW_BUCKETS_SQL, REALTIME_SQL } from './overview-sql.js'
import { REALTIME_WINDOW_MS } from '../../core/metrics.js'
import { JOURNEY_SQL, RESOLVE_PERSON_SQL } from './journey-sql.js'
import { breakdownSql } from './breakdown-sql.js'
import { funnelSql } from './funnel-sql.js'
import { PATHS_SQL } from './paths-sql.js'
import type { PathRow } from '../../core/paths.js'
import { funnelRows, type FunnelRow, type FunnelStep } from '../../core/funnel.js'
import type { BreakdownRow, Dimension } from '../../core/breakdown.js'
import type { Journey, JourneySession } from '../../core/journey.js'
import { SESSIONS_CTE } from './sessions-sql.js'

/** A derived session as the SQL computes it. */
export interface SessionRow {
  person: string
  /** Id of the session's first event: with `person`, a stable session id. */
  firstId: string
  start: number
  end: number
  pageviews: number
  channel: string
  source: string
  medium: string
  campaign: string
  referrerDomain: string | null
  entryPage: string
  exitPage: string | null
  device: string
  browser: string | null
  os: string | null
  country: string | null
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

/** Named parameters of the common filters: every one bound, NULL when absent. */
function filterParams(site: string, f: Filters): Record<string, DuckDBValue> {
  return {
    site,
    channel: f.channel ?? null,
    source: f.source ?? null,
    medium: f.medium ?? null,
    campaign: f.campaign ?? null,
    device: f.device ?? null,
    browser: f.browser ?? null,
    os: f.os ?? null,
    country: f.country ?? null,
    path: f.path ?? null,
    referred: f.referred ?? null,
  }
}

/** Named parameters of a goal: an event type, or `custom:name` as type and name. */
function goalParams(goal: string): Record<string, DuckDBValue> {
  const custom = goal.startsWith('custom:')
  return { goal_type: custom ? 'custom' : goal, goal_name: custom ? goal.slice(7) : null }
}

/** Named parameters of a report query over one range: filters, range and goal. */
function reportParams(site: string, range: TimeRange, f: Filters, goal: string): Record<string, DuckDBValue> {
  return { ...filterParams(site, f), ...goalParams(goal), from: BigInt(range.fromMs), to: BigInt(range.toMs) }
}

/**
 * The embedded DuckDB store. One process owns the file (DuckDB's rule), so the collector is
 * its only writer: the ingest writer serializes appends on `writeConn`; management writes
 * use `adminConn`; every read opens its own short-lived connection (they run concurrently).
 */
export class DuckDBStore implements Store {
  private instance!: DuckDBInstance
  private writeConn!: DuckDBConnection
  private adminConn!: DuckDBConnection

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    if (this.path !== ':memory:') await mkdir(dirname(this.path), { recursive: true })
    // DuckDB checkpoints when the WAL reaches 16 MB by default, inside whichever COMMIT crosses it:
    // that stalled ingest group commits for 0.3–0.6 s (p99 523 → 59 ms with 256 MB, see
    // BENCHMARKS.md). The cost: a WAL replay of up to ~4 s when opening after a crash.
    this.instance = await DuckDBInstance.create(this.path, { checkpoint_threshold: '256MB' })
    this.writeConn = await this.instance.connect()
    this.adminConn = await this.instance.connect()
    for (const sql of [...DDL, ...MACROS]) await this.adminConn.run(sql)
    const rows = (await this.adminConn.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS()
    if (rows[0]?.v === null || rows[0]?.v === undefined) {
      await this.adminConn.run('INSERT INTO schema_version VALUES ($v)', { v: SCHEMA_VERSION })
    }
  }

  async appendEvents(rows: readonly EventRow[]): Promise<void> {
    if (rows.length === 0) return
    const conn = this.writeConn
    await conn.run('BEGIN TRANSACTION')
    try {
      const appender = await conn.createAppender('events')
      try {
        appendRows(appender, rows)
      } finally {
        appender.closeSync()
      }
      await conn.run('COMMIT')
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  async findStored(keys: readonly { site: string; id: string }[]): Promise<Set<EventKey>> {
    const found = new Set<EventKey>()
    const bySite = new Map<string, string[]>()
    for (const k of keys) (bySite.get(k.site) ?? bySite.set(k.site, []).get(k.site)!).push(k.id)
    const conn = await this.instance.connect()
    try {
      for (const [site, ids] of bySite) {
        const reader = await conn.runAndReadAll(
          'SELECT id FROM events WHERE site = $site AND list_contains($ids, id)',
          { site, ids: listValue(ids) },
        )
        for (const [id] of reader.getRowsJS()) found.add(eventKey(site, id as string))
      }
    } finally {
      conn.closeSync()
    }
    return found
  }

  async scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void> {
    const conn = await this.instance.connect()
    try {
      const result = await conn.stream('SELECT site, id, received_at FROM events WHERE received_at >= $since', {
        since: BigInt(sinceMs),
      })
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [sites, ids, times] = chunk.getColumns() as [string[], string[], bigint[]]
        onPage(ids.map((id, i) => ({ key: eventKey(sites[i]!, id), receivedAt: Number(times[i]) })))
      }
    } finally {
      conn.closeSync()
    }
  }

  async listSites(): Promise<Site[]> {
    const reader = await this.adminConn.runAndReadAll('SELECT id, name, origins, timezone, currency FROM sites ORDER BY id')
    return reader.getRowObjectsJS().map((r) => ({
      id: r.id as string,
      name: r.name as string,
      origins: [...(r.origins as string[])],
      timezone: r.timezone as string,
      currency: r.currency as string,
    }))
  }

  async upsertSite(site: Site): Promise<void> {
    await this.adminConn.run(
      `INSERT INTO sites VALUES ($id, $name, $origins, $timezone, $currency)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
         timezone = excluded.timezone, currency = excluded.currency`,
      { ...site, origins: listValue(site.origins) } as Record<string, DuckDBValue>,
    )
  }

  async getSetting(key: string): Promise<string | null> {
    const reader = await this.adminConn.runAndReadAll('SELECT value FROM settings WHERE key = $key', { key })
    return (reader.getRowsJS()[0]?.[0] as string | undefined) ?? null
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.adminConn.run(
      'INSERT INTO settings VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      { key, value },
    )
  }

  async overview(site: string, range: TimeRange, filters: Filters = {}, goal = 'purchase'): Promise<Overview> {
    const [only] = await this.overviewBuckets(site, [{ label: '', ...range }], filters, goal)
    return only!.overview
  }

  async overviewBuckets(site: string, buckets: readonly Bucket[], filters: Filters = {}, goal = 'purchase'): Promise<{ label: string; overview: Overview }[]> {
    const rows = await this.query(OVERVIEW_BUCKETS_SQL, {
      ...filterParams(site, filters),
      ...goalParams(goal),
      labels: listValue(buckets.map((b) => b.label)),
      starts: listValue(buckets.map((b) => BigInt(b.fromMs))),
      ends: listValue(buckets.map((b) => BigInt(b.toMs))),
    })
    return rows.map((r) => {
      const n = (k: string) => num(r[k])
      const sessions = n('sessions')
      const cartConversion = ratio(n('carts_bought'), n('carts'))
      return {
        label: r.label as string,
        overview: {
          visitors: n('visitors'),
          sessions,
          pageviews: n('pageviews'),
          bounceRate: ratio(n('bounces'), sessions),
          pagesPerSession: ratio(n('session_pageviews'), sessions),
          avgSessionMs: ratio(n('length_sum'), sessions),
          conversionRate: ratio(n('converted'), n('visitors')),
          orders: n('orders'),
          revenue: n('revenue'),
          aov: ratio(n('revenue'), n('orders')),
          cartAbandonmentRate: cartConversion === null ? null : 1 - cartConversion,
          checkoutCompletionRate: ratio(n('checkouts_bought'), n('checkouts')),
          signups: n('signups'),
        },
      }
    })
  }

  /** Every session of a site (SPEC §4), in start order: the derivation the reports build on. */
  async sessionRows(site: string): Promise<SessionRow[]> {
    const rows = await this.query(
      `WITH ${SESSIONS_CTE} SELECT * EXCLUDE (session_no) FROM sessions ORDER BY start_t, person, first_id`,
      { site },
    )
    return rows.map((r) => ({
      person: r.person as string,
      firstId: r.first_id as string,
      start: num(r.start_t),
      end: num(r.end_t),
      pageviews: num(r.pageviews),
      channel: r.channel as string,
      source: r.source as string,
      medium: r.medium as string,
      campaign: r.campaign as string,
      referrerDomain: (r.referrer_domain as string | null) ?? null,
      entryPage: r.entry_page as string,
      exitPage: (r.exit_page as string | null) ?? null,
      device: r.device as string,
      browser: (r.browser as string | null) ?? null,
      os: (r.os as string | null) ?? null,
      country: (r.country as string | null) ?? null,
    }))
  }

  async breakdown(site: string, range: TimeRange, dimension: Dimension, filters: Filters = {}, goal = 'purchase', limit = 100): Promise<BreakdownRow[]> {
    const rows = await this.query(breakdownSql(dimension), { ...reportParams(site, range, filters, goal), limit: BigInt(limit) })
    return rows.map((r) => ({
      value: (r.value as string | null) ?? null,
      visitors: num(r.visitors),
      sessions: num(r.sessions),
      conversions: num(r.conversions),
      revenue: num(r.revenue),
    }))
  }

  async funnel(site: string, range: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters: Filters = {}): Promise<FunnelRow[]> {
    const params: Record<string, DuckDBValue> = { ...filterParams(site, filters), from: BigInt(range.fromMs), to: BigInt(range.toMs), window: BigInt(windowMs) }
    steps.forEach((s, i) => Object.assign(params, { [`type_${i + 1}`]: s.type, [`name_${i + 1}`]: s.name, [`path_${i + 1}`]: s.path }))
    const rows = await this.query(funnelSql(steps.length), params)
    return funnelRows(steps, rows.map((r) => num(r.persons)), rows.map((r) => (r.median_gap === null ? null : Number(r.median_gap))))
  }

  async paths(site: string, range: TimeRange, depth = 4, limit = 20, filters: Filters = {}): Promise<PathRow[]> {
    const params = { ...filterParams(site, filters), from: BigInt(range.fromMs), to: BigInt(range.toMs), depth: BigInt(depth), limit: BigInt(limit) }
    return (await this.query(PATHS_SQL, params)).map((r) => ({ pages: [...(r.pages as string[])], sessions: num(r.sessions) }))
  }

  async realtime(site: string, now: number, filters: Filters = {}): Promise<number> {
    const params = { ...filterParams(site, filters), since: BigInt(now - REALTIME_WINDOW_MS) }
    return num((await this.query(REALTIME_SQL, params))[0]?.visitors)
  }

  async resolvePerson(site: string, id: string): Promise<string | null> {
    return ((await this.query(RESOLVE_PERSON_SQL, { site, id }))[0]?.person as string | null | undefined) ?? null
  }

  async journey(site: string, person: string): Promise<Journey> {
    const sessions: JourneySession[] = []
    let current = null as { no: number; s: JourneySession } | null
    for (const r of await this.query(JOURNEY_SQL, { site, person })) {
      const no = num(r.session_no)
      if (current?.no !== no) {
        current = {
          no,
          s: {
            start: num(r.start_t),
            end: num(r.end_t),
            channel: r.channel as string,
            source: r.source as string,
            medium: r.medium as string,
            campaign: r.campaign as string,
            entryPage: r.entry_page as string,
            exitPage: (r.exit_page as string | null) ?? null,
            device: r.device as string,
            pages: [],
            conversions: [],
            events: [],
          },
        }
        sessions.push(current.s)
      }
      const e = {
        id: r.id as string,
        type: r.type as string,
        t: num(r.t),
        path: r.path as string,
        name: (r.name as string | null) ?? null,
        orderId: (r.order_id as string | null) ?? null,
        revenue: r.revenue === null || r.revenue === undefined ? null : Number(r.revenue),
      }
      current.s.events.push(e)
      if (e.type === 'pageview') current.s.pages.push(e.path)
      if ((e.type === 'purchase' && r.first_purchase) || e.type === 'signup') {
        current.s.conversions.push({ type: e.type as 'purchase' | 'signup', t: e.t, orderId: e.orderId, revenue: e.revenue })
      }
    }
    return { personId: person, sessions }
  }

  async countEvents(site: string): Promise<number> {
    return num((await this.query('SELECT count(*) AS n FROM events WHERE site = $site', { site }))[0]?.n)
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1')
  }

  async close(): Promise<void> {
    this.writeConn?.closeSync()
    this.adminConn?.closeSync()
    this.instance?.closeSync()
  }

  private async query(sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]> {
    const conn = await this.instance.connect()
    try {
      return (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[]
    } finally {
      conn.closeSync()
    }
  }
}
