import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { EventRow } from '../src/store/event-log.js'
import { tempDir } from './fixtures/helpers.js'
import { dbOf, expectSameAsRebuild, MIN, T0, tables } from './fixtures/derived-tables.js'
import { row } from './fixtures/rows.js'
import { refreshDerived } from '../src/store/duckdb/derive/materialize.js'
import { count } from '../src/store/duckdb/derive/from-log.js'
import type { DeriveEvent } from '../src/store/derivation.js'


/** A small deterministic PRNG (mulberry32): the same data every run. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SITES = ['a', 'b']
const CAMPAIGNS = [
  { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'spring' },
  { utmSource: 'news', utmMedium: 'email', utmCampaign: 'may' },
  { utmSource: 'facebook', utmMedium: 'paid_social', utmCampaign: 'spring' },
]

/**
 * Visitors on two sites: browsers with visits (pageviews, engagement, carts, purchases with order
 * ids reported twice now and then, custom events, campaign landings inside a visit), crawler
 * events, signups and identifies linking browsers to users (some to users of other browsers).
 */
class Traffic {
  readonly browsers: { site: string; anon: string; user: string | null; t: number }[] = []
  private readonly r = rng(7)
  private orders = 0
  private users = 0
  private readonly pick = <T>(xs: readonly T[]) => xs[Math.floor(this.r() * xs.length)]!

  browser(t: number) {
    const b = { site: this.pick(SITES), anon: `anon-${this.browsers.length}`, user: null as string | null, t }
    this.browsers.push(b)
    return b
  }

  /** A visit of `b` starting at `t` (or just after its last event). */
  visit(b: (typeof this.browsers)[number], t = b.t + (this.r() < 0.5 ? 5 * MIN : 3 * 60 * MIN)): EventRow[] {
    const rows: EventRow[] = []
    const base = { site: b.site, anonymousId: b.anon }
    const campaign = this.r() < 0.4 ? this.pick(CAMPAIGNS) : {}
    rows.push(row({ ...base, t, path: '/', referrerDomain: this.r() < 0.3 ? 'www.google.com' : null, ...campaign }))
    for (let i = 1, n = 1 + Math.floor(this.r() * 6); i <= n; i++) {
      const at = t + i * 2 * MIN
      const x = this.r()
      if (x < 0.1) rows.push(row({ ...base, t: at, path: `/p/${i}`, ...this.pick(CAMPAIGNS) }))
      else if (x < 0.35) rows.push(row({ ...base, t: at, type: 'engagement', path: `/p/${i - 1}`, engagedMs: Math.floor(this.r() * 30_000) }))
      else if (x < 0.45) rows.push(row({ ...base, t: at, type: 'cart_add', path: '/cart' }))
      else if (x < 0.5) rows.push(row({ ...base, t: at, type: 'checkout', path: '/checkout' }))
      else if (x < 0.58) {
        const orderId = this.r() < 0.15 && this.orders > 0 ? `o-${Math.floor(this.r() * this.orders)}` : `o-${this.orders++}`
        rows.push(row({ ...base, t: at, type: 'purchase', path: '/thanks', orderId, revenue: 10 + Math.floor(this.r() * 90) }))
      } else if (x < 0.62) rows.push(row({ ...base, t: at, type: 'custom', name: this.pick(['video', 'share']), path: '/' }))
      else if (x < 0.66) {
        // a signup with a new account, or (a second device) an identify as another browser's user
        const other = this.browsers.find((o) => o.site === b.site && o.user !== null && o !== b && this.r() < 0.05)
        const userId = other?.user ?? `u-${this.users++}`
        rows.push(row({ ...base, t: at, type: other ? 'identify' : 'signup', userId, path: '/account' }))
        b.user ??= userId
      } else rows.push(row({ ...base, t: at, path: `/p/${i}`, userId: b.user !== null && this.r() < 0.5 ? b.user : null }))
    }
    if (this.r() < 0.05) rows.push(row({ ...base, t: t + MIN, isBot: true, browser: 'Googlebot', path: '/robots' }))
    b.t = Math.max(b.t, rows.at(-1)!.t)
    return rows
  }
}

/**
 * A store whose 900 browsers have one derived visit each, then their history arriving afterwards
 * (`visits` earlier visits per browser at random times of the two days before, in random order if
 * `shuffle`): nearly every event late for its person, with signups and identifies (some as other
 * browsers' users) moving links between persons. Not yet refreshed.
 */
