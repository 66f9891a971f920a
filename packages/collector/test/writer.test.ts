import { describe, expect, it } from 'vitest'
import pino from 'pino'
import { IngestWriter } from '../src/ingest/writer.js'
import { Metrics } from '../src/metrics.js'
import { eventKey, type EventLog, type EventRow } from '../src/store/event-log.js'
import { row } from './fixtures/rows.js'

/** An in-memory event log: the writer's collaborator, swapped in without mocks. */
function memoryStore(opts: { failAppend?: boolean; shared?: boolean } = {}) {
  const stored = new Map<string, EventRow>()
  const commits: number[] = []
  /** Rows the writer found stored and handed to append (a shared log derives their persons again). */
  const restated: EventRow[] = []
  const store: ConstructorParameters<typeof IngestWriter>[0] & Pick<EventLog, 'count' | 'ping'> = {
    exclusive: !opts.shared,
    append: async (rows: readonly EventRow[], found: readonly EventRow[] = []) => {
      if (opts.failAppend) throw new Error('disk full')
      commits.push(rows.length)
      restated.push(...found)
      for (const r of rows) stored.set(eventKey(r.site, r.id), r)
    },
    findStored: async (keys: readonly { site: string; id: string }[]) =>
      new Set(keys.map((k) => eventKey(k.site, k.id)).filter((k) => stored.has(k))),
    scanKeys: async (_since: number, onPage: (keys: { key: string; receivedAt: number }[]) => void) =>
      onPage([...stored.values()].map((r) => ({ key: eventKey(r.site, r.id), receivedAt: r.receivedAt }))),
    count: async () => stored.size,
    ping: async () => undefined,
  }
  return { store, stored, commits, restated }
}

const log = pino({ level: 'silent' })
const opts = { groupCommitMs: 5, groupCommitEvents: 1000, maxPendingEvents: 100, dedupWindowMs: 86_400_000 }

