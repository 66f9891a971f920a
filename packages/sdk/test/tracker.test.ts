import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { COOKIELESS_ID } from '../src/tracker.js'
import { memoryStore } from '../src/store.js'
import { fakeWindow, freshIndexedDB, setVisibility, settle, storedKeys } from './fixtures/browser.js'
import { start } from './fixtures/tracker.js'

beforeEach(() => {
  freshIndexedDB()
})

describe('tracker', () => {
  it('sends events in the wire format of SPEC §2, in a {site, sentAt, events} batch', async () => {
    const win = fakeWindow('https://shop.test/p?x=1', { referrer: 'https://www.google.com/', title: 'Product' })
    const t = start({}, { win })
    t.api.track('signup_click', { plan: 'pro' })
    await t.api.flush()
    expect(t.batches).toHaveLength(1)
    const [batch] = t.batches
    expect(batch.site).toBe('shop')
    expect(batch.sentAt).toBeTypeOf('number')
    const [pageview, custom] = batch.events
    expect(pageview).toMatchObject({
      type: 'pageview',
      url: 'https://shop.test/p?x=1',
      referrer: 'https://www.google.com/',
      title: 'Product',
    })
    expect(custom).toMatchObject({ type: 'custom', name: 'signup_click', props: { plan: 'pro' } })
    for (const e of batch.events) {
      expect(e.id).toMatch(/^[A-Za-z0-9]{8,24}$/)
      expect(e.ts).toBeTypeOf('number')
      expect(e.anonymousId).toMatch(/^[A-Za-z0-9]{8,24}$/)
    }
    expect(custom.anonymousId).toBe(pageview.anonymousId)
    expect(custom.id).not.toBe(pageview.id)
  })

  it('builds every API event with its fields', async () => {
    const t = start({ autoPageviews: false }, { now: () => 1_000_000 })
    const items = [{ sku: 'A', price: 10, quantity: 2, name: 'Shirt', color: 'red' } as never]
    t.api.cartAdd(items, { list: 'home' })
    t.api.cartRemove(items)
    t.api.checkout({ items, revenue: 20, currency: 'EUR' })
    t.api.purchase({ orderId: 'o-1', revenue: 20, currency: 'EUR', items })
    t.api.signup('u-1')
    t.api.feedback(5, { topic: 'delivery' })
    t.api.exposure('hero', 'b')
    t.api.page({ url: '/thanks', title: 'Thanks', props: { step: 3 } })
    await t.api.flush()
    const events = t.events()
    expect(events.map((e) => e.type)).toEqual([
      'cart_add', 'cart_remove', 'checkout', 'purchase', 'signup', 'feedback', 'experiment', 'pageview',
    ])
    // Unknown item fields are left out: the collector would reject the whole event for them.
    expect(events[0].items).toEqual([{ sku: 'A', name: 'Shirt', price: 10, quantity: 2 }])
    expect(events[0].props).toEqual({ list: 'home' })
    expect(events[2]).toMatchObject({ revenue: 20, currency: 'EUR' })
    expect(events[3]).toMatchObject({ orderId: 'o-1', revenue: 20, currency: 'EUR' })
    expect(events[4].userId).toBe('u-1')
    expect(events[5]).toMatchObject({ score: 5, props: { topic: 'delivery' } })
    expect(events[6]).toMatchObject({ experiment: 'hero', variant: 'b' })
    expect(events[7]).toMatchObject({ url: 'https://shop.test/thanks', title: 'Thanks', props: { step: 3 } })
  })

  it('drops misuse with a debug warning and never throws', async () => {
    const t = start({ autoPageviews: false }, { now: () => 1_000_000 })
    const api = t.api as unknown as Record<string, (...a: unknown[]) => unknown>
    expect(() => {
      api.track()
      api.track('')
      api.purchase({ revenue: 5 })
      api.purchase({ orderId: 'o-1' })
      api.purchase()
      api.identify(42)
      api.cartAdd()
      api.cartAdd('not items')
      api.exposure('hero')
      api.referralInvite({})
      api.checkout(null)
      api.page({ url: 'http://[bad' })
    }).not.toThrow()
    await t.api.flush()
    expect(t.batches).toEqual([])
    expect(t.deps.logs).toHaveLength(12)
    expect(t.deps.logs).toContainEqual(['misuse', 'purchase', 'orderId'])
    expect(t.deps.logs).toContainEqual(['misuse', 'purchase', 'revenue'])
    expect(t.deps.logs).toContainEqual(['misuse', 'identify', 'userId'])
    expect(t.deps.logs).toContainEqual(['misuse', 'experiment', 'variant'])
    expect(t.deps.logs.filter((l) => l[0] instanceof TypeError)).toHaveLength(4)
    expect(await storedKeys()).toEqual([])
  })

  it('leaves the finer rules to the collector, which rejects such an event alone', async () => {
    const t = start({ autoPageviews: false })
    t.api.feedback(6)
    t.api.purchase({ orderId: 'o-1', revenue: -1 })
    await t.api.flush()
    expect(t.events().map((e) => e.type)).toEqual(['feedback', 'purchase'])
  })

  it('clips page-derived fields to the protocol limits', async () => {
    const win = fakeWindow(`https://shop.test/?q=${'x'.repeat(3000)}`, { title: 't'.repeat(600) })
    const t = start({}, { win })
    await t.api.flush()
    const [pageview] = t.events()
    expect(pageview.url).toHaveLength(2048)
    expect(pageview.title).toHaveLength(512)
  })

  it('sets userId with identify for later events and page loads; reset() starts over', async () => {
    const t = start({ autoPageviews: false })
    t.api.track('before')
    t.api.identify('u-7', { plan: 'pro' })
    t.api.track('after')
    await t.api.flush()
    const [before, identify, after] = t.events()
    expect(before.userId).toBeUndefined()
    expect(identify).toMatchObject({ type: 'identify', userId: 'u-7', props: { plan: 'pro' } })
    expect(after.userId).toBe('u-7')

    const reload = start({ autoPageviews: false })
    reload.api.track('next page')
    await reload.api.flush()
    expect(reload.events()[0]).toMatchObject({ userId: 'u-7', anonymousId: before.anonymousId })

    reload.api.track('logging out')
    reload.api.reset()
    reload.api.track('logged out')
    await reload.api.flush()
    const [out, loggedOut] = reload.events().slice(1)
    expect(out).toMatchObject({ userId: 'u-7', anonymousId: before.anonymousId })
    expect(loggedOut.userId).toBeUndefined()
    expect(loggedOut.anonymousId).not.toBe(before.anonymousId)
  })

  it('captures ?ref= on landing and keeps it; referralInvite sends the inviter code', async () => {
    const t = start({}, { win: fakeWindow('https://shop.test/?ref=FRIEND10') })
    t.api.referralInvite({ code: 'MINE', props: { channel: 'email' } })
    await t.api.flush()
    const [pageview, invite] = t.events()
    expect(pageview.referralCode).toBe('FRIEND10')
    expect(invite).toMatchObject({ type: 'referral_invite', referralCode: 'MINE' })

    const reload = start({}, { win: fakeWindow('https://shop.test/cart') })
    reload.api.track('later')
    await reload.api.flush()
    expect(reload.events().map((e) => e.referralCode)).toEqual(['FRIEND10', 'FRIEND10'])
  })

  it('applies calls made before storage answered in call order, after what storage held', async () => {
    const first = start({ autoPageviews: false })
    first.api.identify('u-1')
    await first.api.flush()
    const stored = first.events()[0].anonymousId

    // The next page load: these calls come before the first read of IndexedDB answered.
    const reload = start({ autoPageviews: false })
    reload.api.track('logout')
    reload.api.reset()
    reload.api.track('anonymous')
    reload.api.identify('u-2')
    reload.api.track('as u-2')
    await reload.api.flush()
    const [logout, anonymous, identify, asU2] = reload.events()
    expect(logout).toMatchObject({ name: 'logout', userId: 'u-1', anonymousId: stored })
    expect(anonymous.userId).toBeUndefined()
    expect(anonymous.anonymousId).not.toBe(stored)
    expect(identify).toMatchObject({ type: 'identify', userId: 'u-2', anonymousId: anonymous.anonymousId })
    expect(asU2).toMatchObject({ userId: 'u-2', anonymousId: anonymous.anonymousId })
  })

  it('with consent pending queues nothing until optIn(), then records the held-back pageview', async () => {
    const t = start({ consent: 'pending' })
    t.api.track('too early')
    await t.api.flush()
    await settle()
    expect(t.batches).toEqual([])
    expect((await storedKeys()).filter((k) => k.startsWith('q:'))).toEqual([])

    t.api.optIn()
    t.api.track('welcome')
    await t.api.flush()
    expect(t.events().map((e) => e.type)).toEqual(['pageview', 'custom'])
    expect(t.events()[1].name).toBe('welcome')

    // The decision is persisted: the next page load tracks despite `consent: 'pending'`.
    const reload = start({ consent: 'pending' })
    await reload.api.flush()
    expect(reload.events().map((e) => e.type)).toEqual(['pageview'])
  })

  it('optOut() clears the queue and ids, persists, and optIn() starts with a new id', async () => {
    const t = start({ flushIntervalMs: 60_000 })
    t.api.identify('u-1')
    t.api.track('queued')
    await settle()
    expect((await storedKeys()).filter((k) => k.startsWith('q:'))).toHaveLength(3)

    t.api.optOut()
    t.api.track('after opt-out')
    await t.api.flush()
    await settle()
    expect(t.batches).toEqual([])
    expect(await storedKeys()).toEqual(['s:v1:consent'])

    const reload = start()
    reload.api.track('still out')
    await reload.api.flush()
    expect(reload.batches).toEqual([])

    reload.api.optIn()
    await reload.api.flush()
    const [pageview] = reload.events()
    expect(pageview.type).toBe('pageview')
    expect(pageview.userId).toBeUndefined()
  })

  it('counts any consent but "granted" as pending: privacy first', async () => {
    const t = start({ consent: 'denied' as never })
    t.api.track('x')
    await t.api.flush()
    expect(t.batches).toEqual([])
    t.api.optIn()
    await t.api.flush()
    expect(t.events().map((e) => e.type)).toEqual(['pageview'])
  })

  it('optIn() after optOut() on the same page records a pageview for the new id', async () => {
    const t = start({ engagement: false })
    await t.api.flush()
    const [first] = t.events()
    t.api.optOut()
    t.api.optIn()
    t.api.optIn() // already granted: nothing more
    await t.api.flush()
    const [, again] = t.events()
    expect(t.events()).toHaveLength(2)
    expect(again.type).toBe('pageview')
    expect(again.anonymousId).not.toBe(first.anonymousId)
  })

  it('tracks nothing under Do Not Track, Global Privacy Control or an ignored host', async () => {
    for (const win of [
      fakeWindow('https://shop.test/', { navigator: { doNotTrack: '1' } }),
      fakeWindow('https://shop.test/', { navigator: { globalPrivacyControl: true } }),
      fakeWindow('https://staging.shop.test/'),
    ]) {
      const t = start({ ignoreHosts: ['staging.shop.test'] }, { win })
      t.api.track('x')
      t.api.optIn()
      await t.api.flush()
      await settle()
      expect(t.batches).toEqual([])
    }
    expect(await storedKeys()).toEqual([])
    const t = start({ respectDnt: false }, { win: fakeWindow('https://shop.test/', { navigator: { doNotTrack: '1' } }) })
    await t.api.flush()
    expect(t.batches).toHaveLength(1)
  })

  it('in cookieless mode sends $cookieless and stores no id', async () => {
    const t = start({ cookieless: true, autoPageviews: false })
    t.api.identify('u-1')
    t.api.track('x')
    t.api.reset()
    t.api.track('y')
    await t.api.flush()
    await settle()
    expect(t.events().map((e) => e.anonymousId)).toEqual([COOKIELESS_ID, COOKIELESS_ID, COOKIELESS_ID])
    expect(t.events()[1].userId).toBe('u-1')
    expect(await storedKeys()).toEqual([])
  })

  it('falls back to memory when IndexedDB is unavailable and still sends', async () => {
    const t = start({}, { store: { all: () => Promise.reject(new Error('blocked')), write: () => Promise.reject(new Error('blocked')) } })
    t.api.track('x')
    await t.api.flush()
    expect(t.events().map((e) => e.type)).toEqual(['pageview', 'custom'])
    expect(t.deps.logs.some((l) => l[0] == 'memory')).toBe(true)
  })

  it('measures engagement per page, and records SPA navigations', async () => {
    let now = 1_000_000
    const t = start({}, { now: () => now })
    now += 3000
    setVisibility(t.win, 'hidden')
    now += 10_000 // hidden time does not count
    setVisibility(t.win, 'visible')
    now += 2000
    t.win.history.pushState({}, '', '/next#top')
    now += 500
    t.win.history.pushState({}, '', '/next#bottom') // same page: not a new pageview
    t.win.location.href = 'https://shop.test/'
    t.win.dispatchEvent(new Event('popstate'))
    await t.api.flush()
    const events = t.events().map(({ type, url, engagedMs }) => ({ type, url, engagedMs }))
    expect(events).toEqual([
      { type: 'pageview', url: 'https://shop.test/', engagedMs: undefined },
      { type: 'engagement', url: 'https://shop.test/', engagedMs: 3000 },
      { type: 'engagement', url: 'https://shop.test/', engagedMs: 2000 },
      { type: 'pageview', url: 'https://shop.test/next#top', engagedMs: undefined },
      { type: 'engagement', url: 'https://shop.test/next#top', engagedMs: 500 },
      { type: 'pageview', url: 'https://shop.test/', engagedMs: undefined },
    ])
  })

  it('caps engagedMs at 24 h, and counts no time before the page was first visible', async () => {
    let now = 1_000_000
    const win = fakeWindow()
    win.document.visibilityState = 'hidden' // e.g. opened in a background tab
    const t = start({}, { win, now: () => now })
    now += 60_000
    setVisibility(t.win, 'visible')
    now += 1000
    setVisibility(t.win, 'hidden')
    setVisibility(t.win, 'visible')
    now += 2 * 86_400_000
    t.win.dispatchEvent(new Event('pagehide'))
    await t.api.flush()
    expect(t.events().map((e) => e.engagedMs)).toEqual([undefined, 1000, 86_400_000])
  })

  it('on pagehide beacons pending events once, and keeps them queued', async () => {
    const beacons: string[] = []
    const win = fakeWindow('https://shop.test/', { navigator: { sendBeacon: (_url, body) => (beacons.push(body), true) } })
    let now = 1_000_000
    const t = start({ flushIntervalMs: 60_000 }, { win, now: () => now })
    t.api.track('x')
    await settle()
    now += 4000
    // Browsers fire pagehide before visibilitychange when the page is left: one engagement event.
    win.dispatchEvent(new Event('pagehide'))
    now += 5
    setVisibility(win, 'hidden')
    expect(beacons).toHaveLength(1)
    const beaconed = JSON.parse(beacons[0])
    expect(beaconed.site).toBe('shop')
    expect(beaconed.events.map((e: { type: string }) => e.type)).toEqual(['pageview', 'custom', 'engagement'])
    await settle()
    expect((await storedKeys()).filter((k) => k.startsWith('q:'))).toHaveLength(3)

    // The next page load sends them again, for an acknowledgement (the collector dedups by id).
    const reload = start({ autoPageviews: false })
    await reload.api.flush()
    expect(reload.events().map((e) => e.id).sort()).toEqual(beaconed.events.map((e: { id: string }) => e.id).sort())
    expect((await storedKeys()).filter((k) => k.startsWith('q:'))).toEqual([])
  })

  it('drops an event JSON cannot encode at the call, so it never blocks the queue', async () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const t = start({ autoPageviews: false })
    t.api.track('bigint', { n: 1n } as never)
    t.api.track('cyclic', cyclic as never)
    const props = { step: 1 }
    t.api.track('after', props)
    props.step = 2 // the event is a snapshot of the call
    await t.api.flush()
    expect(t.events().map((e) => [e.name, e.props])).toEqual([['after', { step: 1 }]])
    expect(t.deps.logs.filter((l) => l[0] instanceof TypeError)).toHaveLength(2)
  })

  it('records a pageview on history.replaceState to a new URL, like pushState', async () => {
    const t = start({ engagement: false })
    t.win.history.replaceState({}, '', '/search?q=mug')
    t.win.history.replaceState({}, '', '/search?q=mug#results') // same page
    await t.api.flush()
    expect(t.events().map((e) => e.url)).toEqual(['https://shop.test/', 'https://shop.test/search?q=mug'])
  })

  it('keeps at most maxQueue events, dropping (and counting) the oldest', async () => {
    const t = start({ maxQueue: 3, autoPageviews: false, flushIntervalMs: 60_000 }, { store: memoryStore() })
    for (const name of ['a', 'b', 'c', 'd', 'e']) t.api.track(name)
    await t.api.flush()
    expect(t.events().map((e) => e.name)).toEqual(['c', 'd', 'e'])
    expect(t.deps.logs).toEqual([
      ['full', 1, 1],
      ['full', 1, 2],
    ])
  })
})
