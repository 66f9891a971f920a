import { createStore, promisifyRequest } from 'idb-keyval'

/**
 * One stored `[key, value]` pair. In a write, `undefined` as the value deletes the key, and the
 * key `null` deletes every key (opt-out), in order with the other changes.
 */
export type Entry = [IDBValidKey | null, unknown]

/** Where the queue and the identity live between page loads. */
export interface Store {
  /** Every stored pair. */
  all(): Promise<Entry[]>
  /** Applies puts and deletes in one atomic transaction, in order. */
  write(changes: Entry[]): Promise<unknown>
}

/**
 * IndexedDB through idb-keyval, in a database of its own (`trackway`, object store `queue`), so it
 * never shares idb-keyval's default `keyval-store` with the host page. Opens lazily: nothing touches
 * `indexedDB` until the first call, and a missing `indexedDB` rejects (the tracker then falls back
 * to `memoryStore`).
 */
export const idbStore = (): Store => {
  const use = createStore('trackway', 'queue')
  return {
    // `async` turns idb-keyval's synchronous throw (no `indexedDB` global) into a rejection.
    // Size hack: idb-keyval's `entries()` carries a cursor fallback for browsers without
    // getAll/getAllKeys (all predate 2017) and its default store; these two requests are enough.
    all: async () =>
      use('readonly', (store) =>
        Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]).then(([keys, values]) =>
          keys.map((k, i): Entry => [k, values[i]]),
        ),
      ),
    write: async (changes) =>
      use('readwrite', (store) => {
        for (const [k, v] of changes) k == null ? store.clear() : v === undefined ? store.delete(k) : store.put(v, k)
        const done = promisifyRequest(store.transaction)
        // Commit now rather than after a round trip for the requests' success events: a tab closed
        // in that window (measured in Chromium: ~1 in 25 right after a burst of track calls) would
        // abort the transaction, and the events with it.
        store.transaction.commit?.()
        return done
      }),
  }
}

/** A store that lives as long as the page: the fallback without IndexedDB, and a test double. */
export const memoryStore = (map = new Map<IDBValidKey, unknown>()): Store => ({
  all: async () => [...map],
  write: async (changes) => {
    for (const [k, v] of changes) k == null ? map.clear() : v === undefined ? map.delete(k) : map.set(k, v)
  },
})
