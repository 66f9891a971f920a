// Synthetic event history for the report benchmark (bench/reports.mjs): EventRow objects
// (packages/collector/src/store/types.ts) as the collector's enrich() would store them, built
// directly (no HTTP, no wire JSON). A plain-JS port of the demo generator
// (packages/collector/src/demo/generate.ts), scaled up and with more variety:
//
// - persons with 1–6 visits (65 % one) over 28 days; 15 % on two devices (phone + desktop);
// - every channel of SPEC §4 via utm_* / gclid / fbclid / ?ref= / referrer, weighted like the demo;
//   3 % of visits change campaign mid-visit (a second session in the same 30-min segment);
// - ~35 % bounces (one pageview), otherwise browsing of categories/products/blog, carts,
//   checkouts, purchases with orderIds (3 % reported twice), signups + identify (linking the
//   person's devices), referral invites, feedback, experiment exposures, engagement events;
// - ~3 % of the events from crawlers (is_bot, excluded from reports);
// - device clocks skewed on 4 % of devices: ts carries the skew, t is the corrected time.
//
// Deterministic for a seed (ids come from the same seeded PRNG).

export const SITE = 'bench-reports'
export const ORIGIN = 'https://shop.example'
export const SITE_HOST = 'shop.example'
/** The end of the generated history, and of the benchmark's report range. */
export const NOW = Date.UTC(2026, 10, 23) // 2026-11-23T00:00:00Z
export const DAYS = 28
/** Bump when the generator changes: a cached store of another version is rebuilt. */
export const GENERATOR_VERSION = 'reports-data v1'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const BOT_SHARE = 0.03

/** mulberry32, like packages/collector/src/demo/random.ts. */
function seeded(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const ID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
  return {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    weighted: (xs) => {
      let r = next() * xs.reduce((n, [, w]) => n + w, 0)
      for (const [v, w] of xs) if ((r -= w) < 0) return v
      return xs[xs.length - 1][0]
    },
    id: (n = 21) => {
      let s = ''
      for (let i = 0; i < n; i++) s += ID[Math.floor(next() * 64)]
      return s
    },
  }
}

/** What ua-parser-js + isbot make of the demo's agents (packages/collector/src/demo/traffic.ts). */
const AGENTS = {
  desktop: [
    [{ browser: 'Chrome', os: 'Windows', device: 'desktop', isBot: false }, 45],
    [{ browser: 'Safari', os: 'Mac OS', device: 'desktop', isBot: false }, 25],
    [{ browser: 'Firefox', os: 'Linux', device: 'desktop', isBot: false }, 10],
    [{ browser: 'Edge', os: 'Windows', device: 'desktop', isBot: false }, 20],
  ],
  mobile: [
    [{ browser: 'Mobile Safari', os: 'iOS', device: 'mobile', isBot: false }, 55],
    [{ browser: 'Mobile Chrome', os: 'Android', device: 'mobile', isBot: false }, 45],
  ],
  tablet: [[{ browser: 'Mobile Safari', os: 'iOS', device: 'tablet', isBot: false }, 1]],
  bot: [
    [{ browser: null, os: null, device: 'bot', isBot: true }, 1],
  ],
}

const COUNTRIES = [
  ['US', 30], ['DE', 14], ['GB', 10], ['FR', 7], ['CA', 5], ['NL', 4], ['AU', 4], ['AT', 3], ['CH', 3],
  ['SE', 2], ['ES', 3], ['IT', 3], ['PL', 2], ['BR', 2], ['JP', 2], [null, 6],
]

const PRODUCTS = Array.from({ length: 120 }, (_, i) => {
  const kinds = ['mug', 'tote', 'notebook', 'cap', 'tee', 'poster', 'socks', 'bottle']
  const kind = kinds[i % kinds.length]
  return { sku: `${kind}-${String(i).padStart(3, '0')}`, name: `${kind[0].toUpperCase()}${kind.slice(1)} no. ${i}`, price: 8 + ((i * 37) % 90) + 0.5 * (i % 2) }
})
const CATEGORIES = ['kitchen', 'bags', 'paper', 'apparel', 'home', 'sale', 'new', 'gifts']
const POSTS = Array.from({ length: 40 }, (_, i) => `post-${i}`)

