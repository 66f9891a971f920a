import 'fake-indexeddb/auto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ENDPOINT, collector, fakeWindow, freshIndexedDB, type FakeWindow } from './fixtures/browser.js'

const c = collector()
beforeAll(() => c.server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => c.server.close())
beforeEach(() => {
  freshIndexedDB()
  c.reset()
  vi.resetModules()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

type Page = FakeWindow & { trackway: ((...args: unknown[]) => unknown) & { q?: IArguments[] } }

/** A page with the stub snippet, then the bundle's <script> with these data attributes. */
const load = async (dataset: Record<string, string>, calls: unknown[][] = []) => {
  const win = fakeWindow('https://shop.test/?ref=R1') as Page
  // The stub snippet, with `window` being the fake.
  win.trackway = function () {
    // eslint-disable-next-line prefer-rest-params
    ;(win.trackway.q = win.trackway.q || []).push(arguments)
  }
  for (const call of calls) win.trackway(...call)
  Object.assign(win.document, { currentScript: { src: `${ENDPOINT}/sdk.js`, dataset } })
  vi.stubGlobal('window', win)
  vi.stubGlobal('document', win.document)
  await import('../src/script-tag.js')
  return win
}

describe('script tag', () => {
  it('inits from data-*, replays the stub queue in order, then calls the API by name', async () => {
    const win = await load({ site: 'shop', batchSize: '50', debug: 'false' }, [
      ['track', 'before identify'],
      ['identify', 'u-1'],
      ['purchase', { orderId: 'o-1', revenue: 42.5 }],
    ])
    expect(typeof win.trackway).toBe('function')
    expect(win.trackway.q).toBeUndefined()
    win.trackway('track', 'after load')
    await win.trackway('flush')
    expect(c.received[0].batch.site).toBe('shop')
    const events = c.events()
    expect(events.map((e) => e.name ?? e.type)).toEqual(['pageview', 'before identify', 'identify', 'purchase', 'after load'])
    expect(events[3]).toMatchObject({ orderId: 'o-1', revenue: 42.5, userId: 'u-1', referralCode: 'R1' })
    expect(events[1].userId).toBeUndefined()
  })

  it('defines window.trackway and no other global', async () => {
    const before = new Set(Object.keys(globalThis))
    const win = await load({ site: 'shop' })
    expect(Object.keys(win).filter((k) => k != 'trackway')).toEqual(['location', 'document', 'navigator', 'history'])
    // `window` and `document` are this test's own stubs.
    expect(Object.keys(globalThis).filter((k) => !before.has(k))).toEqual(['window', 'document'])
  })

  it('reads boolean and numeric data attributes', async () => {
    const win = await load({ site: 'shop', autoPageviews: 'false', consent: 'pending', cookieless: '' })
    win.trackway('track', 'no consent yet')
    await win.trackway('flush')
    expect(c.received).toEqual([])
    win.trackway('optIn')
    win.trackway('track', 'consented')
    await win.trackway('flush')
    expect(c.events().map((e) => [e.name, e.anonymousId])).toEqual([['consented', '$cookieless']])
  })

  it('without data-site reports the misconfiguration and leaves a harmless trackway()', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const win = await load({}, [['track', 'x']])
    expect(error).toHaveBeenCalledOnce()
    expect(() => win.trackway('track', 'y')).not.toThrow()
    expect(win.trackway('nonsense')).toBeUndefined()
  })
})
