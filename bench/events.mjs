// Realistic wire-protocol batches for the ingest benchmark (SPEC §2).
// Content is drawn from a seeded PRNG (reproducible mix); event ids are random, nanoid-like,
// and unique across the run.
import { randomBytes } from 'node:crypto'

export const SITE = 'bench'
export const ORIGIN = 'https://bench.example'
export const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
/** What the collector's ua-parser-js enrichment makes of USER_AGENT (checked against A's rows). */
export const AGENT = { browser: 'Chrome', os: 'Windows', device: 'desktop', isBot: false }

export const EVENTS_PER_BATCH = 50
const ANON_POOL = 5000

/** mulberry32: a small seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

/** Unique 21-char ids of [A-Za-z0-9_-] (126 random bits each, like nanoid). */
function idSource() {
  let buf = Buffer.alloc(0)
  let pos = 0
  const seen = new Set()
  return () => {
    for (;;) {
      if (pos + 21 > buf.length) {
        buf = randomBytes(21 * 4096)
        pos = 0
      }
      let id = ''
      for (let i = 0; i < 21; i++) id += ALPHABET[buf[pos++] & 63]
      if (!seen.has(id)) {
        seen.add(id)
        return id
      }
    }
  }
}

const PRODUCTS = [
  ['TR-2041', 'Trail Runner 2', 89.9],
  ['HK-1107', 'Hiking Boot Alpine', 149],
  ['SK-0032', 'Merino Socks (3 pack)', 24.5],
  ['JK-7710', 'Rain Jacket Light', 119],
  ['BP-3300', 'Daypack 22L', 64.99],
  ['CP-0815', 'Running Cap', 19.9],
  ['TS-2200', 'Tech Tee', 29],
  ['SH-9001', 'Trail Shorts', 39.95],
  ['BT-4410', 'Water Bottle 750ml', 14.9],
  ['GL-5120', 'Running Gloves', 22],
]
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
const CATEGORIES = ['running', 'hiking', 'apparel', 'accessories', 'sale', 'new-arrivals']
const POSTS = ['how-to-choose-trail-shoes', 'winter-running-tips', 'packing-list-day-hike', 'merino-vs-synthetic']
const SEARCHES = ['trail shoes', 'rain jacket', 'socks', 'gift card', 'waterproof boots']
const CAMPAIGNS = ['black_friday_2026', 'winter_sale', 'brand_search', 'retargeting_q4', 'generic_trail_shoes']
const REFERRERS = [
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.google.de/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://www.facebook.com/',
  'https://l.instagram.com/',
  'https://t.co/',
  'https://news.ycombinator.com/',
  'https://www.reddit.com/r/running/',
  'https://bench.example/',
]
const CUSTOM = [
  ['video_play', (r) => ({ video: 'fit-guide', position: Math.floor(r() * 120) })],
  ['newsletter_open', () => ({ placement: 'footer' })],
  ['size_guide_open', (r) => ({ sku: pick(r, PRODUCTS)[0], unit: r() < 0.5 ? 'eu' : 'us' })],
  ['filter_apply', (r) => ({ category: pick(r, CATEGORIES), color: 'blue', size: '42', inStock: true, sort: 'price_asc' })],
  ['share', (r) => ({ network: r() < 0.5 ? 'whatsapp' : 'copy_link', plan: null })],
]

const pick = (r, list) => list[Math.floor(r() * list.length)]

function page(r) {
  const x = r()
  if (x < 0.15) return ['/', 'Trailhead Outdoor — Gear for every trail']
  if (x < 0.5) {
    const [, name] = pick(r, PRODUCTS)
    return [`/products/${slug(name)}`, `${name} | Trailhead Outdoor`]
  }
  if (x < 0.7) {
    const c = pick(r, CATEGORIES)
    return [`/category/${c}${r() < 0.3 ? '?page=2' : ''}`, `${c[0].toUpperCase()}${c.slice(1)} | Trailhead Outdoor`]
  }
  if (x < 0.8) {
    const p = pick(r, POSTS)
    return [`/blog/${p}`, `${p.replaceAll('-', ' ')} — Trailhead Journal`]
  }
  if (x < 0.9) return [`/search?q=${encodeURIComponent(pick(r, SEARCHES))}`, 'Search | Trailhead Outdoor']
  if (x < 0.95) return ['/cart', 'Your cart | Trailhead Outdoor']
  return ['/checkout', 'Checkout | Trailhead Outdoor']
}

