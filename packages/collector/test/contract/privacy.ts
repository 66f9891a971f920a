import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { derive } from '../../src/core/derive.js'
import { computeFullOverview } from '../../src/core/metrics.js'
import { ReportAnswers } from '../../src/reports/answers.js'
import type { EventRow } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/store.js'
import { reportQuery } from '../fixtures/helpers.js'
import { row } from '../fixtures/rows.js'
import { close } from './datasets.js'
import type { OpenedStore, OpenStore } from './fixture.js'

const T = Date.UTC(2026, 0, 10, 9)
const MIN = 60_000

/**
 * Ann browses on her phone, signs up, logs in on her laptop and buys; a bot hit carries her phone's
 * id. Carl later identifies on the same phone (it stays Ann's: her signup came first) and buys.
 * Bob is someone else; the blog is another site where the phone's id also appears.
 */
function people(): { ann: EventRow[]; carl: EventRow[]; bob: EventRow[]; blog: EventRow[] } {
  const ann = [
    row({ id: 'ann-01-pv-phone', anonymousId: 'ph', t: T, referrer: 'https://www.google.com/', referrerDomain: 'google.com' }),
    row({ id: 'ann-02-signup', anonymousId: 'ph', type: 'signup', userId: 'ann', t: T + MIN }),
    row({ id: 'ann-03-pv-laptop', anonymousId: 'lp', t: T + 60 * MIN, utmSource: 'news', utmMedium: 'email' }),
    row({ id: 'ann-04-identify', anonymousId: 'lp', type: 'identify', userId: 'ann', t: T + 61 * MIN }),
    row({ id: 'ann-05-purchase', anonymousId: 'lp', type: 'purchase', userId: 'ann', orderId: 'o-1', revenue: 30, t: T + 62 * MIN }),
    row({ id: 'ann-06-bot', anonymousId: 'ph', isBot: true, device: 'bot', t: T + 63 * MIN }),
  ]
  const carl = [
    row({ id: 'carl-01-identify', anonymousId: 'ph', type: 'identify', userId: 'carl', t: T + 120 * MIN }),
    row({ id: 'carl-02-purchase', anonymousId: 'ph', type: 'purchase', userId: 'carl', orderId: 'o-3', revenue: 20, t: T + 121 * MIN }),
  ]
  const bob = [
    row({ id: 'bob-01-pv', anonymousId: 'bb', t: T + 5 * MIN }),
    row({ id: 'bob-02-signup', anonymousId: 'bb', type: 'signup', userId: 'bob', t: T + 6 * MIN }),
    row({ id: 'bob-03-purchase', anonymousId: 'bb', type: 'purchase', userId: 'bob', orderId: 'o-2', revenue: 50, t: T + 7 * MIN }),
  ]
  const blog = [row({ id: 'blog-01-pv', site: 'blog', anonymousId: 'ph', t: T + 2 * MIN })]
  return { ann, carl, bob, blog }
}

const byTime = (rows: readonly EventRow[]) => [...rows].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))
const range = { fromMs: 0, toMs: 4e12 }

