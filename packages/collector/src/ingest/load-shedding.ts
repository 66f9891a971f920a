import type { FastifyError, FastifyInstance } from 'fastify'
import { Overloaded, RateLimited } from '../errors.js'
import type { Metrics } from '../metrics.js'

export interface SheddingOptions {
  /** Events of ingest requests admitted and not yet answered, at most (SPEC §1.4); above: 503. */
  maxInflightEvents: number
  /** Events per second one site may send (a token bucket); above: 429. 0: no limit. */
  siteEventsPerSecond: number
  /** Seconds of the rate a site may send at once after a quiet period (default 2). */
  burstSeconds?: number
}

/** An error the error handler answers with `Retry-After: retryAfter`. */
export type Shed = FastifyError & { retryAfter: number }

const shed = (err: FastifyError, retryAfter: number): Shed => Object.assign(err, { retryAfter })

/**
 * Load shedding of ingest, before any event is validated, enriched or queued:
 *
 * - a bounded number of events in flight (admitted, not yet answered): past it every request is
 *   answered `503 overloaded` at once. That is what keeps memory flat under overload — the writer's
 *   own bound (pending + committing events) would also hold, but only after parsing and enrichment.
 * - a token bucket per site: a site sending faster than its rate gets `429 rate_limited`, with
 *   `Retry-After` = the seconds until its bucket holds the batch again, so one noisy site cannot
 *   take the whole in-flight budget from the others.
 *
 * Both answers carry Retry-After; SDK clients keep the events and retry (SPEC §8), so shedding loses
 * nothing. `admit` returns the function that releases the request's events when it is answered.
 */
export class LoadShedder {
  private inflight = 0
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private readonly burst: number

  constructor(
    private readonly opts: SheddingOptions,
    private readonly metrics: Metrics,
    private readonly now = () => performance.now(),
  ) {
    this.burst = opts.siteEventsPerSecond * (opts.burstSeconds ?? 2)
  }

  /** Events admitted and not yet released. */
  get inflightEvents(): number {
    return this.inflight
  }

  /**
   * Throws the 503 at once when no request can be admitted now: an onRequest check (before the
   * body is read and parsed) so that under overload shed requests cost almost nothing.
   */
  checkOpen(): void {
    if (this.inflight >= this.opts.maxInflightEvents) {
      this.metrics.inc('trackway_shed_total', 1, { code: 'overloaded' })
      throw shed(new Overloaded('1'), 1)
    }
  }

  /** Admits `events` of `site`, or throws a Shed (429/503); call the result once answered. */
  admit(site: string, events: number): () => void {
    if (this.inflight + events > this.opts.maxInflightEvents) {
      this.metrics.inc('trackway_shed_total', 1, { code: 'overloaded' })
      throw shed(new Overloaded('1'), 1)
    }
    this.take(site, events)
    this.inflight += events
    let released = false
    return () => {
      if (released) return
      released = true
      this.inflight -= events
    }
  }

  private take(site: string, events: number): void {
    const rate = this.opts.siteEventsPerSecond
    if (rate <= 0) return
    const now = this.now()
    const b = this.buckets.get(site) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    this.buckets.set(site, b)
    // a batch larger than the whole burst is admitted when the bucket is full, else it could never pass
    const need = Math.min(events, this.burst)
    if (b.tokens < need) {
      const seconds = Math.max(1, Math.ceil((need - b.tokens) / rate))
      this.metrics.inc('trackway_shed_total', 1, { code: 'rate_limited' })
      throw shed(new RateLimited(site, String(seconds)), seconds)
    }
    b.tokens -= events
  }
}

/**
 * The onRequest hook of every ingest route: when full, shed before the body is even read
 * (parsing 500 events costs more than answering).
 */
export const shedWhenFull = (app: FastifyInstance) => async (): Promise<void> => app.trackway.shedder.checkOpen()
