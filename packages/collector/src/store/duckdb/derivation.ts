import { AsyncLocalStorage } from 'node:async_hooks'
import type { Derivation, RefreshResult } from '../derivation.js'
import type { StoreOptions } from '../store.js'
import { sizeBytes } from '../../size.js'
import { isOutOfMemory, type DuckDBHandle } from './handle.js'
import { refreshDerived } from './derive/materialize.js'
import { slowGroupEvents } from './derive/from-log.js'

/**
 * The background refresh of the derived tables runs when appends pause for REFRESH_QUIET_MS (or
 * twice the last refresh's duration, if longer), and at the latest REFRESH_MAX_LAG_MS (or ten
 * times the last refresh's duration, if longer) after the first append it has not covered: under
 * sustained ingest it takes at most about a tenth of the time from the writer, even when a fill of
 * history makes each refresh re-derive most persons. Reports still refresh first when they need to.
 */
const REFRESH_QUIET_MS = 1000
const REFRESH_MAX_LAG_MS = 10_000
const REFRESH_MAX_SHARE = 10
/** Tries of a refresh that runs out of memory (see derive()). */
const OOM_TRIES = 3

/**
 * Keeps the derived tables (materialize.ts) up to date with the log on the `derived`
 * connection: in the background when appends pause (see REFRESH_QUIET_MS), and before every
 * report that would otherwise miss committed events (`current()`) — a report always sees every
 * event acknowledged before it was asked for.
 */
export class DuckDBDerivation implements Derivation {
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
  private readonly closing = new AbortController()
  /** The refresh running now and the appends it covers. */
  private running: { appends: number; done: Promise<unknown> } | null = null
  /** Appends not yet derived, oldest first: [its number, events committed before it, when]. */
  private underived: [append: number, eventsBefore: number, at: number][] = []
  private appendedEvents = 0
  /** Inside asOf(): the appends committed when the report was asked. */
  private readonly asked = new AsyncLocalStorage<number>()

  /** Events per group of the slow path, scaled by the memory limit (from-log.ts slowGroupEvents). */
  private readonly slowGroup: number

  constructor(
    private readonly db: DuckDBHandle,
    private readonly options: StoreOptions = {},
  ) {
    this.slowGroup = slowGroupEvents(sizeBytes(db.memoryLimit))
  }

  refresh(): Promise<RefreshResult | null> {
    return this.derive(false)
  }

  rebuild(): Promise<RefreshResult> {
    return this.derive(true) as Promise<RefreshResult>
  }

  asOf<T>(read: () => Promise<T>): Promise<T> {
    return this.asked.run(this.appends, read)
  }

  /**
   * Resolves once the derived tables include every append committed before the call (inside
   * asOf(): before the report was asked). Waits for the refresh running now when it covers them,
   * else for the next one.
   */
  async current(): Promise<void> {
    const needed = this.asked.getStore() ?? this.appends
    if (this.derivedAppends >= needed) return
    const running = this.running
    if (running !== null && running.appends >= needed) {
      await running.done
      if (this.derivedAppends >= needed) return
    }
    await this.derive(false)
  }

  /** Told after each committed append of `events` rows: the tables are behind until the next refresh. */
  noteAppend(events = 1): void {
    this.appends++
    this.underived.push([this.appends, this.appendedEvents, Date.now()])
    this.appendedEvents += events
    this.scheduleRefresh()
  }

  lag(): { events: number; seconds: number } {
    const oldest = this.underived[0]
    if (oldest === undefined) return { events: 0, seconds: 0 }
    const [, eventsBefore, at] = oldest
    return { events: this.appendedEvents - eventsBefore, seconds: (Date.now() - at) / 1000 }
  }

  /**
   * Stops scheduling refreshes and stops the running one: it rolls back at its next range or step
   * (its statement running now is interrupted), and the next start derives those events — a
   * SIGTERM does not wait for a refresh of a long backlog (92 s measured after an overload run).
   */
  async close(): Promise<void> {
    this.closed = true
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.refreshTimer = null
    if (this.running !== null) {
      this.closing.abort(new Error('the store is closing: the refresh stopped; the next start derives these events'))
      this.db.derived.interrupt()
    }
    await this.chain
  }

  /**
   * Brings the derived tables up to date (everything with `full`); null when they already were.
   * Calls queue behind each other; a queued call finding the tables current returns at once.
   */
  private derive(full: boolean): Promise<RefreshResult | null> {
    const run = async () => {
      const appends = this.appends
      if (!full && this.derivedAppends === appends) return null
      this.db.assertSound()
      const attempt = async (): Promise<RefreshResult> => {
        const t0 = performance.now()
        return refreshDerived(this.db.derived, { full, progress: (e) => this.options.onDerive?.(e), memoryLock: () => this.db.memoryLock(), signal: this.closing.signal, slowGroup: this.slowGroup })
          .catch((err: unknown) => this.db.commitFailed(err))
          .catch((err: unknown) => {
            if (!this.closing.signal.aborted) this.options.onDerive?.({ phase: 'failed', full, message: (err as Error).message, ms: Math.round(performance.now() - t0) })
            throw err
          })
      }
      // A refresh that runs out of memory (ingest's and reports' statements share the limit) is
      // tried again: a long one commits its steps and slow-path groups, so each try goes on from
      // where the last one stopped.
      const tries = async (): Promise<RefreshResult> => {
        for (let i = 1; ; i++) {
          try {
            return await attempt()
          } catch (err) {
            if (full || i >= OOM_TRIES || this.closing.signal.aborted || !isOutOfMemory(err)) throw err
          }
        }
      }
      const done = tries()
      this.running = { appends, done: done.catch(() => undefined) }
      let result: RefreshResult
      try {
        result = await done
      } finally {
        this.running = null
      }
      this.derivedAppends = appends
      this.lastRefreshMs = result.ms
      while (this.underived.length > 0 && this.underived[0]![0] <= appends) this.underived.shift()
      if (result.kind !== 'none') {
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
    const due = Math.min(now + Math.max(REFRESH_QUIET_MS, 2 * this.lastRefreshMs), this.pendingSince + Math.max(REFRESH_MAX_LAG_MS, REFRESH_MAX_SHARE * this.lastRefreshMs))
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null
      // A failure here surfaces on the next report, which retries the refresh.
      this.derive(false).catch(() => undefined)
    }, Math.max(0, due - now))
    this.refreshTimer.unref()
  }
}