function campaignQuery(r) {
  const x = r()
  if (x < 0.12) {
    const gclid = `Cj0KCQiA${Math.floor(r() * 1e12).toString(36)}_BwE`
    return `utm_source=google&utm_medium=cpc&utm_campaign=${pick(r, CAMPAIGNS)}&gclid=${gclid}`
  }
  if (x < 0.18) return `utm_source=facebook&utm_medium=paid_social&utm_campaign=${pick(r, CAMPAIGNS)}&utm_content=carousel_${Math.floor(r() * 4)}`
  if (x < 0.24) return `utm_source=newsletter&utm_medium=email&utm_campaign=newsletter_w47`
  return null
}

function items(r) {
  const n = 1 + Math.floor(r() * 3)
  const out = []
  for (let i = 0; i < n; i++) {
    const [sku, name, price] = pick(r, PRODUCTS)
    out.push({ sku, name, price, quantity: 1 + Math.floor(r() * 2) })
  }
  return out
}

/**
 * A generator of batches; each call returns one body as a Buffer.
 * @param {{seed?: number, now?: number}} [opts]
 */
export function batchSource({ seed = 42, now = Date.now() } = {}) {
  const r = prng(seed)
  const nextId = idSource()
  const anon = Array.from({ length: ANON_POOL }, () => {
    let a = ''
    for (let i = 0; i < 21; i++) a += ALPHABET[Math.floor(r() * 64)]
    return a
  })
  let orders = 0
  let users = 0

  function event() {
    const [path, title] = page(r)
    const x = r()
    const ev = {
      id: nextId(),
      type: 'pageview',
      ts: now - 1000 - Math.floor(r() * 3_599_000),
      anonymousId: pick(r, anon),
      url: ORIGIN + path,
    }
    if (x < 0.55) {
      const q = campaignQuery(r)
      if (q) ev.url += (path.includes('?') ? '&' : '?') + q
      const ref = r()
      if (ref < 0.45) ev.referrer = pick(r, REFERRERS)
      else ev.referrer = ''
      ev.title = title
    } else if (x < 0.65) {
      ev.type = 'engagement'
      ev.engagedMs = 1000 + Math.floor(r() * 120_000)
    } else if (x < 0.74) {
      ev.type = 'cart_add'
      ev.items = items(r)
    } else if (x < 0.76) {
      ev.type = 'cart_remove'
      ev.items = items(r).slice(0, 1)
    } else if (x < 0.81) {
      ev.type = 'checkout'
      ev.items = items(r)
      ev.url = `${ORIGIN}/checkout`
    } else if (x < 0.85) {
      ev.type = 'purchase'
      ev.url = `${ORIGIN}/checkout/thank-you`
      ev.items = items(r)
      ev.orderId = `ORD-${(100000 + ++orders).toString()}-${Math.floor(r() * 1e6).toString(36)}`
      ev.revenue = Math.round(ev.items.reduce((s, i) => s + i.price * i.quantity, 0) * 100) / 100
      ev.currency = r() < 0.7 ? 'USD' : 'EUR'
    } else if (x < 0.94) {
      const [name, props] = pick(r, CUSTOM)
      ev.type = 'custom'
      ev.name = name
      ev.props = props(r)
    } else if (x < 0.96) {
      ev.type = 'signup'
      ev.userId = `user_${++users}_${Math.floor(r() * 1e6).toString(36)}`
      ev.url = `${ORIGIN}/account/welcome`
    } else if (x < 0.98) {
      ev.type = 'identify'
      ev.userId = `user_${Math.floor(r() * 50000)}`
    } else {
      ev.type = 'feedback'
      ev.score = 1 + Math.floor(r() * 5)
      ev.props = { topic: r() < 0.5 ? 'checkout' : 'delivery' }
    }
    return ev
  }

  return function nextBatch() {
    const events = []
    for (let i = 0; i < EVENTS_PER_BATCH; i++) events.push(event())
    return Buffer.from(JSON.stringify({ site: SITE, sentAt: Date.now(), events }))
  }
}

/** `n` bodies, generated up front. */
export function generateBodies(n, opts) {
  const next = batchSource(opts)
  const bodies = new Array(n)
  for (let i = 0; i < n; i++) bodies[i] = next()
  return bodies
}
