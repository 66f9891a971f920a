import 'fake-indexeddb/auto'
import { IDBTransaction } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { idbStore, memoryStore } from '../src/store.js'
import { freshIndexedDB } from './fixtures/browser.js'

beforeEach(() => {
  freshIndexedDB()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('store', () => {
  it('applies puts, deletes and a clear in order, in one transaction', async () => {
    const store = idbStore()
    await store.write([
      ['q:v1:shop:a', { id: 'a' }],
      ['s:v1:userId', 'u'],
    ])
    await store.write([
      ['q:v1:shop:a', undefined],
      ['q:v1:shop:b', { id: 'b' }],
    ])
    expect(await store.all()).toEqual([
      ['q:v1:shop:b', { id: 'b' }],
      ['s:v1:userId', 'u'],
    ])
    await store.write([[null, undefined], ['s:v1:consent', 'denied']])
    expect(await store.all()).toEqual([['s:v1:consent', 'denied']])
  })

  it('commits a write at once, not a round trip later: a tab closed meanwhile would abort it', async () => {
    const commit = vi.spyOn(IDBTransaction.prototype, 'commit')
    await idbStore().write([['q:v1:shop:a', { id: 'a' }]])
    expect(commit).toHaveBeenCalledOnce()
  })

  it('rejects, never throws, without IndexedDB (the tracker then queues in memory)', async () => {
    // @ts-expect-error: a browser without IndexedDB
    delete globalThis.indexedDB
    const store = idbStore()
    await expect(store.all()).rejects.toThrow()
    await expect(store.write([['k', 1]])).rejects.toThrow()
  })

  it('has a memory twin with the same semantics', async () => {
    const store = memoryStore()
    await store.write([['a', 1], ['b', 2], ['a', undefined]])
    expect(await store.all()).toEqual([['b', 2]])
    await store.write([[null, undefined], ['c', 3]])
    expect(await store.all()).toEqual([['c', 3]])
  })
})
