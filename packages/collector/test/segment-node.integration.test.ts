import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { Analytics } from '@segment/analytics-node'
import { ORIGIN, TOKEN, makeApp, tempDir } from './fixtures/helpers.js'

/**
 * Segment's own Node library (`@segment/analytics-node`), configured only with its `host`, against
 * a real collector on loopback: every mapped call lands, and the reports show what it sent.
 */
let app: FastifyInstance
let base: string
let cleanup: () => Promise<void>
const requested: string[] = []
const realFetch = globalThis.fetch

beforeAll(async () => {
  const d = await tempDir()
  cleanup = d.cleanup
  app = await makeApp(join(d.dir, 't.duckdb'))
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  // every request the library makes, to prove none leaves the machine
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    requested.push(String(input instanceof Request ? input.url : input))
    return realFetch(input, init)
  })
})
afterAll(async () => {
  vi.restoreAllMocks()
  await app.close()
  await cleanup()
})

const admin = { authorization: `Bearer ${TOKEN}` }
async function report(path: string): Promise<Record<string, unknown>> {
  const res = await realFetch(`${base}/v1/sites/shop/${path}`, { headers: admin })
  expect(res.status, path).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

describe('@segment/analytics-node against the collector', () => {
  it('delivers page, identify and every mapped e-commerce track; the reports show the order, the abandoned cart and the joined signup', async () => {
    const writeKey = app.trackway.sites.get('shop')!.writeKey
    const errors: unknown[] = []
    const analytics = new Analytics({ writeKey, host: `${base}/v1/segment`, flushAt: 4, flushInterval: 200, maxRetries: 1 })
    analytics.on('error', (e) => errors.push(e))
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000)
    const product = { product_id: 'mug', name: 'Mug', price: 12.5 }
    const page = { url: `${ORIGIN}/?utm_source=newsletter&utm_medium=email`, referrer: '', title: 'Home' }

    // a visitor buys, then signs up: their anonymous history joins the account
    analytics.page({ anonymousId: 'anon-buyer', name: 'Home', properties: page, timestamp: at(20) })
    analytics.track({ anonymousId: 'anon-buyer', event: 'Experiment Viewed', properties: { experiment_name: 'hero', variation_name: 'big' }, timestamp: at(19) })
    analytics.track({ anonymousId: 'anon-buyer', event: 'Product Added', properties: { ...product, quantity: 2 }, timestamp: at(18) })
    analytics.track({ anonymousId: 'anon-buyer', event: 'Product Added', properties: { product_id: 'tee', price: 20 }, timestamp: at(17.5) })
    analytics.track({ anonymousId: 'anon-buyer', event: 'Product Removed', properties: { product_id: 'tee', price: 20 }, timestamp: at(17) })
    analytics.track({ anonymousId: 'anon-buyer', event: 'Checkout Started', properties: { revenue: 25, currency: 'USD', products: [{ ...product, quantity: 2 }] }, timestamp: at(16) })
    analytics.track({
      anonymousId: 'anon-buyer', event: 'Order Completed',
      properties: { order_id: 'order-1', total: 27, revenue: 25, currency: 'USD', products: [{ ...product, quantity: 2 }] }, timestamp: at(15),
    })
    analytics.track({ anonymousId: 'anon-buyer', userId: 'user-1', event: 'Signed Up', properties: { plan: 'free' }, timestamp: at(14) })
    analytics.identify({ anonymousId: 'anon-buyer', userId: 'user-1', traits: { email: 'buyer@example.com' }, timestamp: at(13.5) })
    analytics.track({ userId: 'user-1', event: 'feedback', properties: { score: 5 }, timestamp: at(13) })
    analytics.track({ userId: 'user-1', event: 'referral_invite', properties: { code: 'BUYER1' }, timestamp: at(12.5) })
    analytics.track({ userId: 'user-1', event: 'Newsletter Opened', properties: { issue: 7 }, timestamp: at(12) })
    // another visitor leaves a full cart
    analytics.page({ anonymousId: 'anon-browser', properties: { url: `${ORIGIN}/mug`, title: 'Mug' }, timestamp: at(10) })
    analytics.track({ anonymousId: 'anon-browser', event: 'Product Added', properties: product, timestamp: at(9) })
    analytics.alias({ previousId: 'anon-browser', userId: 'user-2' })
    await analytics.closeAndFlush({ timeout: 20_000 })
    expect(errors).toEqual([])

    expect(await app.trackway.store.log.count('shop')).toBe(14)
    const overview = await report('stats/overview')
    expect(overview).toMatchObject({ visitors: 2, orders: 1, revenue: 25, aov: 25, signups: 1, cartAbandonmentRate: 0.5, checkoutCompletionRate: 1, pageviews: 2 })
    expect(await report('stats/revenue')).toMatchObject({ revenue: 25, orders: 1, customers: 1 })
    expect(await report('stats/csat')).toMatchObject({ responses: 1, csat: 100, avgScore: 5 })
    expect(await report('stats/referrals')).toMatchObject({ invites: 1 })
    const exp = (await report('stats/experiments?experiment=hero')) as { variants: { variant: string; exposed: number; converted: number }[] }
    expect(exp.variants).toEqual([expect.objectContaining({ variant: 'big', exposed: 1, converted: 1 })])
    const channels = (await report('stats/breakdown?dimension=channel')) as unknown as { value: string; revenue: number }[]
    expect(channels.find((c) => c.value === 'Email')).toMatchObject({ revenue: 25 })
    // the signup joins the anonymous history: the user's journey starts with the anonymous pageview
    const journey = (await report('journeys/user-1')) as { personId: string; sessions: { events: { type: string }[] }[] }
    expect(journey.personId).toBe('user-1')
    expect(journey.sessions.flatMap((s) => s.events.map((e) => e.type))).toEqual([
      'pageview', 'experiment', 'cart_add', 'cart_add', 'cart_remove', 'checkout', 'purchase', 'signup', 'identify', 'feedback', 'referral_invite', 'custom',
    ])
    const funnel = (await report('stats/funnel?steps=pageview,cart_add,checkout,purchase')) as { steps: { persons: number }[] }
    expect(funnel.steps.map((s) => s.persons)).toEqual([2, 2, 1, 1])

    // the library resolves its path "/v1/batch" against the host's origin: Trackway's /v1/batch takes Segment bodies too
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.every((u) => u === `${base}/v1/batch`)).toBe(true)
  })

  it('is refused with a wrong write key: the library reports the 401 and nothing is stored', async () => {
    const before = await app.trackway.store.log.count('shop')
    const errors: unknown[] = []
    const analytics = new Analytics({ writeKey: 'wk_not-a-key', host: `${base}/v1/segment`, flushAt: 1, maxRetries: 0 })
    analytics.on('error', (e) => errors.push(e))
    analytics.track({ anonymousId: 'anon-x', event: 'Product Added', properties: { product_id: 'mug', price: 1 } })
    await analytics.closeAndFlush({ timeout: 10_000 })
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.map((e) => String((e as { reason?: Error }).reason?.message))).toEqual([expect.stringContaining('401')])
    expect(await app.trackway.store.log.count('shop')).toBe(before)
  })
})
