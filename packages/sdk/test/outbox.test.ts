import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '@trackway/protocol'
import { createOutbox } from '../src/outbox.js'
import { resolveOptions } from '../src/options.js'
import { idbStore, memoryStore, type Entry, type Store } from '../src/store.js'
import { ENDPOINT, fakeWindow, freshIndexedDB, settle, testDeps } from './fixtures/browser.js'
import { recordingFetch } from './fixtures/tracker.js'

const event = (id: string, ts = 1): WireEvent => ({ id, type: 'custom', name: id, ts, anonymousId: 'a', url: 'https://shop.test/' })

/** A store that counts its transactions. */
const counting = (store: Store) => {
  const writes: Entry[][] = []
  return { writes, store: { all: () => store.all(), write: (c: Entry[]) => (writes.push(c), store.write(c)) } }
}

/** An outbox over `store` whose requests are recorded; consent is granted unless `allowed` says no. */
const outbox = (store: Store, options: { maxQueue?: number; batchSize?: number } = {}, allowed = () => true) => {
  const sent = recordingFetch()
  const logs: unknown[][] = []
  const deps = testDeps({ fetch: sent.fetch, log: (...a) => logs.push(a), win: fakeWindow() })
  const config = resolveOptions({ site: 'shop', endpoint: ENDPOINT, flushIntervalMs: 60_000, ...options })
  return { box: createOutbox(config, deps, Promise.resolve(store), allowed, deps.log), logs, ...sent }
}
const keys = async (store: Store) => (await store.all()).map(([k]) => k).sort()

beforeEach(() => {
  freshIndexedDB()
})

describe('outbox', () => {
  it('coalesces the writes of one task into one transaction, under versioned keys', async () => {
    const { store, writes } = counting(idbStore())
    const { box } = outbox(store)
    box.add(event('e1'))
    box.add(event('e2'))
    box.put('s:v1:userId', 'u')
    expect(writes).toEqual([])
    await settle()
    expect(writes).toHaveLength(1)
    expect(await keys(idbStore())).toEqual(['q:v1:shop:e1', 'q:v1:shop:e2', 's:v1:userId'])
  })

  it('deletes an event from storage only once a 2xx acknowledged it', async () => {
    const store = memoryStore()
    const { box, events } = outbox(store)
    box.add(event('a'))
    box.add(event('b'))
    await settle()
    expect(await keys(store)).toEqual(['q:v1:shop:a', 'q:v1:shop:b'])
    await box.flush()
    await settle()
    expect(events().map((e) => e.id)).toEqual(['a', 'b'])
    expect(await keys(store)).toEqual([])
  })

  it('adopts the stored events of its own site on load, oldest first', async () => {
    const { box, events } = outbox(memoryStore())
    box.load([
      ['q:v1:shop:new', event('new', 5)],
      ['q:v1:shop:old', event('old', 1)],
      ['q:v1:blog:other', event('other', 2)],
      ['s:v1:userId', 'u'],
    ])
    await box.flush()
    expect(events().map((e) => e.id)).toEqual(['old', 'new'])
  })

  it('keeps at most maxQueue events: the oldest go, here and in storage, and are counted', async () => {
    const store = memoryStore()
    const { box, logs, events } = outbox(store, { maxQueue: 2 })
    for (const id of ['a', 'b', 'c', 'd']) box.add(event(id))
    await settle()
    expect(await keys(store)).toEqual(['q:v1:shop:c', 'q:v1:shop:d'])
    expect(logs).toEqual([
      ['full', 1, 1],
      ['full', 1, 2],
    ])
    await box.flush()
    expect(events().map((e) => e.id)).toEqual(['c', 'd'])
  })

  it('clear() forgets every queued event and everything stored, of every site', async () => {
    const store = memoryStore(new Map<IDBValidKey, unknown>([['q:v1:blog:x', event('x')], ['s:v1:userId', 'u']]))
    const { box, events } = outbox(store)
    box.add(event('a'))
    box.clear()
    box.put('s:v1:consent', 'denied')
    await settle()
    expect(await keys(store)).toEqual(['s:v1:consent'])
    await box.flush()
    expect(events()).toEqual([])
  })

  it('sends nothing without consent, and keeps the queue', async () => {
    const store = memoryStore()
    const { box, events } = outbox(store, {}, () => false)
    box.add(event('a'))
    await box.flush()
    await settle()
    expect(events()).toEqual([])
    expect(await keys(store)).toEqual(['q:v1:shop:a'])
  })

  it('sends a full batch at once, in batches of batchSize', async () => {
    const { box, batches } = outbox(memoryStore(), { batchSize: 2 })
    for (const id of ['a', 'b', 'c']) box.add(event(id))
    await settle()
    expect(batches.map((b) => b.events.map((e) => e.id))).toEqual([['a', 'b'], ['c']])
  })
})