/** How a visit arrives: one entry per channel of SPEC §4, weighted like generate.ts's ARRIVALS. */
const ARRIVALS = [
  [(r) => ({ query: null, referrer: r.pick(['https://www.google.com/', 'https://www.google.co.uk/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://www.ecosia.org/']) }), 26],
  [() => ({ query: null, referrer: null }), 18],
  [(r) => ({ query: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: r.pick(['brand', 'generic-mugs', 'black-friday', 'shopping-feed']), utm_term: r.chance(0.5) ? r.pick(['mug', 'coffee mug', 'tote bag', 'gift']) : null, gclid: r.id(16) }, referrer: 'https://www.google.com/' }), 14],
  [(r) => ({ query: { utm_source: r.pick(['facebook', 'instagram']), utm_medium: 'paid_social', utm_campaign: r.pick(['retargeting', 'black-friday', 'lookalike']), utm_content: r.pick(['video-a', 'carousel-b', null]), fbclid: r.id(16) }, referrer: 'https://l.facebook.com/' }), 9],
  [(r) => ({ query: null, referrer: r.pick(['https://t.co/x1', 'https://www.reddit.com/r/coffee/', 'https://l.facebook.com/l.php', 'https://www.linkedin.com/feed/', 'https://www.pinterest.com/', 'https://www.youtube.com/']) }), 8],
  [(r) => ({ query: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: r.pick(['weekly-44', 'weekly-45', 'weekly-46', 'weekly-47', 'black-friday']) }, referrer: null }), 8],
  [(r) => ({ query: null, referrer: r.pick(['https://blog.example.org/best-mugs', 'https://news.example.net/gift-guide', 'https://forum.example.com/t/123']) }), 6],
  [(r) => ({ query: { utm_source: r.pick(['dv360', 'criteo']), utm_medium: r.pick(['display', 'banner']), utm_campaign: 'awareness' }, referrer: null }), 4],
  [(r) => ({ query: { utm_source: r.pick(['coffeedeals', 'giftfinder']), utm_medium: 'affiliate', utm_campaign: 'partners', utm_id: r.pick(['aff-1', 'aff-2', 'aff-3']) }, referrer: 'https://coffeedeals.example.com/' }), 3],
  [(r, codes) => (codes.length ? { query: { ref: r.pick(codes) }, referrer: null } : { query: null, referrer: null }), 4],
]

const CAMPAIGN_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id', 'gclid', 'fbclid', 'msclkid']

const domainCache = new Map()
/** referrerDomain as url-fields.ts computes it (same-site referrers are null). */
function referrerDomainOf(referrer) {
  if (!referrer) return null
  let d = domainCache.get(referrer)
  if (d !== undefined) return d
  let host = new URL(referrer).hostname.toLowerCase()
  if (host.startsWith('www.')) host = host.slice(4)
  d = host === SITE_HOST || host.endsWith(`.${SITE_HOST}`) ? null : host
  if (domainCache.size < 10_000) domainCache.set(referrer, d)
  return d
}

function urlOf(path, query) {
  if (!query) return `${ORIGIN}${path}`
  const qs = Object.entries(query).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return qs ? `${ORIGIN}${path}?${qs}` : `${ORIGIN}${path}`
}

/**
 * Yields arrays of EventRow (≤ chunkRows each) until exactly `events` rows were produced, in
 * generation order (person by person); the benchmark sorts them by received_at afterwards.
 * `stats` (optional object) receives counts of what was generated.
 */
