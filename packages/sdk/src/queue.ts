import type { WireEvent } from '@trackway/protocol'
import type { Entry, Store } from './store.js'

/**
 * Key of a queued event: `q:v1:<site>:<event id>`, one key per event. `v1` versions the stored
 * shape (a later SDK can read or migrate old keys instead of misreading them); the site keeps two
 * Trackway sites on one origin apart. The value is the event exactly as it goes on the wire.
 */
export const QUEUE_PREFIX = 'q:v1:'

/** The event queue: an in-memory list (sendable synchronously on `pagehide`) written through to storage. */
export interface Queue {
  /** Queues an event: in memory now, in storage with the next coalesced write. */
  add(event: WireEvent): void
  /** Every queued event, oldest first. Read-only. */
  list(): readonly WireEvent[]
  /** Forgets events (acknowledged or dropped) here and in storage. */
  remove(events: readonly WireEvent[]): void
  /** Adopts the events storage held at page load (earlier page loads, other tabs). */
  load(entries: Entry[]): void
  /** Forgets every queued event of every site, here and in storage (opt-out). */
  clear(): void
  /** Stores a value (`undefined` deletes) with the next coalesced write. */
  put(key: string, value: unknown): void
  /** Resolves once every write so far is done (or failed: the events stay in memory and are still sent). */
  written(): Promise<unknown>
}

/**
 * Write-behind: the puts of one task become one transaction, issued in a microtask once `opened`
 * (the store chosen after the first read) resolves — so `track()` does no storage work itself, a
 * burst of calls costs one transaction, and an event is in IndexedDB well within 100 ms. IndexedDB
 * runs read-write transactions on one store in creation order, so puts and deletes land in order.
 */
export const createQueue = (site: string, maxQueue: number, opened: Promise<Store>, log: (...a: unknown[]) => void): Queue => {
  const prefix = `${QUEUE_PREFIX}${site}:`
  let events: WireEvent[] = []
  let changes: Entry[] | undefined
  let written: Promise<unknown> = Promise.resolve()
  let dropped = 0

  const put = (key: string, value: unknown) => {
    if (!changes) {
      const batch: Entry[] = (changes = [])
      written = opened.then((store) => ((changes = undefined), store.write(batch))).catch(log)
    }
    changes.push([key, value])
  }
  const remove = (list: readonly WireEvent[]) => {
    const gone = new Set(list)
    events = events.filter((e) => !gone.has(e))
    gone.forEach((e) => put(prefix + e.id, undefined))
  }
  /** Bounded memory (SPEC §1.4): beyond `maxQueue` the oldest events go, and are counted. */
  const trim = () => {
    const over = events.length - maxQueue
    if (over > 0) {
      log('queue full, dropped', over, 'oldest; in all', (dropped += over))
      remove(events.slice(0, over))
    }
  }

  return {
    add(event) {
      events.push(event)
      put(prefix + event.id, event)
      trim()
    },
    list: () => events,
    remove,
    load(entries) {
      const ids = new Set(events.map((e) => e.id))
      for (const [key, value] of entries)
        if (String(key).startsWith(prefix) && !ids.has((value as WireEvent).id)) events.push(value as WireEvent)
      events.sort((a, b) => a.ts - b.ts)
      trim()
    },
    clear() {
      events = []
      opened.then((store) => store.all()).then((entries) => {
        for (const [key] of entries) if (String(key).startsWith(QUEUE_PREFIX)) put(key as string, undefined)
      }, log)
    },
    put,
    // After `opened`: events made before storage was read are queued (and being written) by then.
    written: () => opened.then(() => written),
  }
}
