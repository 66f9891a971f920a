import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { computeOverview } from '../src/core/overview.js'
import type { EventRow } from '../src/store/types.js'
import { prng, row } from './fixtures/rows.js'
import { tempDir } from './fixtures/helpers.js'

const DAY = 86_400_000
const START = Date.UTC(2026, 0, 1)

/** Messy traffic: bots, persons on two devices, signups mid-history, orders reported twice, tied times. */
function generate(seed: number, persons: number): EventRow[] {
  const rand = prng(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const out: EventRow[] = []
  for (let p = 0; p < persons; p++) {
    const devices = rand() < 0.2 ? [`a${p}-phone`, `a${p}-laptop`] : [`a${p}`]
    const user = rand() < 0.4 ? `user-${p}` : null
    const isBot = rand() < 0.05
    for (const anon of devices) {
      let t = START + Math.floor(rand() * 20 * DAY)
      const n = 1 + Math.floor(rand() * 8)
      for (let i = 0; i < n; i++) {
        t += rand() < 0.1 ? 0 : Math.floor(rand() * 3 * 3_600_000) // some ties in t
        const type = pick(['pageview', 'pageview', 'pageview', 'cart_add', 'purchase', 'signup', 'identify', 'custom'] as const)
        const withUser = (type === 'signup' || type === 'identify') && user !== null
        const orderId = type === 'purchase' ? `o-${p}-${Math.floor(rand() * 2)}` : null
        out.push(
          row({
            id: `e${seed}-${p}-${anon}-${i}`,
            site: 'agree',
            anonymousId: anon,
            userId: withUser || (user !== null && rand() < 0.2) ? user : null,
            type: type === 'signup' && user === null ? 'pageview' : type,
            t,
            orderId,
            revenue: orderId ? Math.round(rand() * 10000) / 100 : null,
            isBot,
            name: type === 'custom' ? 'x' : null,
          }),
        )
      }
    }
  }
  return out
}

describe('overview: pure function and DuckDB SQL agree', () => {
  let store: DuckDBStore
  let cleanup: () => Promise<void>
  const events = generate(7, 400)

  beforeAll(async () => {
    const d = await tempDir()
    cleanup = d.cleanup
    store = new DuckDBStore(join(d.dir, 'agree.duckdb'))
    await store.init()
    await store.appendEvents(events)
  })
  afterAll(async () => {
    await store.close()
    await cleanup()
  })

  it.each([
    ['one day', START + 5 * DAY, START + 6 * DAY],
    ['a week', START + 3 * DAY, START + 10 * DAY],
    ['everything', START - DAY, START + 40 * DAY],
    ['an empty range', START - 10 * DAY, START - 9 * DAY],
  ])('on %s', async (_name, fromMs, toMs) => {
    const sql = await store.overview('agree', { fromMs, toMs })
    const pure = computeOverview(events, { fromMs, toMs })
    expect({ ...sql, revenue: Math.round(sql.revenue * 100) }).toEqual({ ...pure, revenue: Math.round(pure.revenue * 100) })
  })

  it('is about data that exercises the rules', () => {
    const all = computeOverview(events, { fromMs: START - DAY, toMs: START + 40 * DAY })
    expect(all.visitors).toBeGreaterThan(100)
    expect(all.orders).toBeGreaterThan(50)
    expect(all.signups).toBeGreaterThan(10)
  })
})
