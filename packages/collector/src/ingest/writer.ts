import type { FastifyBaseLogger } from 'fastify'
import { Overloaded, StoreUnavailable } from '../errors.js'
import type { Metrics } from '../metrics.js'
import { IdFilter } from './dedup/id-filter.js'
import { eventKey, type EventLog, type EventRow } from '../store/event-log.js'

export interface WriterOptions {
  /** Flush this many ms after the first waiting event. */
  groupCommitMs: number
  /** Flush at once when this many events wait. */
  groupCommitEvents: number
  /** Above this many waiting events, `submit` answers 503 (SPEC §1.4). */
  maxPendingEvents: number
  /** The dedup window: the maximum event age plus slack (see IdFilter). */
  dedupWindowMs: number
  /** Keys kept exactly (the rest only in Bloom filters); default 100 000, ~10 MB. */
  recentIds?: number
  /**
   * Groups committed at once. An exclusive log (DuckDB) commits one at a time; a shared one
   * (ClickHouse) has several round trips per group and no order between groups to keep, so a few
   * commit concurrently (default 4).
   */
  concurrentFlushes?: number
}

export interface WriteResult {
  accepted: number
  duplicates: number
}

interface Pending {
  rows: readonly EventRow[]
  resolve: (r: WriteResult) => void
  reject: (e: Error) => void
}

/**
 * Exactly-once, durable ingest with group commit (SPEC §1.2–1.3).
 *
 * Requests wait here until their rows are committed; many requests share one transaction,
 * flushed every `groupCommitMs` or at `groupCommitEvents`. Flushes run one at a time: while
 * one commits, the next group gathers. A request's promise resolves only after the commit
 * holding its rows returned, so the 2xx that follows is a durable acknowledgement.
 */
export class IngestWriter {
  private pending: Pending[] = []
  private pendingEvents = 0
  /** Events of groups being committed now: still in memory, still unanswered. */
  private committingEvents = 0
  private timer: NodeJS.Timeout | null = null
  /** Flushes running now; at most `maxFlushes`. */
  private readonly flushing = new Set<Promise<void>>()
  private readonly maxFlushes: number
  private readonly filter: IdFilter
  private ready: Promise<void> | null = null
  private stopped = false
  private readyDone = false

  constructor(
    /** What ingest needs of the log (bulk reads and imports are `trackway copy`'s). */
    private readonly events: Pick<EventLog, 'exclusive' | 'append' | 'findStored' | 'scanKeys'>,
    private readonly opts: WriterOptions,
    private readonly log: FastifyBaseLogger,
    private readonly metrics: Metrics,
  ) {
    this.filter = new IdFilter(opts.dedupWindowMs, opts.recentIds)
    this.maxFlushes = events.exclusive ? 1 : Math.max(1, opts.concurrentFlushes ?? 4)
  }

  /**
   * Loads the keys of the dedup window from the store; ingest waits for it. A shared log's keys
   * are not loaded: every key this writer did not commit itself is looked up anyway.
   */
  start(now = Date.now()): Promise<void> {
    this.ready ??= (async () => {
      if (!this.events.exclusive) {
        this.readyDone = true
        return
      }
      const since = now - this.opts.dedupWindowMs
      let oldest = now
      const t0 = performance.now()
      await this.events.scanKeys(since, (page) => {
        for (const { key, receivedAt } of page) {
          this.filter.add(key)
          if (receivedAt < oldest) oldest = receivedAt
        }
      })
      this.filter.startAt(oldest)
      const { keys, bytes } = this.filter.stats()
      this.log.info({ keys, bytes, ms: Math.round(performance.now() - t0) }, 'dedup filter loaded')
      this.readyDone = true
    })()
    return this.ready
  }

  /** True once the dedup filter is loaded. */
  get isReady(): boolean {
    return this.readyDone
  }

