import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api'
import type { Bucket, DateRange, EventKey, EventRow, Filters, Overview, Site, Store, TimeRange } from '../types.js'
import { MACROS } from './macros.js'
import { eventKey } from '../types.js'
import { appendRows } from './appender.js'
import { DDL, SCHEMA_VERSION } from './schema.js'
import type { PathRow } from '../../core/paths.js'
import type { FunnelRow, FunnelStep } from '../../core/funnel.js'
import type { BreakdownRow, Dimension } from '../../core/breakdown.js'
import type { Journey } from '../../core/journey.js'
import type { CsatReport, RevenueReport } from '../../core/revenue.js'
import type { ReferralReport } from '../../core/referrals.js'
import type { ExperimentReport } from '../../core/experiments.js'
import type { Cohort } from '../../core/retention.js'
import type { AcquisitionRow } from '../../core/acquisition.js'
import type { SpendRow } from '../../core/query.js'
import type { AttributionDimension, AttributionRow, Model } from '../../core/attribution.js'
import { DuckDBReports, num, type SessionRow } from './reports.js'
import { DERIVED_DDL, refreshDerived, type RefreshResult } from './materialize.js'
import type { StoreOptions } from '../open-store.js'

export type { SessionRow } from './reports.js'
export type { RefreshResult } from './materialize.js'

/**
 * The background refresh of the derived tables runs when appends pause for REFRESH_QUIET_MS (or
 * twice the last refresh's duration, if longer), and at the latest REFRESH_MAX_LAG_MS after the
 * first append it has not covered: under sustained ingest it stays out of the way of the writer.
 */
const REFRESH_QUIET_MS = 1000
const REFRESH_MAX_LAG_MS = 10_000

/**
 * The embedded DuckDB store. One process owns the file (DuckDB's rule), so the collector is
 * its only writer: the ingest writer serializes appends on `writeConn`; management writes
 * use `adminConn`; every read opens its own short-lived connection (they run concurrently).
 *
 * Reports read the derived tables (materialize.ts), which `derivedConn` keeps up to date with
 * the log: in the background when appends pause (see REFRESH_QUIET_MS), and before every report
 * that would otherwise miss committed events — a report always sees every event acknowledged
 * before it was asked for.
 */
export class DuckDBStore implements Store {
  private instance!: DuckDBInstance
  private writeConn!: DuckDBConnection
  private adminConn!: DuckDBConnection
  private derivedConn!: DuckDBConnection
  /** The report queries, over short-lived read connections, on derived tables brought up to date first. */
  private readonly reports = new DuckDBReports(async (sql, params) => {
    await this.derive(false)
    return this.query(sql, params)
  })
  /** Appends committed so far, and how many of them the derived tables include. */
  private appends = 0
  private derivedAppends = -1
  /** Refreshes run one at a time, in call order. */
  private chain: Promise<unknown> = Promise.resolve()
  private refreshTimer: NodeJS.Timeout | null = null
  /** When the first append not yet covered by a scheduled refresh happened. */
  private pendingSince = 0
  private lastRefreshMs = 0
  private closed = false

  constructor(
    private readonly path: string,
    private readonly options: StoreOptions = {},
  ) {}

  async init(): Promise<void> {
    if (this.path !== ':memory:') await mkdir(dirname(this.path), { recursive: true })
    // DuckDB checkpoints when the WAL reaches 16 MB by default, inside whichever COMMIT crosses it:
    // that stalled ingest group commits for 0.3–0.6 s (p99 523 → 59 ms with 256 MB, see
    // BENCHMARKS.md). The cost: a WAL replay of up to ~4 s when opening after a crash.
    this.instance = await DuckDBInstance.create(this.path, { checkpoint_threshold: '256MB' })
    this.writeConn = await this.instance.connect()
    this.adminConn = await this.instance.connect()
    this.derivedConn = await this.instance.connect()
    for (const sql of [...DDL, ...DERIVED_DDL, ...MACROS]) await this.adminConn.run(sql)
    const rows = (await this.adminConn.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS()
    if (rows[0]?.v === null || rows[0]?.v === undefined) {
      await this.adminConn.run('INSERT INTO schema_version VALUES ($v)', { v: SCHEMA_VERSION })
    }
    // Catch up with events appended since the last refresh (e.g. before a crash), or derive
    // everything when the derived tables are new or of another version.
    if (this.options.deriveOnInit !== false) await this.derive(false)
  }

  /** Brings the derived tables up to date with the log now; null when they were. */
  refresh(): Promise<RefreshResult | null> {
    return this.derive(false)
  }

  /** Derives persons, sessions and orders again from the whole log (`trackway rebuild`). */
  rebuild(): Promise<RefreshResult> {
    return this.derive(true) as Promise<RefreshResult>
  }

  /**
   * Brings the derived tables up to date (everything with `full`); null when they already were.
   * Calls queue behind each other; a queued call finding the tables current returns at once.
   */
  private derive(full: boolean): Promise<RefreshResult | null> {
    const run = async () => {
      const appends = this.appends
      if (!full && this.derivedAppends === appends) return null
      const result = await refreshDerived(this.derivedConn, full, (events) => this.options.onDerive?.({ phase: 'rebuilding', events }))
      this.derivedAppends = appends
      this.lastRefreshMs = result.ms
      if (result.kind !== 'none' && (result.kind === 'rebuild' || result.ms > 1000)) {
        this.options.onDerive?.({ phase: 'done', kind: result.kind, events: result.events, persons: result.persons, ms: Math.round(result.ms) })
      }
      return result
    }
    const p = this.chain.then(run, run)
    this.chain = p.catch(() => undefined)
    return p
  }

  private scheduleRefresh(): void {
    if (this.closed || this.options.backgroundRefresh === false) return
    const now = Date.now()
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    else this.pendingSince = now
    const due = Math.min(now + Math.max(REFRESH_QUIET_MS, 2 * this.lastRefreshMs), this.pendingSince + REFRESH_MAX_LAG_MS)
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null
      // A failure here surfaces on the next report, which retries the refresh.
      this.derive(false).catch(() => undefined)
    }, Math.max(0, due - now))
    this.refreshTimer.unref()
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
    this.appends++
    this.scheduleRefresh()
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

