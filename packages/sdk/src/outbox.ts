import type { WireEvent } from '@trackway/protocol'
import { LIMITS } from '@trackway/protocol'
import type { Config } from './options.js'
import { noop, type Deps } from './env.js'
import type { Entry, Store } from './store.js'
import { backoff } from './backoff.js'
import { pack, post } from './transport.js'
import { DEBUG } from './debug.js'

/**
 * Key of a queued event: `q:v1:<site>:<event id>`, one key per event. `v1` versions the stored
 * shape (a later SDK can read or migrate old keys instead of misreading them); the site keeps two
 * Trackway sites on one origin apart. The value is the event exactly as it goes on the wire.
 */
export const QUEUE_PREFIX = 'q:v1:'

/** Web Locks name: one sending tab per origin. */
export const LOCK = 'trackway-send'

/**
 * The outbox: the queue of events (in memory, so it can be sent synchronously on `pagehide`,
 * written through to storage) and the sender that empties it. See ARCHITECTURE.md for the state
 * machine.
 */
export interface Outbox {
  /** Queues an event (in storage with the next coalesced write); sends when a batch is full, else within `flushIntervalMs`. */
  add(event: WireEvent): void
  /** Adopts the events of its site storage held at page load (earlier page loads, other tabs); called once, before any `add`. */
  load(entries: Entry[]): void
  /** Stores a value with the next coalesced write: `undefined` deletes the key, the key `null` deletes everything. */
  put(key: string | null, value?: unknown): void
  /** Forgets every queued event, and everything stored — of every site (opt-out). */
  clear(): void
  /** Sends now, unless offline or a retry wait is running; resolves when the attempt is over. Never rejects. */
  flush(): Promise<void>
  /** The page may be going away: hand what is queued to the browser; it stays queued until acknowledged. */
  beacon(): void
  /** Back online: retry now. */
  online(): void
}

/**
 * Builds the outbox over the store `opened` resolves to (the one the first read chose).
 *
 * Writes are coalesced: the puts and deletes of one task become one transaction, issued in a
 * microtask — so `track()` does no storage work itself, a burst of calls costs one transaction, and
 * an event is in IndexedDB well within 100 ms. IndexedDB runs read-write transactions on one store
 * in creation order, so puts and deletes land in order. A failed write (quota) is logged; the
 * events stay in memory and are still sent.
 */
export const createOutbox = (
  config: Config,
  deps: Deps,
  opened: Promise<Store>,
  allowed: () => boolean,
  log: (...a: unknown[]) => void,
): Outbox => {
  const { fetch, now, random } = deps
  const nav = deps.win.navigator
  const url = `${config.endpoint}/v1/batch`
  const prefix = `${QUEUE_PREFIX}${config.site}:`
  let events: WireEvent[] = []
  /** Events of this tab's request in flight: marked, never deleted, until a 2xx names them. */
  const inFlight = new WeakSet<WireEvent>()
  /** Events already handed to `sendBeacon` during this page load. */
  const beaconed = new WeakSet<WireEvent>()
  let changes: Entry[] | undefined
  let written: Promise<unknown>
  let dropped = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let sending: Promise<void> | undefined
  let attempt = 0
  let retryAt = 0

  const put = (key: string | null, value?: unknown) => {
    if (!changes) {
      const batch: Entry[] = (changes = [])
      written = opened.then((store) => ((changes = undefined), store.write(batch))).catch(DEBUG ? log : noop)
    }
    changes.push([key, value])
  }
  const remove = (list: readonly WireEvent[]) => {
    const gone = new Set(list)
    events = events.filter((e) => !gone.has(e))
    gone.forEach((e) => put(prefix + e.id))
  }
  const pending = () => events.filter((e) => !inFlight.has(e))

  const arm = (ms = config.flushIntervalMs) => {
    timer ??= setTimeout(() => {
      timer = undefined
      run()
    }, ms)
  }
  /** Sends now when a batch is full (and no retry wait runs), else within `flushIntervalMs`. */
  const queued = () => {
    // Bounded memory (SPEC §1.4): beyond `maxQueue` the oldest events go, and are counted.
    const over = events.length - config.maxQueue
    if (over > 0) {
      if (DEBUG) log('full', over, (dropped += over))
      remove(events.slice(0, over))
    }
    if (events.length >= config.batchSize && now() >= retryAt) run()
    else if (events[0]) arm()
  }

  /** Sends batches until the queue is empty or a request must be retried. Holds the send lock. */
  const drain = async () => {
    for (;;) {
      // Every event is in storage before it is first sent. Read after `opened`: the events made
      // while storage was being read are queued (and being written) by then.
      await opened.then(() => written)
      const list = pending()
      if (!list[0] || !allowed() || nav.onLine === false) return
      const [batch, body] = pack(config.site, list, config.batchSize, now())
      batch.forEach((e) => inFlight.add(e))
      const outcome = await post(fetch, url, body, log)
      batch.forEach((e) => inFlight.delete(e))
      if (outcome >= 0) {
        const wait = backoff(++attempt, outcome, random)
        retryAt = now() + wait
        clearTimeout(timer)
        timer = undefined
        return arm(wait)
      }
      attempt = 0
      remove(batch)
    }
  }

  /** One send cycle at a time per tab; across tabs, the one holding the Web Lock sends. */
  const run = (): Promise<void> =>
    (sending ||= (async () => {
      try {
        // No lock: another tab is sending; look again later. Without Web Locks, or when the request
        // is refused (opaque origins throw SecurityError), send anyway: the collector dedups by id.
        await (nav.locks?.request(LOCK, { ifAvailable: true }, (lock) => (lock ? drain() : arm())).catch(drain) ?? drain())
      } catch (e) {
        if (DEBUG) log(e)
      }
      sending = undefined
      // An event queued after the last round (by a microtask of the page) must not wait for the next `add`.
      if (pending()[0] && allowed()) arm()
    })())

  return {
    add(event) {
      events.push(event)
      put(prefix + event.id, event)
      queued()
    },
    load(entries) {
      // Every key this SDK writes is a string.
      for (const [key, value] of entries as [string, WireEvent][]) if (key.startsWith(prefix)) events.push(value)
      events.sort((a, b) => a.ts - b.ts)
      queued()
    },
    put,
    clear() {
      events = []
      put(null)
    },
    flush: () => (now() < retryAt ? Promise.resolve() : run()),
    beacon() {
      const list = pending().filter((e) => !beaconed.has(e))
      if (!list[0] || !allowed()) return
      // Size hack: one request with as many events as fit the keepalive quota, not a loop of
      // beacons; the rest stay queued for the next page load like every beaconed event does.
      const [batch, body] = pack(config.site, list, LIMITS.maxBatchEvents, now())
      // `false`: the browser refused (its beacon quota is used up); the events stay queued anyway.
      // Size hack: no keepalive-fetch fallback — every browser that runs this ES2021 bundle has
      // `sendBeacon`; without it (a test double) there is just no beacon.
      if (nav.sendBeacon?.(url, body)) batch.forEach((e) => beaconed.add(e))
    },
    online() {
      retryAt = 0
      run()
    },
  }
}