  /** Queues one request's rows; resolves once they are committed (or found stored). */
  submit(rows: readonly EventRow[]): Promise<WriteResult> {
    if (this.stopped) return Promise.reject(new StoreUnavailable('the collector is shutting down'))
    // Waiting and committing events both count: the group taken by a flush stays in memory until
    // its commit returns (counting only the waiting ones let 80k events in past a 50k bound).
    if (this.pendingEvents + this.committingEvents + rows.length > this.opts.maxPendingEvents) {
      this.metrics.inc('trackway_ingest_overloaded_total')
      return Promise.reject(new Overloaded('1'))
    }
    return new Promise<WriteResult>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject })
      this.pendingEvents += rows.length
      this.schedule()
    })
  }

  /** Events submitted and not yet answered: waiting for a group commit or in one. */
  get queued(): number {
    return this.pendingEvents + this.committingEvents
  }

  /** Commits everything queued, then refuses new work. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    while (this.flushing.size > 0 || this.pending.length > 0) {
      if (this.flushing.size > 0) await Promise.all(this.flushing)
      else await this.flush()
    }
  }

  private schedule(): void {
    if (this.flushing.size >= this.maxFlushes) return // a running flush picks the queue up when it ends
    if (this.pendingEvents >= this.opts.groupCommitEvents) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      void this.flush()
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.flush()
      }, this.opts.groupCommitMs)
    }
  }

  private flush(): Promise<void> {
    if (this.flushing.size >= this.maxFlushes) return Promise.all(this.flushing).then(() => undefined)
    const done: Promise<void> = this.flushGroup().finally(() => {
      this.flushing.delete(done)
      // What gathered during that commit is the next group: commit it now, not a tick later.
      if (this.pending.length > 0 && !this.stopped) {
        if (this.timer) clearTimeout(this.timer)
        this.timer = null
        void this.flush()
      }
    })
    this.flushing.add(done)
    return done
  }

  private async flushGroup(): Promise<void> {
    await this.start()
    const group = this.pending
    const groupEvents = this.pendingEvents
    this.pending = []
    this.pendingEvents = 0
    if (group.length === 0) return
    this.committingEvents += groupEvents
    try {
      await this.commitGroup(group)
    } finally {
      this.committingEvents -= groupEvents
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const t0 = performance.now()
    this.filter.rotate()

    // Decide per row: new, duplicate, or "maybe" (ask the store). First copy in the group wins.
    // A shared log (other collectors append too) must be asked about every key not known stored.
    const results = group.map(() => ({ accepted: 0, duplicates: 0 }))
    const seen = new Set<string>()
    const fresh: { row: EventRow; req: number }[] = []
    const maybe: { row: EventRow; req: number }[] = []
    group.forEach(({ rows }, req) => {
      for (const row of rows) {
        const key = eventKey(row.site, row.id)
        if (seen.has(key)) {
          results[req]!.duplicates++
          continue
        }
        seen.add(key)
        const state = this.filter.check(key)
        if (state === 'stored') results[req]!.duplicates++
        else (state === 'new' && this.events.exclusive ? fresh : maybe).push({ row, req })
      }
    })

    const found: EventRow[] = []
    try {
      if (maybe.length > 0) {
        const stored = await this.events.findStored(maybe.map(({ row }) => row))
        this.metrics.inc('trackway_dedup_store_checks_total', maybe.length)
        for (const m of maybe) {
          if (!stored.has(eventKey(m.row.site, m.row.id))) fresh.push(m)
          else {
            results[m.req]!.duplicates++
            found.push(m.row)
          }
        }
      }
      await this.events.append(fresh.map((f) => f.row), found)
    } catch (err) {
      this.log.error({ err, requests: group.length }, 'group commit failed; nothing of it was acknowledged')
      this.metrics.inc('trackway_commit_failures_total')
      this.metrics.inc('trackway_store_errors_total', 1, { op: 'commit' })
      const failure = (err as { code?: string }).code === 'store_unavailable' ? (err as Error) : new StoreUnavailable((err as Error).message)
      for (const p of group) p.reject(failure)
      return
    }

    for (const f of fresh) {
      this.filter.add(eventKey(f.row.site, f.row.id))
      results[f.req]!.accepted++
    }
    const ms = performance.now() - t0
    this.metrics.inc('trackway_commits_total')
    this.metrics.inc('trackway_commit_seconds_total', ms / 1000)
    this.metrics.observe('trackway_commit_duration_seconds', ms / 1000)
    this.metrics.inc('trackway_events_accepted_total', fresh.length)
    this.metrics.inc('trackway_events_duplicate_total', results.reduce((n, r) => n + r.duplicates, 0))
    group.forEach((p, i) => p.resolve(results[i]!))
  }
}