  overview(site: string, range: TimeRange, filters?: Filters, goal?: string): Promise<Overview> {
    return this.reports.overview(site, range, filters, goal)
  }

  overviewBuckets(site: string, buckets: readonly Bucket[], filters?: Filters, goal?: string) {
    return this.reports.overviewBuckets(site, buckets, filters, goal)
  }

  /** Every session of a site (SPEC §4), in start order: the derivation the reports build on. */
  sessionRows(site: string): Promise<SessionRow[]> {
    return this.reports.sessionRows(site)
  }

  breakdown(site: string, range: TimeRange, dimension: Dimension, filters?: Filters, goal?: string, limit?: number): Promise<BreakdownRow[]> {
    return this.reports.breakdown(site, range, dimension, filters, goal, limit)
  }

  funnel(site: string, range: TimeRange, steps: readonly FunnelStep[], windowMs: number, filters?: Filters): Promise<FunnelRow[]> {
    return this.reports.funnel(site, range, steps, windowMs, filters)
  }

  paths(site: string, range: TimeRange, depth?: number, limit?: number, filters?: Filters): Promise<PathRow[]> {
    return this.reports.paths(site, range, depth, limit, filters)
  }

  revenue(site: string, range: TimeRange, filters?: Filters): Promise<RevenueReport> {
    return this.reports.revenue(site, range, filters)
  }

  csat(site: string, range: TimeRange, filters?: Filters): Promise<CsatReport> {
    return this.reports.csat(site, range, filters)
  }

  referrals(site: string, range: TimeRange, filters?: Filters, limit?: number): Promise<ReferralReport> {
    return this.reports.referrals(site, range, filters, limit)
  }

  experiment(site: string, range: TimeRange, experiment: string, goal?: string, filters?: Filters): Promise<ExperimentReport> {
    return this.reports.experiment(site, range, experiment, goal, filters)
  }

  attribution(site: string, range: TimeRange, model: Model, goal: string, lookbackMs: number, by: AttributionDimension, filters?: Filters): Promise<AttributionRow[]> {
    return this.reports.attribution(site, range, model, goal, lookbackMs, by, filters)
  }

  retention(site: string, periods: readonly Bucket[], maxPeriods: number, filters?: Filters): Promise<Cohort[]> {
    return this.reports.retention(site, periods, maxPeriods, filters)
  }

  churnRate(site: string, range: TimeRange, previous: TimeRange, filters?: Filters): Promise<number | null> {
    return this.reports.churnRate(site, range, previous, filters)
  }

  acquisition(site: string, range: DateRange, model: Model, filters?: Filters): Promise<AcquisitionRow[]> {
    return this.reports.acquisition(site, range, model, filters)
  }

  /** Stores ad spend rows in one transaction: a row replaces the stored one with the same date and names. */
  async upsertSpend(site: string, rows: readonly SpendRow[]): Promise<void> {
    const conn = this.adminConn
    await conn.run('BEGIN TRANSACTION')
    try {
      for (const r of rows) {
        const key = { site, date: r.date, channel: r.channel, source: r.source, campaign: r.campaign }
        await conn.run(
          `DELETE FROM spend WHERE site = $site AND date = $date AND channel IS NOT DISTINCT FROM $channel::VARCHAR
             AND source IS NOT DISTINCT FROM $source::VARCHAR AND campaign IS NOT DISTINCT FROM $campaign::VARCHAR`,
          key,
        )
        await conn.run('INSERT INTO spend VALUES ($site, $date, $channel::VARCHAR, $source::VARCHAR, $campaign::VARCHAR, $amount)', { ...key, amount: r.amount })
      }
      await conn.run('COMMIT')
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  realtime(site: string, now: number, filters?: Filters): Promise<number> {
    return this.reports.realtime(site, now, filters)
  }

  resolvePerson(site: string, id: string): Promise<string | null> {
    return this.reports.resolvePerson(site, id)
  }

  journey(site: string, person: string): Promise<Journey> {
    return this.reports.journey(site, person)
  }

  async countEvents(site: string): Promise<number> {
    return num((await this.query('SELECT count(*) AS n FROM events WHERE site = $site', { site }))[0]?.n)
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1')
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.refreshTimer = null
    await this.chain
    this.derivedConn?.closeSync()
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