/** Export, erasure and retention of the event log and every derived table (SPEC §1.6). */
export function privacyContract(open: OpenStore): void {
  describe('privacy: export and erase a person, retention', () => {
    let opened: OpenedStore
    let store: Store
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => opened.close())

    const load = async () => {
      const p = people()
      await store.log.append([...p.ann, ...p.carl, ...p.bob, ...p.blog])
      return p
    }
    const exported = async (site: string, person: string) => {
      const out: EventRow[] = []
      await store.persons.exportEvents(site, person, (rows) => void out.push(...rows), { pageSize: 2 })
      return out
    }

    it('resolves any id of a person to the person and all their linked ids', async () => {
      await load()
      const ann = { personId: 'ann', userIds: ['ann'], anonymousIds: ['lp', 'ph'], events: 6 }
      expect(await store.persons.resolve('shop', 'ann')).toEqual(ann)
      expect(await store.persons.resolve('shop', 'ph')).toEqual(ann)
      expect(await store.persons.resolve('shop', 'lp')).toEqual(ann)
      expect(await store.persons.resolve('shop', 'carl')).toEqual({ personId: 'carl', userIds: ['carl'], anonymousIds: ['ph'], events: 2 })
      expect(await store.persons.resolve('shop', 'nobody')).toBeNull()
      expect(await store.persons.resolve('blog', 'ph')).toEqual({ personId: 'ph', userIds: [], anonymousIds: ['ph'], events: 1 })
      expect(await store.persons.resolve('blog', 'ann')).toBeNull()
    })

    it('exports every stored event of the person, bots included, in time order, in pages', async () => {
      const p = await load()
      expect(await exported('shop', 'ann')).toEqual(byTime(p.ann))
      expect(await exported('shop', 'carl')).toEqual(byTime(p.carl))
    })

    it('erases the person from the log and every derived table; others\' reports are unchanged', async () => {
      const p = await load()
      await store.derivation.refresh()
      const answers = new ReportAnswers(store)
      expect(await store.persons.erase('shop', 'ann', 'admin')).toBe(6)
      expect(await store.persons.resolve('shop', 'ann')).toBeNull()
      expect(await store.persons.resolve('shop', 'lp')).toBeNull()
      // the phone now links to Carl, whose identify is its earliest left (SPEC §4)
      expect(await store.persons.resolve('shop', 'ph')).toMatchObject({ personId: 'carl', events: 2 })
      expect(await exported('shop', 'ann')).toEqual([])
      expect(await store.log.count('shop')).toBe(p.carl.length + p.bob.length)
      expect(await store.log.count('blog')).toBe(1)
      const rest = [...p.carl, ...p.bob]
      close(await answers.overview(reportQuery('shop', range)), computeFullOverview(derive(rest), range))
      // the derived tables hold nothing of her: no person, no journey, no sessions of her browsers
      expect(await store.reports.resolvePerson('shop', 'ann')).toBeNull()
      expect(await store.reports.resolvePerson('shop', 'lp')).toBeNull()
      expect(await store.reports.journey('shop', 'ann')).toEqual([])
      const sessions = await store.reports.sessions('shop')
      expect(sessions.map((s) => s.person).sort()).toEqual(['bob', 'carl'])
      // still true after deriving everything again (`trackway rebuild`)
      await store.derivation.rebuild()
      close(await answers.overview(reportQuery('shop', range)), computeFullOverview(derive(rest), range))
      expect(await store.persons.resolve('shop', 'carl')).toMatchObject({ events: 2 })
      const [record] = await store.persons.erasures('shop')
      expect(record).toEqual({ site: 'shop', kind: 'person', actor: 'admin', at: expect.any(Number), events: 6 })
      expect(JSON.stringify(await store.persons.erasures(null))).not.toMatch(/ann|ph|lp/)
    })

    it('keeps dedup after an erasure: a stored event sent again is found, a new one is stored', async () => {
      const p = await load()
      await store.persons.erase('shop', 'ann', 'admin')
      const found = await store.log.findStored([...p.bob, ...p.ann].map((r) => ({ site: r.site, id: r.id, ts: r.ts })))
      for (const r of p.bob) expect(found.has(`shop\u0000${r.id}`)).toBe(true)
      await store.log.append([row({ id: 'bob-04-pv', anonymousId: 'bb', t: T + 8 * MIN })])
      expect(await store.log.count('shop')).toBe(p.carl.length + p.bob.length + 1)
    })

    it('deletes events older than the retention cutoff, derived data too, and records it per site', async () => {
      const p = await load()
      await store.derivation.refresh()
      const cutoff = T + 61 * MIN + 30_000 // Ann's first four events, Bob's, the blog's go
      const gone = [...p.ann, ...p.bob, ...p.blog].filter((r) => r.t < cutoff)
      expect(await store.persons.eraseBefore(cutoff)).toBe(gone.length)
      const rest = [...p.ann, ...p.carl, ...p.bob].filter((r) => r.t >= cutoff)
      expect(await store.log.count('shop')).toBe(rest.length)
      expect(await store.log.count('blog')).toBe(0)
      close(await new ReportAnswers(store).overview(reportQuery('shop', range)), computeFullOverview(derive(rest), range))
      const records = await store.persons.erasures(null)
      expect(records.map((r) => [r.site, r.kind, r.events]).sort()).toEqual([['blog', 'retention', 1], ['shop', 'retention', gone.length - 1]])
    })
  })
}