export function* eventChunks({ events, chunkRows = 200_000, seed = 42, now = NOW, days = DAYS, stats = {} }) {
  const r = seeded(seed)
  const start = now - days * DAY
  const refCodes = []
  Object.assign(stats, { events: 0, persons: 0, visits: 0, devices: 0, bots: 0, botEvents: 0, purchases: 0, signups: 0 })
  let chunk = []
  let produced = 0

  const device = (kind) => ({
    anonymousId: r.id(),
    agent: r.weighted(AGENTS[kind]),
    country: r.weighted(COUNTRIES),
    skewMs: r.chance(0.04) ? r.int(-3, 3) * HOUR : 0,
    ref: null,
  })

  /** One enriched row; `t` is the corrected event time. */
  const row = (dev, t, type, page, referrer, userId, extra) => {
    const q = page.query
    const ts = Math.round(t + dev.skewMs)
    return {
      site: SITE,
      id: r.id(),
      type,
      name: extra?.name ?? null,
      t: Math.round(t),
      ts,
      receivedAt: Math.round(t) + 200 + Math.floor(r.next() * 4000),
      anonymousId: dev.anonymousId,
      userId: extra?.userId ?? userId ?? null,
      url: page.url,
      path: page.path,
      referrer: referrer || null,
      referrerDomain: referrerDomainOf(referrer),
      title: type === 'pageview' ? page.title : null,
      props: extra?.props ? JSON.stringify(extra.props) : null,
      orderId: extra?.orderId ?? null,
      revenue: extra?.revenue ?? null,
      currency: extra?.revenue !== undefined ? 'USD' : null,
      items: extra?.items ? JSON.stringify(extra.items) : null,
      referralCode: extra?.referralCode !== undefined ? extra.referralCode : (dev.ref ?? null),
      urlRef: q?.ref ?? null,
      score: extra?.score ?? null,
      experiment: extra?.experiment ?? null,
      variant: extra?.variant ?? null,
      engagedMs: extra?.engagedMs ?? null,
      browser: dev.agent.browser,
      os: dev.agent.os,
      device: dev.agent.device,
      isBot: dev.agent.isBot,
      country: dev.country,
      utmSource: q?.utm_source ?? null,
      utmMedium: q?.utm_medium ?? null,
      utmCampaign: q?.utm_campaign ?? null,
      utmTerm: q?.utm_term ?? null,
      utmContent: q?.utm_content ?? null,
      utmId: q?.utm_id ?? null,
      gclid: q?.gclid ?? null,
      fbclid: q?.fbclid ?? null,
      msclkid: q?.msclkid ?? null,
    }
  }

  const page = (path, query = null, title = 'Trackway Demo Shop') => {
    const q = query && Object.keys(query).some((k) => query[k] !== null && query[k] !== undefined) ? query : null
    return { path, query: q, url: urlOf(path, q), title }
  }

  /** One visit of `dev` from t0; returns the rows and the (maybe new) userId. */
  function visit(dev, t0, s) {
    const rows = []
    let t = t0
    let userId = s.userId
    const arrival = r.weighted(ARRIVALS)(r, refCodes)
    if (arrival.query?.ref && !dev.ref) dev.ref = arrival.query.ref
    let current = page(r.chance(0.55) ? '/' : r.chance(0.6) ? `/products/${r.pick(PRODUCTS).sku}` : `/blog/${r.pick(POSTS)}`, arrival.query)
    let referrer = arrival.referrer
    const add = (type, extra) => {
      t += r.int(3, 90) * 1000
      rows.push(row(dev, t, type, current, referrer, userId, extra))
    }
    const view = (next) => {
      if (rows.length) add('engagement', { engagedMs: r.int(4, 150) * 1000 })
      referrer = rows.length ? current.url : referrer
      current = next
      add('pageview')
      if (next.path === '/') add('experiment', { experiment: 'hero-cta', variant: s.variant })
    }
    view(current)
    if (r.chance(0.35)) {
      // A bounce: one pageview, sometimes with an engagement ping when the tab closes.
      if (r.chance(0.5)) add('engagement', { engagedMs: r.int(1, 40) * 1000 })
      return { rows, userId }
    }
    if (r.chance(0.03)) view(page('/', { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'flash-sale' })) // campaign change mid-visit
    if (r.chance(0.4)) view(page(`/category/${r.pick(CATEGORIES)}`))
    if (r.chance(0.1)) view(page(`/blog/${r.pick(POSTS)}`))
    const cart = []
    for (let i = r.int(0, 4); i > 0; i--) {
      const product = r.pick(PRODUCTS)
      view(page(`/products/${product.sku}`))
      if (r.chance(0.3 * s.converting)) {
        const item = { sku: product.sku, name: product.name, price: product.price, quantity: 1 }
        cart.push(item)
        add('cart_add', { items: [item] })
      }
    }
    if (cart.length > 0) {
      view(page('/cart'))
      if (cart.length > 1 && r.chance(0.15)) add('cart_remove', { items: [cart.pop()] })
      const revenue = Math.round(cart.reduce((n, i) => n + i.price * i.quantity, 0) * 100) / 100
      if (r.chance(0.55)) {
        add('checkout', { items: cart, revenue })
        view(page('/checkout'))
        if (r.chance(0.65 * s.converting)) {
          const orderId = `o-${r.id(10)}`
          add('purchase', { orderId, revenue, items: cart })
          stats.purchases++
          if (r.chance(0.03)) add('purchase', { orderId, revenue, items: cart }) // reported twice
          view(page('/thank-you', { order: orderId }))
          if (r.chance(0.2)) add('custom', { name: 'invoice_download', props: { orderId } })
        }
      }
    }
    if (!userId && r.chance(0.12)) {
      view(page('/signup'))
      const newUser = `user-${r.id(8)}@example.com`
      add('signup', { userId: newUser, props: { plan: 'free' } })
      stats.signups++
      userId = newUser
      add('identify', { userId: newUser })
    } else if (userId && r.chance(0.5)) {
      add('identify', { userId }) // another device or a later visit logs in
    }
    if (userId && r.chance(0.3)) {
      const code = userId.slice(5, 13)
      if (refCodes.length < 5000 && !refCodes.includes(code)) refCodes.push(code)
      add('referral_invite', { referralCode: code })
    }
    if (r.chance(0.06)) add('feedback', { score: r.weighted([[5, 5], [4, 4], [3, 2], [2, 1], [1, 1]]) })
    add('engagement', { engagedMs: r.int(4, 150) * 1000 })
    return { rows, userId }
  }

  /** A crawler: many fast pageviews with a bot User-Agent (stored, excluded from reports). */
  function crawl(t0) {
    const dev = device('bot')
    const n = r.int(5, 20)
    const rows = []
    for (let i = 0; i < n; i++) {
      const p = page(r.pick(['/', `/products/${r.pick(PRODUCTS).sku}`, `/category/${r.pick(CATEGORIES)}`, '/cart', '/signup', `/blog/${r.pick(POSTS)}`]))
      rows.push(row(dev, t0 + i * 2000, 'pageview', p, null, null))
    }
    return rows
  }

  function* emit(rows) {
    for (const x of rows) {
      if (produced >= events) return
      chunk.push(x)
      produced++
      if (chunk.length >= chunkRows) {
        yield chunk
        chunk = []
      }
    }
  }

  while (produced < events) {
    if (stats.botEvents < BOT_SHARE * produced) {
      const rows = crawl(start + r.next() * days * DAY)
      stats.bots++
      stats.botEvents += rows.length
      yield* emit(rows)
      continue
    }
    stats.persons++
    const phone = device(r.chance(0.75) ? 'mobile' : 'tablet')
    const desktop = device('desktop')
    const devices = r.chance(0.15) ? [phone, desktop] : [r.chance(0.55) ? desktop : phone]
    stats.devices += devices.length
    const s = { variant: r.chance(0.5) ? 'control' : 'big-button', userId: null, converting: 1 }
    s.converting = s.variant === 'big-button' ? 1.3 : 1
    let t = start + r.next() * (days - 0.5) * DAY
    const visits = r.chance(0.35) ? r.int(2, 6) : 1
    for (let v = 0; v < visits && t < now - HOUR; v++) {
      const dev = v === 0 ? devices[0] : r.pick(devices)
      const out = visit(dev, t, s)
      s.userId = out.userId
      stats.visits++
      yield* emit(out.rows)
      t += r.int(2, 7 * 24) * HOUR * r.next() + 40 * MIN
    }
  }
  if (chunk.length) yield chunk
  stats.events = produced
}
