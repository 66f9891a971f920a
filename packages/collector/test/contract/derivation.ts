import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { derive } from '../../src/core/derive.js'
import { ReportAnswers } from '../../src/reports/answers.js'
import type { EventRow } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/store.js'
import { reportQuery } from '../fixtures/helpers.js'
import { demoRows } from '../fixtures/demo-rows.js'
import { row } from '../fixtures/rows.js'
import type { OpenedStore, OpenStore } from './fixture.js'

const H = 3_600_000
const T0 = Date.UTC(2026, 2, 2, 9)

/** Sessions as the pure derivation sees them, in the shape of the store's sessions(). */
const pureSessions = (events: EventRow[]) =>
  derive(events).sessions.map((s) => ({ person: s.person, firstId: s.events[0]!.id, start: s.start, channel: s.channel, pageviews: s.events.filter((e) => e.type === 'pageview').length }))
const storeSessions = async (store: Store, site: string) =>
  (await store.reports.sessions(site)).map((s) => ({ person: s.person, firstId: s.firstId, start: s.start, channel: s.channel, pageviews: s.pageviews }))
const sorted = <T extends { start: number; firstId: string }>(xs: T[]) => [...xs].sort((a, b) => a.start - b.start || (a.firstId < b.firstId ? -1 : 1))

/** Two browsers of one customer: anonymous visits first, the signup on the second device comes later. */
export function twoDevices(site = 'd'): { early: EventRow[]; late: EventRow[] } {
  const early = [
    row({ site, anonymousId: 'phone', t: T0, path: '/', referrerDomain: 'www.google.co.uk' }),
    row({ site, anonymousId: 'phone', t: T0 + 60_000, path: '/p/1', type: 'cart_add' }),
    row({ site, anonymousId: 'laptop', t: T0 + 2 * H, path: '/', utmSource: 'news', utmMedium: 'email' }),
    row({ site, anonymousId: 'laptop', t: T0 + 2 * H + 60_000, type: 'purchase', orderId: 'o-1', revenue: 40 }),
  ]
  const late = [
    // the phone's offline queue: older than what is derived already
    row({ site, anonymousId: 'phone', t: T0 - 10 * 60_000, path: '/landing' }),
    // the signup links the phone, and so its earlier anonymous visit, to the account
    row({ site, anonymousId: 'phone', t: T0 + 3 * H, type: 'signup', userId: 'u-7' }),
    row({ site, anonymousId: 'laptop', t: T0 + 3 * H, type: 'identify', userId: 'u-7' }),
    // the same order reported again, later, by the other device: still one order
    row({ site, anonymousId: 'phone', t: T0 + 3 * H + 1, type: 'purchase', orderId: 'o-1', revenue: 40 }),
  ]
  return { early, late }
}

/** Persons and sessions derived from the log as it grows (SPEC §4), and derived again whole. */
export function derivationContract(open: OpenStore): void {
  describe('derivation of persons and sessions from the log', () => {
    let opened: OpenedStore
    let store: Store
    let answers: ReportAnswers
    beforeEach(async () => {
      opened = await open()
      store = opened.store
      answers = new ReportAnswers(store)
    })
    afterEach(async () => opened.close())

    describe('derivation', () => {
      it('re-derives the persons new events touch: a late signup merges earlier anonymous history', async () => {
        const { early, late } = twoDevices()
        await store.log.append(early)
        expect((await answers.overview(reportQuery('d'))).visitors).toBe(2)
        await store.log.append(late)
        const o = await answers.overview(reportQuery('d'))
        expect(o.visitors).toBe(1)
        expect(o.orders).toBe(1)
        expect(o.revenue).toBe(40)
        expect(sorted(await storeSessions(store, 'd'))).toEqual(sorted(pureSessions([...early, ...late])))
        expect((await store.reports.sessions('d')).map((s) => s.person)).toEqual(['u-7', 'u-7', 'u-7'])
      })

      it('keeps sites apart: the same user id on two sites is two persons', async () => {
        await store.log.append([
          row({ site: 'a', anonymousId: 'x', userId: 'same', type: 'identify', t: T0 }),
          row({ site: 'b', anonymousId: 'y', userId: 'same', type: 'identify', t: T0 }),
          row({ site: 'b', anonymousId: 'y', t: T0 + 1 }),
        ])
        expect((await answers.overview(reportQuery('a'))).sessions).toBe(1)
        expect((await answers.journey('b', 'same'))!.sessions[0]!.events).toHaveLength(2)
        expect((await answers.journey('a', 'same'))!.sessions[0]!.events).toHaveLength(1)
      })

      it('derives the same tables whole as it kept incrementally (rebuild)', async () => {
        const events = demoRows('d', 60, 4)
        const half = Math.floor(events.length / 2)
        await store.log.append(events.slice(0, half))
        await answers.overview(reportQuery('d'))
        await store.log.append(events.slice(half))
        const before = await answers.overview(reportQuery('d'))
        const r = await store.derivation.rebuild()
        expect(r.kind).toBe('rebuild')
        expect(r.events).toBe(events.filter((e) => !e.isBot).length)
        expect(r.persons).toBe(new Set(derive(events).sessions.map((s) => s.person)).size)
        expect(await answers.overview(reportQuery('d'))).toEqual(before)
        expect(sorted(await storeSessions(store, 'd'))).toEqual(sorted(pureSessions(events)))
      })
    })
  })
}
