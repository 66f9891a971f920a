import type { WireEvent } from '@trackway/protocol'
import { LIMITS } from '@trackway/protocol'
import type { Config } from './options.js'
import type { Deps } from './env.js'
import type { Queue } from './queue.js'
import { backoff } from './backoff.js'
import { beacon, pack, post } from './transport.js'

/** Sends the queue; see ARCHITECTURE.md for the state machine. */
export interface Delivery {
  /** Sends now, unless offline or a retry wait is running; resolves when the attempt is over. Never rejects. */
  flush(): Promise<void>
  /** An event was queued: send at once when a batch is full, else within `flushIntervalMs`. */
  queued(): void
  /** The page may be going away: hand what is queued to the browser; it stays queued until acknowledged. */
  beacon(): void
  /** Back online: retry now. */
  online(): void
  /** Cancels the pending timer (opt-out). */
  stop(): void
}

/** Web Locks name: one sending tab per origin. */
const LOCK = 'trackway-send'

export const createDelivery = (
  config: Config,
  deps: Deps,
  queue: Queue,
  allowed: () => boolean,
  log: (...a: unknown[]) => void,
): Delivery => {
  const { fetch, now, random } = deps
  const nav = deps.win.navigator
  const url = `${config.endpoint}/v1/batch`
  /** Events of this tab's request in flight: marked, never deleted, until a 2xx names them. */
  const inFlight = new WeakSet<WireEvent>()
  /** Events already handed to `sendBeacon` during this page load. */
  const beaconed = new WeakSet<WireEvent>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let sending: Promise<void> | undefined
  let attempt = 0
  let retryAt = 0

  const pending = () => queue.list().filter((e) => !inFlight.has(e))

  const arm = (ms = config.flushIntervalMs) => {
    timer ??= setTimeout(() => {
      timer = undefined
      run()
    }, ms)
  }
  const stop = () => {
    clearTimeout(timer)
    timer = undefined
  }

  /** Sends batches until the queue is empty or a request must be retried. Holds the send lock. */
  const drain = async () => {
    for (;;) {
      // Every event is in storage before it is first sent.
      await queue.written()
      const list = pending()
      if (!list[0] || !allowed() || nav.onLine === false) return
      const [batch, body] = pack(config.site, list, config.batchSize, now())
      batch.forEach((e) => inFlight.add(e))
      const outcome = await post(fetch, url, body, log)
      batch.forEach((e) => inFlight.delete(e))
      if (outcome >= 0) {
        const wait = backoff(++attempt, outcome, random)
        retryAt = now() + wait
        stop()
        return arm(wait)
      }
      attempt = 0
      queue.remove(batch)
    }
  }

  /** One send cycle at a time per tab; across tabs, the one holding the Web Lock sends. */
  const run = (): Promise<void> =>
    (sending ||= (async () => {
      try {
        const locks = nav.locks
        // No lock: another tab is sending; look again later. A rejected request (opaque origins
        // throw SecurityError) falls back to sending anyway: the collector dedups by id.
        if (locks) await locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? drain() : arm())).catch(drain)
        else await drain()
      } catch (e) {
        log(e)
      }
      sending = undefined
      if (pending()[0] && allowed()) arm()
    })())

  return {
    flush: () => (now() < retryAt ? Promise.resolve() : run()),
    queued() {
      const n = queue.list().length
      if (n >= config.batchSize && now() >= retryAt) run()
      else if (n) arm()
    },
    beacon() {
      const list = pending().filter((e) => !beaconed.has(e))
      if (!list[0] || !allowed()) return
      // Size hack: one request with as many events as fit the keepalive quota, not a loop of
      // beacons; the rest stay queued for the next page load like every beaconed event does.
      const [batch, body] = pack(config.site, list, LIMITS.maxBatchEvents, now())
      // `false`: the browser refused (its beacon quota is used up); the events stay queued anyway.
      if (beacon(nav, fetch, url, body)) batch.forEach((e) => beaconed.add(e))
    },
    online() {
      retryAt = 0
      run()
    },
    stop() {
      stop()
      retryAt = attempt = 0
    },
  }
}
