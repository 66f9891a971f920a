import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DESKTOP_UA, ORIGIN, TOKEN, event, readStore, tempDir } from './fixtures/helpers.js'
import { startCollector } from './fixtures/process.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 'crash.duckdb')
})
afterEach(async () => {
  await dir.cleanup()
})

const args = () => ['--store', `duckdb:${path}`, '--admin-token', TOKEN, '--site', `shop:${ORIGIN}`]

const send = (url: string, events: unknown[]) =>
  fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': DESKTOP_UA, origin: ORIGIN },
    body: JSON.stringify({ site: 'shop', sentAt: Date.now(), events }),
  })

describe('durable acknowledgement (a real collector process)', () => {
  it('loses no acknowledged event when killed with SIGKILL right after a 2xx', async () => {
    const c = await startCollector(args())
    const acked = new Set<string>()
    let killed = false
    // Eight concurrent senders of 50-event batches; the first 2xx after 3000 acknowledged
    // events triggers `kill -9` while other requests are still in flight.
    const sender = async () => {
      while (!killed) {
        const events = Array.from({ length: 50 }, () => event())
        try {
          const res = await send(c.url, events)
          if (res.status !== 200) continue
          const body = (await res.json()) as { accepted: number }
          expect(body.accepted).toBe(50)
          for (const e of events) acked.add(e.id)
          if (acked.size >= 3000 && !killed) {
            killed = true
            c.child.kill('SIGKILL')
          }
        } catch {
          return // connection reset by the kill: those events were never acknowledged
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, sender))
    expect(await c.exited).toBeNull() // killed by a signal, not exited
    const rows = await readStore<{ id: string }>(path, 'SELECT id FROM events')
    const stored = new Set(rows.map((r) => r.id))
    const lost = [...acked].filter((id) => !stored.has(id))
    expect(lost).toEqual([])
    expect(rows.length).toBe(stored.size) // and nothing twice
  })

  it('drains in-flight requests and flushes on SIGTERM', async () => {
    const c = await startCollector(args())
    const events = Array.from({ length: 200 }, () => event())
    const res = await send(c.url, events)
    expect(res.status).toBe(200)
    c.child.kill('SIGTERM')
    expect(await c.exited).toBe(0)
    const [row] = await readStore<{ n: bigint }>(path, 'SELECT count(*) AS n FROM events')
    expect(Number(row!.n)).toBe(200)
    // A restart on the same file still knows them: the same batch is all duplicates.
    const again = await startCollector(args())
    const res2 = await send(again.url, events)
    expect(await res2.json()).toMatchObject({ accepted: 0, duplicates: 200 })
    again.child.kill('SIGTERM')
    await again.exited
  })
})
