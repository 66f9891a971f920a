import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '@trackway/protocol'
import { createQueue } from '../src/queue.js'
import { idbStore, memoryStore, type Entry, type Store } from '../src/store.js'
import { freshIndexedDB, settle } from './fixtures/browser.js'

const event = (id: string, ts = 1): WireEvent => ({ id, type: 'custom', name: id, ts, anonymousId: 'a', url: 'https://shop.test/' })

/** A store that counts its transactions. */
const counting = (store: Store) => {
  const writes: Entry[][] = []
  return { writes, store: { all: () => store.all(), write: (c: Entry[]) => (writes.push(c), store.write(c)) } }
}

beforeEach(() => {
  freshIndexedDB()
})

describe('queue', () => {
  it('coalesces the puts of one task into one transaction, under versioned keys', async () => {
    const { store, writes } = counting(idbStore())
    const queue = createQueue('shop', 100, Promise.resolve(store), () => {})
    queue.add(event('e1'))
    queue.add(event('e2'))
    queue.put('s:v1:userId', 'u')
    expect(writes).toEqual([])
    await queue.written()
    expect(writes).toHaveLength(1)
    expect((await idbStore().all()).map(([k]) => k).sort()).toEqual(['q:v1:shop:e1', 'q:v1:shop:e2', 's:v1:userId'])
  })

  it('removes events here and in storage', async () => {
    const store = memoryStore()
    const queue = createQueue('shop', 100, Promise.resolve(store), () => {})
    const [a, b] = [event('a'), event('b')]
    queue.add(a)
    queue.add(b)
    queue.remove([a])
    await queue.written()
    expect(queue.list()).toEqual([b])
    expect((await store.all()).map(([k]) => k)).toEqual(['q:v1:shop:b'])
  })

  it('adopts stored events of its site on load, oldest first, without duplicates', () => {
    const queue = createQueue('shop', 100, Promise.resolve(memoryStore()), () => {})
    queue.add(event('mine', 5))
    queue.load([
      ['q:v1:shop:old', event('old', 1)],
      ['q:v1:shop:mine', event('mine', 5)],
      ['q:v1:blog:other', event('other', 2)],
      ['s:v1:userId', 'u'],
    ])
    expect(queue.list().map((e) => e.id)).toEqual(['old', 'mine'])
  })

  it('drops the oldest events beyond maxQueue and counts them', async () => {
    const logs: unknown[][] = []
    const store = memoryStore()
    const queue = createQueue('shop', 2, Promise.resolve(store), (...a) => logs.push(a))
    for (const id of ['a', 'b', 'c', 'd']) queue.add(event(id))
    await queue.written()
    expect(queue.list().map((e) => e.id)).toEqual(['c', 'd'])
    expect((await store.all()).length).toBe(2)
    expect(logs.at(-1)).toEqual(['queue full, dropped', 1, 'oldest; in all', 2])
  })

  it('clear() forgets the queues of every site, in memory and in storage', async () => {
    const store = memoryStore(new Map<IDBValidKey, unknown>([['q:v1:blog:x', event('x')], ['s:v1:consent', 'granted']]))
    const queue = createQueue('shop', 10, Promise.resolve(store), () => {})
    queue.add(event('a'))
    queue.clear()
    await settle()
    await queue.written()
    expect(queue.list()).toEqual([])
    expect((await store.all()).map(([k]) => k)).toEqual(['s:v1:consent'])
  })
})