async function storeWithLateHistory(file: string, { seed, visits, shuffle }: { seed: number; visits: number; shuffle: boolean }) {
  const store = new DuckDBStore(file, { backgroundRefresh: false })
  await store.init()
  const traffic = new Traffic()
  const recent: EventRow[] = []
  for (let i = 0; i < 900; i++) recent.push(...traffic.visit(traffic.browser(T0 + 3 * 24 * 60 * MIN + i * MIN)))
  await store.log.append(recent)
  await store.derivation.refresh()
  const r = rng(seed)
  const fill: EventRow[] = []
  for (const b of traffic.browsers) for (let v = 0; v < visits; v++) fill.push(...traffic.visit({ ...b }, T0 + Math.floor(r() * 2 * 24 * 60) * MIN))
  if (shuffle) fill.sort(() => r() - 0.5)
  await store.log.append(fill)
  return { store, conn: dbOf(store).derived }
}

describe('incremental refresh of the DuckDB derived tables', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeEach(async () => ({ dir, cleanup } = await tempDir()))
  afterEach(async () => cleanup())

  it('re-derives only the new events of returning visitors, and keeps the same tables as a rebuild', async () => {
    const store = new DuckDBStore(join(dir, 'live.duckdb'), { backgroundRefresh: false })
    await store.init()
    try {
      const traffic = new Traffic()
      // history: 1,500 browsers over two days, in visits
      const history: EventRow[] = []
      for (let i = 0; i < 1500; i++) {
        const b = traffic.browser(T0 + Math.floor((i / 1500) * 2 * 24 * 60) * MIN)
        for (let v = 0, n = 1 + (i % 4); v < n; v++) history.push(...traffic.visit(b))
      }
      history.sort((x, y) => x.receivedAt - y.receivedAt)
      await store.log.append(history)
      await store.derivation.refresh()
      expect(history.length).toBeGreaterThan(15_000)

      // Returning visitors only, after their last event: each refresh derives the new events, not the persons' history.
      const now = T0 + 4 * 24 * 60 * MIN
      const returning = traffic.browsers.filter((b, i) => i % 7 === 3 && b.user === null).slice(0, 40)
      const batch = returning.flatMap((b) =>
        [0, 1, 2].map((k) => row({ site: b.site, anonymousId: b.anon, t: now + k * MIN, path: `/again/${k}` })),
      )
      await store.log.append(batch)
      const fast = await store.derivation.refresh()
      expect(fast).toMatchObject({ kind: 'refresh', events: batch.length, persons: returning.length })
      for (const b of returning) b.t = now + 2 * MIN

      // Live traffic: returning and new visitors in batches, with late events, signups and identifies.
      let clock = now + 10 * MIN
      let next: EventRow[] = []
      for (let round = 0; round < 12; round++) {
        const rows: EventRow[] = next
        next = []
        for (let i = 0; i < 25; i++) {
          const b = i % 5 === 0 ? traffic.browser(clock) : traffic.browsers[Math.floor(((round * 25 + i) * 7919) % traffic.browsers.length)]!
          // every 8th visit comes late: before events of its browser derived already
          const late = i % 8 === 7
          rows.push(...traffic.visit(b, late ? b.t - 90 * MIN : Math.max(clock, b.t + MIN)))
          // and some visits go on in the next batch without a pageview: engagement, a cart, a purchase
          if (i % 6 === 1) {
            const type = (['engagement', 'cart_add', 'purchase'] as const)[round % 3]!
            b.t += MIN
            next.push(row({ site: b.site, anonymousId: b.anon, t: b.t, type, path: '/p/1', engagedMs: type === 'engagement' ? 1234 : null, orderId: type === 'purchase' ? `late-${round}-${i}` : null, revenue: type === 'purchase' ? 5 : null }))
          }
        }
        clock += 20 * MIN
        await store.log.append(rows)
        await store.derivation.refresh()
      }
      const incremental = await tables(store)
      expect(JSON.parse(incremental.sessions).length).toBeGreaterThan(4000)
      await expectSameAsRebuild(store, incremental)
    } finally {
      await store.close()
    }
  }, 120_000)

  it('derives a backlog in rowid ranges (late events and links across ranges) to the same tables as a rebuild', async () => {
    const store = new DuckDBStore(join(dir, 'ranges.duckdb'), { backgroundRefresh: false })
    await store.init()
    try {
      const traffic = new Traffic()
      const rows: EventRow[] = []
      for (let i = 0; i < 600; i++) {
        const b = traffic.browser(T0 + i * 7 * MIN)
        for (let v = 0, n = 1 + (i % 3); v < n; v++) rows.push(...traffic.visit(b))
      }
      // returning browsers coming back early (late for their persons) and later, in the same backlog
      for (let i = 0; i < 600; i += 3) rows.push(...traffic.visit(traffic.browsers[i]!, traffic.browsers[i]!.t - (i % 2 ? 200 : -20) * MIN))
      await store.log.append(rows)
      const conn = dbOf(store).derived
      // committing a step every ~3,000 rowids, with the late persons listed in tw_redo meanwhile
      const r = await refreshDerived(conn, { chunk: 997, commitEvery: 2_900 })
      expect(r).toMatchObject({ kind: 'refresh' })
      expect(r.events).toBeGreaterThanOrEqual(rows.filter((x) => !x.isBot).length)
      await expectSameAsRebuild(store, await tables(store))
    } finally {
      await store.close()
    }
  }, 120_000)

  it('re-derives a fill of history (nearly every event late for its person) in groups of persons, to the same tables as a rebuild', async () => {
    const { store, conn } = await storeWithLateHistory(join(dir, 'fill.duckdb'), { seed: 11, visits: 2, shuffle: true })
    try {
      const steps: DeriveEvent[] = []
      const result = await refreshDerived(conn, { slowGroup: 1_000, progress: (e) => steps.push(e) })
      expect(result).toMatchObject({ kind: 'refresh' })
      expect(result.persons).toBeGreaterThan(800)
      // it ran in groups, each committed: a group per ~1,000 events of the ~800 late persons
      expect(steps.length).toBeGreaterThan(5)
      expect(steps.at(-1)).toMatchObject({ phase: 'step', step: steps.length, steps: steps.length })
      expect(await count(conn, 'SELECT count(*) FROM tw_redo')).toBe(0)
      await expectSameAsRebuild(store, await tables(store))
    } finally {
      await store.close()
    }
  }, 120_000)

  it('a refresh stopped between the slow path\'s groups leaves the rest listed; the next one finishes them, to the same tables as a rebuild', async () => {
    const { store, conn } = await storeWithLateHistory(join(dir, 'redo.duckdb'), { seed: 5, visits: 1, shuffle: false })
    try {
      const stop = new AbortController()
      let groups = 0
      const stopped = await refreshDerived(conn, {
        slowGroup: 1_000,
        signal: stop.signal,
        progress: (e) => {
          if (e.phase === 'step' && e.step === 3) stop.abort(new Error('closing'))
          if (e.phase === 'step') groups = e.steps
        },
      }).catch((e: Error) => e)
      expect(stopped).toBeInstanceOf(Error)
      expect(groups).toBeGreaterThan(3)
      // two groups committed, the rest still listed
      const listed = await count(conn, 'SELECT count(*) FROM tw_redo')
      expect(listed).toBeGreaterThan(0)
      expect(await count(conn, 'SELECT count(*) FROM tw_persons')).toBeGreaterThan(listed)
      // no new events: the next refresh still has work, the listed persons
      const next = await refreshDerived(conn, {})
      expect(next).toMatchObject({ kind: 'refresh' })
      expect(next.persons).toBeGreaterThanOrEqual(listed)
      expect(await count(conn, 'SELECT count(*) FROM tw_redo')).toBe(0)
      expect(await refreshDerived(conn, {})).toMatchObject({ kind: 'none' })
      await expectSameAsRebuild(store, await tables(store))
    } finally {
      await store.close()
    }
  }, 120_000)

  it('waits, inside one report, only for the events acknowledged before it was asked', async () => {
    const store = new DuckDBStore(join(dir, 'asof.duckdb'), { backgroundRefresh: false })
    await store.init()
    try {
      const visit = (anon: string, t: number) => row({ site: 'a', anonymousId: anon, t, path: '/' })
      await store.log.append([visit('x', T0)])
      const [first, second] = await store.derivation.asOf(async () => {
        const before = await store.reports.sessions('a')
        // acknowledged while the report runs: its later queries need not wait for it
        await store.log.append([visit('y', T0 + MIN)])
        return [before, await store.reports.sessions('a')]
      })
      expect(first).toHaveLength(1)
      expect(second).toHaveLength(1)
      // the next report was asked after it: it sees it
      expect(await store.derivation.asOf(() => store.reports.sessions('a'))).toHaveLength(2)
      await store.log.append([visit('z', T0 + 2 * MIN)])
      expect(await store.reports.sessions('a')).toHaveLength(3)
    } finally {
      await store.close()
    }
  })
})
