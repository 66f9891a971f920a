import 'fake-indexeddb/auto'
import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Options } from '../src/options.js'
import { createTracker } from '../src/tracker.js'
import type { Locks } from '../src/env.js'
import { ENDPOINT, collector, fakeWindow, freshIndexedDB, settle, storedKeys, testDeps, until } from './fixtures/browser.js'

const c = collector()
beforeAll(() => c.server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => c.server.close())
beforeEach(() => {
  freshIndexedDB()
  c.reset()
  // Only the SDK's timers and clock: fake-indexeddb and msw keep running on real setImmediate.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  c.server.resetHandlers()
  vi.useRealTimers()
})

/** A tracker on a fake page, sending with the real (msw-intercepted) fetch. */
const start = (options: Partial<Options> = {}, over: Parameters<typeof testDeps>[0] = {}) => {
  const deps = testDeps(over)
  const api = createTracker({ site: 'shop', endpoint: ENDPOINT, debug: true, autoPageviews: false, ...options }, deps)
  return { api, deps }
}
const queued = async () => (await storedKeys()).filter((k) => k.startsWith('q:v1:'))
const names = () => c.events().map((e) => e.name ?? e.type)

describe('delivery', () => {
  it('writes a tracked event to IndexedDB within 100 ms, before sending it', async () => {
    const t = start()
    t.api.track('a')
    t.api.track('b')
    await settle()
    expect(await queued()).toHaveLength(2)
    expect(c.received).toEqual([])
  })

  it('sends the queue of a previous page load (a reload) and empties it', async () => {
    const first = start({ flushIntervalMs: 60_000 })
    first.api.track('a')
    vi.advanceTimersByTime(1) // the queue is ordered by ts; ties have no order
    first.api.track('b')
    await settle()
    // The page goes away before its flush timer fires.
    const second = start({ autoPageviews: true }, { win: fakeWindow('https://shop.test/next') })
    await second.api.flush()
    expect(names()).toEqual(['a', 'b', 'pageview'])
    expect(c.received[0].contentType).toBe('text/plain;charset=UTF-8')
    expect(await queued()).toEqual([])
  })

  it('flushes on its own after flushIntervalMs, and at once when a batch is full', async () => {
    const t = start({ batchSize: 3, flushIntervalMs: 5000 })
    t.api.track('a')
    await settle()
    await vi.advanceTimersByTimeAsync(4900)
    expect(c.received).toEqual([])
    await vi.advanceTimersByTimeAsync(200)
    await until(() => c.received.length == 1)
    t.api.track('b')
    t.api.track('c')
    t.api.track('d')
    await until(() => c.received.length == 2)
    expect(c.received.map((r) => r.events.length)).toEqual([1, 3])
  })

  it('splits the queue into batches of batchSize', async () => {
    const t = start({ batchSize: 3, flushIntervalMs: 60_000 })
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) t.api.track(n)
    await t.api.flush()
    await until(() => c.events().length == 7)
    expect(c.received.map((r) => r.events.map((e) => e.name))).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']])
    expect(await queued()).toEqual([])
  })

  it('keeps the batch on 503 and retries after Retry-After', async () => {
    let overloaded = true
    c.answer((b) =>
      overloaded
        ? HttpResponse.json({ error: { code: 'overloaded', message: 'try later' } }, { status: 503, headers: { 'Retry-After': '7' } })
        : HttpResponse.json({ accepted: b.events.length, duplicates: 0, rejected: [] }),
    )
    const t = start()
    t.api.track('a')
    await t.api.flush()
    expect(c.received).toHaveLength(1)
    expect(await queued()).toHaveLength(1)

    // Retry-After 7 s, plus up to 1 s of jitter (random() is 0.5 here): nothing before.
    await t.api.flush()
    await vi.advanceTimersByTimeAsync(7000)
    expect(c.received).toHaveLength(1)
    overloaded = false
    await vi.advanceTimersByTimeAsync(600)
    await until(() => c.received.length == 2)
    expect(c.received[1].events.map((e) => e.id)).toEqual(c.received[0].events.map((e) => e.id))
    await settle()
    expect(await queued()).toEqual([])
  })

  it('retries network errors with jittered exponential backoff', async () => {
    let down = true
    c.server.use(http.post(`${ENDPOINT}/v1/batch`, () => (down ? HttpResponse.error() : undefined)))
    const t = start()
    t.api.track('a')
    await t.api.flush()
    // random() = 0.5: 0.75 × (1 s, 2 s, 4 s, …)
    await vi.advanceTimersByTimeAsync(750)
    await vi.advanceTimersByTimeAsync(1500)
    await settle()
    expect(t.deps.logs.filter((l) => l[0] instanceof Error || String(l[0]).includes('TypeError')).length).toBe(3)
    down = false
    await vi.advanceTimersByTimeAsync(3000)
    await until(() => c.received.length == 1)
    expect(names()).toEqual(['a'])
  })

  it('removes exactly the acknowledged batch: events queued meanwhile stay', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    c.answer(async (b) => {
      await gate
      return HttpResponse.json({ accepted: b.events.length, duplicates: 0, rejected: [] })
    })
    const t = start({ flushIntervalMs: 60_000 })
    t.api.track('a')
    t.api.track('b')
    const sending = t.api.flush()
    await until(() => c.received.length == 1)
    t.api.track('c')
    await settle()
    expect(await queued()).toHaveLength(3)
    release()
    await sending
    await settle()
    expect(c.received[0].events.map((e) => e.name)).toEqual(['a', 'b'])
    // `c` joined the queue while a+b were in flight; the drain sends it next.
    await until(() => c.received.length == 2)
    expect(c.received[1].events.map((e) => e.name)).toEqual(['c'])
  })

  it('drops a batch the collector answers 400, and does not retry it', async () => {
    c.answer(() => HttpResponse.json({ error: { code: 'invalid_batch', message: 'no' } }, { status: 400 }))
    const t = start()
    t.api.track('a')
    await t.api.flush()
    await settle()
    expect(await queued()).toEqual([])
    await vi.advanceTimersByTimeAsync(120_000)
    await settle()
    expect(c.received).toHaveLength(1)
    expect(t.deps.logs).toContainEqual(['http', 400])
  })

  it('logs the events the collector rejected, and removes them with the batch', async () => {
    c.answer(() => HttpResponse.json({ accepted: 1, duplicates: 0, rejected: [{ index: 1, code: 'invalid_event', message: 'bad' }] }))
    const t = start()
    t.api.track('a')
    t.api.track('b')
    await t.api.flush()
    await settle()
    expect(await queued()).toEqual([])
    expect(t.deps.logs).toContainEqual(['rejected', [{ index: 1, code: 'invalid_event', message: 'bad' }]])
  })

  it('pauses while offline and sends when back online', async () => {
    const win = fakeWindow()
    win.navigator.onLine = false
    const t = start({}, { win })
    t.api.track('a')
    await t.api.flush()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(c.received).toEqual([])
    win.navigator.onLine = true
    win.dispatchEvent(new Event('online'))
    await until(() => c.received.length == 1)
    expect(names()).toEqual(['a'])
  })

  it('sends only while holding the Web Lock, so two tabs never send at once', async () => {
    let held = true
    const requested: string[] = []
    const locks: Locks = {
      request: async (name, options, callback) => {
        requested.push(`${name} ${options.ifAvailable}`)
        return callback(held ? null : { name })
      },
    }
    const t = start({}, { win: fakeWindow('https://shop.test/', { navigator: { locks } }) })
    t.api.track('a')
    await t.api.flush()
    expect(c.received).toEqual([])
    expect(requested).toEqual(['trackway-send true'])
    held = false
    await vi.advanceTimersByTimeAsync(5000)
    await until(() => c.received.length == 1)
  })

  it('falls back to sending without the lock when Web Locks refuse (opaque origins) or are missing', async () => {
    const refusing: Locks = { request: () => Promise.reject(new DOMException('no locks here', 'SecurityError')) }
    const t = start({}, { win: fakeWindow('https://shop.test/', { navigator: { locks: refusing } }) })
    t.api.track('a')
    await t.api.flush()
    expect(names()).toEqual(['a'])

    const bare = start({}, { win: fakeWindow('https://shop.test/', { navigator: {} }) })
    bare.api.track('b')
    await bare.api.flush()
    expect(names()).toEqual(['a', 'b'])
  })

  it('holds the lock for the whole send cycle, so a second tab waits for it', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    c.answer(async (b) => {
      await gate
      return HttpResponse.json({ accepted: b.events.length, duplicates: 0, rejected: [] })
    })
    // One origin's Web Locks, shared by two tabs: ifAvailable answers null while it is held.
    let holder: Promise<unknown> | undefined
    const locks: Locks = {
      request: async (_name, _options, callback) => {
        if (holder) return callback(null)
        holder = Promise.resolve(callback({})).finally(() => (holder = undefined))
        return holder
      },
    }
    const tab1 = start({}, { win: fakeWindow('https://shop.test/', { navigator: { locks } }) })
    const tab2 = start({}, { win: fakeWindow('https://shop.test/', { navigator: { locks } }) })
    tab1.api.track('one')
    tab2.api.track('two')
    const sending = tab1.api.flush()
    await until(() => c.received.length == 1)
    await tab2.api.flush() // the lock is held: tab 2 sends nothing now
    expect(c.received).toHaveLength(1)
    release()
    await sending
    await vi.advanceTimersByTimeAsync(5000) // tab 2 looks again after flushIntervalMs
    await until(() => c.received.length == 2)
    expect(c.received.map((r) => r.events.map((e) => e.name))).toEqual([['one'], ['two']])
  })

  it('ends a retry wait when the browser comes back online', async () => {
    let down = true
    c.server.use(http.post(`${ENDPOINT}/v1/batch`, () => (down ? HttpResponse.error() : undefined)))
    const win = fakeWindow()
    const t = start({}, { win })
    t.api.track('a')
    await t.api.flush()
    down = false
    await t.api.flush() // still waiting out the backoff
    expect(c.received).toEqual([])
    win.dispatchEvent(new Event('online'))
    await until(() => c.received.length == 1)
  })

  it('sends from memory when IndexedDB is missing', async () => {
    // @ts-expect-error: a browser without IndexedDB
    delete globalThis.indexedDB
    const t = start()
    t.api.track('a')
    await t.api.flush()
    expect(names()).toEqual(['a'])
    expect(t.deps.logs.some((l) => l[0] == 'memory')).toBe(true)
  })
})
