import type { Batch, Item, WireEvent } from '@trackway/protocol'
import { seeded, type Random } from './random.js'
import { AGENTS, ARRIVALS, PRODUCTS } from './traffic.js'

export interface DemoOptions {
  /** The site the history is for. */
  site: string
  /** The shop's base URL, e.g. http://127.0.0.1:8787/demo/ */
  shopUrl: string
  /** Days of history, ending now (≤ the collector's maximum event age). */
  days: number
  /** Visitors (persons) to simulate; ~4 % more are crawlers. */
  persons: number
  seed: number
  now: number
}

/** One request of the history: a device's visit, sent with that device's User-Agent. */
export interface DemoRequest {
  userAgent: string
  batch: Batch
}

interface Device {
  anonymousId: string
  userAgent: string
  /** The device clock's error: ts and sentAt carry it, the collector corrects it. */
  skewMs: number
  /** The referral code this browser landed with; the SDK keeps it on every later event. */
  ref?: string
}

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

/**
 * Realistic synthetic history for the demo site: every channel, campaigns (also changing
 * mid-visit), crawlers, persons on two devices, skewed device clocks, carts, checkouts,
 * purchases (some reported twice), signups, referral invites and referred visitors, feedback,
 * and an A/B test whose `big-button` variant converts better. Deterministic for a seed.
 */
export function generateDemo(o: DemoOptions): DemoRequest[] {
  const r = seeded(o.seed)
  const out: DemoRequest[] = []
  const refCodes: string[] = []
  const start = o.now - o.days * DAY
  for (let p = 0; p < o.persons; p++) {
    const phone: Device = device(r, r.chance(0.75) ? 'mobile' : 'tablet')
    const desktop: Device = device(r, 'desktop')
    const devices = r.chance(0.15) ? [phone, desktop] : [r.chance(0.55) ? desktop : phone]
    const variant = r.chance(0.5) ? 'control' : 'big-button'
    let userId: string | null = null
    let t = start + r.next() * (o.days - 0.5) * DAY
    const visits = r.chance(0.35) ? r.int(2, 6) : 1
    for (let v = 0; v < visits && t < o.now - HOUR; v++) {
      const dev = v === 0 ? devices[0]! : r.pick(devices)
      const visit = simulateVisit(r, o, dev, t, { variant, userId, refCodes, converting: variant === 'big-button' ? 1.3 : 1 })
      userId = visit.userId
      out.push(...visit.requests)
      t += r.int(2, 7 * 24) * HOUR * r.next() + 40 * MIN
    }
  }
  for (let b = 0; b < Math.ceil(o.persons * 0.04); b++) out.push(crawl(r, o, start + r.next() * o.days * DAY))
  return out
}

function device(r: Random, kind: 'desktop' | 'mobile' | 'tablet'): Device {
  return { anonymousId: r.id(), userAgent: r.pick(AGENTS[kind]), skewMs: r.chance(0.04) ? r.int(-3, 3) * HOUR : 0 }
}

interface VisitState {
  variant: string
  userId: string | null
  refCodes: string[]
  converting: number
}

function simulateVisit(r: Random, o: DemoOptions, dev: Device, t0: number, s: VisitState) {
  const events: WireEvent[] = []
  let t = t0
  let userId = s.userId
  const arrival = r.weighted(ARRIVALS)(r, s.refCodes)
  const page = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(path, o.shopUrl)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    return url.href
  }
  let url = page(r.chance(0.7) ? 'index.html' : 'product.html', arrival.query)
  if (arrival.query.ref && !dev.ref) dev.ref = arrival.query.ref
  let referrer = arrival.referrer
  const add = (e: Omit<WireEvent, 'id' | 'ts' | 'anonymousId' | 'url'> & { url?: string }) => {
    t += r.int(3, 90) * 1000
    events.push({
      id: r.id(),
      ts: Math.round(t + dev.skewMs),
      anonymousId: dev.anonymousId,
      url,
      referrer,
      ...(userId ? { userId } : {}),
      ...(dev.ref && e.type !== 'referral_invite' ? { referralCode: dev.ref } : {}),
      ...e,
    } as WireEvent)
  }
  const view = (next: string) => {
    if (events.length) add({ type: 'engagement', engagedMs: r.int(4, 150) * 1000 })
    referrer = events.length ? url : referrer
    url = next
    add({ type: 'pageview', title: 'Trackway Demo Shop' })
    if (next.includes('index.html')) add({ type: 'experiment', experiment: 'hero-cta', variant: s.variant })
  }
  view(url)
  if (r.chance(0.03)) view(page('index.html', { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'flash-sale' })) // campaign change mid-visit
  const cart: Item[] = []
  for (let i = r.int(0, 3); i > 0; i--) {
    const product = r.pick(PRODUCTS)
    view(page('product.html', { sku: product.sku }))
    if (r.chance(0.32 * s.converting)) {
      const item = { sku: product.sku, name: product.name, price: product.price, quantity: 1 }
      cart.push(item)
      add({ type: 'cart_add', items: [item] })
    }
  }
  if (cart.length > 0) {
    view(page('cart.html'))
    if (cart.length > 1 && r.chance(0.15)) add({ type: 'cart_remove', items: [cart.pop()!] })
    const revenue = cart.reduce((n, i) => n + i.price * i.quantity, 0)
    if (r.chance(0.55)) {
      add({ type: 'checkout', items: cart, revenue, currency: 'USD' })
      view(page('checkout.html'))
      if (r.chance(0.65 * s.converting)) {
        const orderId = `o-${r.id(10)}`
        add({ type: 'purchase', orderId, revenue, currency: 'USD', items: cart })
        if (r.chance(0.03)) add({ type: 'purchase', orderId, revenue, currency: 'USD', items: cart }) // reported twice
        view(page('thank-you.html', { order: orderId }))
        if (r.chance(0.2)) add({ type: 'custom', name: 'invoice_download', props: { orderId } })
      }
    }
  }
  if (!userId && r.chance(0.12)) {
    view(page('signup.html'))
    const newUser = `user-${r.id(8)}@example.com`
    add({ type: 'signup', userId: newUser, props: { plan: 'free' } })
    userId = newUser
    add({ type: 'identify', userId: newUser })
  } else if (userId && r.chance(0.5)) {
    add({ type: 'identify', userId }) // another device or a later visit logs in
  }
  if (userId && r.chance(0.3)) {
    const code = userId.slice(5, 13)
    if (!s.refCodes.includes(code)) s.refCodes.push(code)
    add({ type: 'referral_invite', referralCode: code })
  }
  if (r.chance(0.06)) add({ type: 'feedback', score: r.weighted([[5, 5], [4, 4], [3, 2], [2, 1], [1, 1]] as const) })
  add({ type: 'engagement', engagedMs: r.int(4, 150) * 1000 })
  return { userId, requests: [{ userAgent: dev.userAgent, batch: { site: o.site, sentAt: o.now + dev.skewMs, events } }] }
}

/** A crawler: many fast pageviews with a bot User-Agent (stored, excluded from metrics). */
function crawl(r: Random, o: DemoOptions, t0: number): DemoRequest {
  const anonymousId = r.id()
  const events: WireEvent[] = Array.from({ length: r.int(5, 20) }, (_, i) => ({
    id: r.id(),
    type: 'pageview' as const,
    ts: Math.round(t0 + i * 2000),
    anonymousId,
    url: new URL(r.pick(['index.html', 'product.html?sku=mug', 'cart.html', 'signup.html']), o.shopUrl).href,
  }))
  return { userAgent: r.pick(AGENTS.bot), batch: { site: o.site, sentAt: o.now, events } }
}