describe('IngestWriter', () => {
  it('commits many concurrent requests in one transaction', async () => {
    const { store, commits } = memoryStore()
    const w = new IngestWriter(store, opts, log, new Metrics())
    const results = await Promise.all(Array.from({ length: 10 }, () => w.submit([row(), row()])))
    expect(results.every((r) => r.accepted === 2 && r.duplicates === 0)).toBe(true)
    expect(commits).toEqual([20])
    await w.stop()
  })

  it('knows ids stored before a restart, without a store lookup for them or for new ids', async () => {
    const mem = memoryStore()
    const first = new IngestWriter(mem.store, opts, log, new Metrics())
    const old = row()
    await first.submit([old])
    await first.stop()
    const metrics = new Metrics()
    const second = new IngestWriter(mem.store, opts, log, metrics)
    expect(await second.submit([old, row()])).toEqual({ accepted: 1, duplicates: 1 })
    // The filter reloaded at start holds `old` exactly, and the Bloom filter rules the new id out.
    expect(metrics.get('trackway_dedup_store_checks_total')).toBe(0)
    await second.stop()
  })

  it('asks the store about a key the Bloom filter may hold, and trusts its answer', async () => {
    const mem = memoryStore()
    const first = new IngestWriter(mem.store, opts, log, new Metrics())
    const old = row()
    await first.submit([old])
    await first.stop()
    const metrics = new Metrics()
    const second = new IngestWriter(mem.store, { ...opts, recentIds: 0 }, log, metrics)
    expect(await second.submit([old])).toEqual({ accepted: 0, duplicates: 1 })
    expect(metrics.get('trackway_dedup_store_checks_total')).toBe(1)
    await second.stop()
  })

  it('asks a shared log about every key it does not know as stored: another collector may have stored it', async () => {
    const mem = memoryStore({ shared: true })
    const metrics = new Metrics()
    const w = new IngestWriter(mem.store, opts, log, metrics)
    await w.start()
    const elsewhere = row()
    await mem.store.append([elsewhere]) // stored by another collector after this one loaded its filter
    const fresh = row()
    expect(await w.submit([elsewhere, fresh])).toEqual({ accepted: 1, duplicates: 1 })
    expect(metrics.get('trackway_dedup_store_checks_total')).toBe(2)
    expect(mem.restated.map((r) => r.id)).toEqual([elsewhere.id])
    // its own commit it knows exactly: a retry needs no lookup
    expect(await w.submit([fresh])).toEqual({ accepted: 0, duplicates: 1 })
    expect(metrics.get('trackway_dedup_store_checks_total')).toBe(2)
    await w.stop()
  })

  it('commits several groups at once on a shared log, one at a time on an exclusive one', async () => {
    for (const [shared, most] of [[true, 3], [false, 1]] as const) {
      const mem = memoryStore({ shared })
      let running = 0
      let peak = 0
      const slow = mem.store.append
      mem.store.append = async (rows, found) => {
        peak = Math.max(peak, ++running)
        await new Promise((r) => setTimeout(r, 30))
        running--
        return slow(rows, found)
      }
      const w = new IngestWriter(mem.store, { ...opts, groupCommitMs: 1, concurrentFlushes: 3 }, log, new Metrics())
      const requests = []
      for (let i = 0; i < 6; i++) {
        requests.push(w.submit([row()]))
        await new Promise((r) => setTimeout(r, 5))
      }
      expect((await Promise.all(requests)).every((r) => r.accepted === 1)).toBe(true)
      expect(peak, shared ? 'shared' : 'exclusive').toBe(most)
      await w.stop()
    }
  })

  it('rejects every request of a failed commit and remembers none of its ids', async () => {
    const failing = memoryStore({ failAppend: true })
    const w = new IngestWriter(failing.store, opts, log, new Metrics())
    const r = row()
    await expect(w.submit([r])).rejects.toMatchObject({ statusCode: 503 })
    await w.stop()
    const healthy = memoryStore()
    const w2 = new IngestWriter(healthy.store, opts, log, new Metrics())
    expect(await w2.submit([r])).toEqual({ accepted: 1, duplicates: 0 })
    await w2.stop()
  })

  it('answers 503 overloaded instead of queueing without bound', async () => {
    const { store } = memoryStore()
    const w = new IngestWriter(store, { ...opts, maxPendingEvents: 3 }, log, new Metrics())
    const a = w.submit([row(), row(), row()])
    await expect(w.submit([row()])).rejects.toMatchObject({ statusCode: 503, code: 'OVERLOADED' })
    await a
    await w.stop()
  })

  it('counts a group being committed against the bound, until its commit returns', async () => {
    const { store } = memoryStore()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = { ...store, append: async (rows: readonly EventRow[], found?: readonly EventRow[]) => (await gate, store.append(rows, found)) }
    const w = new IngestWriter(slow, { ...opts, groupCommitMs: 0, maxPendingEvents: 4 }, log, new Metrics())
    const first = w.submit([row(), row(), row()])
    await new Promise((r) => setTimeout(r, 20)) // the group of 3 is committing now, nothing waits
    expect(w.queued).toBe(3)
    await expect(w.submit([row(), row()])).rejects.toMatchObject({ statusCode: 503, code: 'OVERLOADED' })
    const fits = w.submit([row()])
    release()
    expect(await first).toEqual({ accepted: 3, duplicates: 0 })
    expect(await fits).toEqual({ accepted: 1, duplicates: 0 })
    await w.stop()
    expect(w.queued).toBe(0)
    await w.stop()
  })

  it('commits what is queued when stopped, then refuses new work', async () => {
    const { store, stored } = memoryStore()
    const w = new IngestWriter(store, { ...opts, groupCommitMs: 10_000 }, log, new Metrics())
    const pending = w.submit([row(), row()])
    await w.stop()
    expect(await pending).toEqual({ accepted: 2, duplicates: 0 })
    expect(stored.size).toBe(2)
    await expect(w.submit([row()])).rejects.toMatchObject({ statusCode: 503 })
  })
})
