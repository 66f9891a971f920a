import type { Random } from './random.js'

/** User-Agents of the demo's devices (real browsers) and crawlers (flagged as bots). */
export const AGENTS = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  ],
  tablet: ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'],
  bot: [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  ],
} as const

/** How a visit arrives: the landing URL's query and the referrer. */
export interface Arrival {
  query: Record<string, string>
  referrer: string
}

/** One entry per channel of SPEC §4, weighted like a small shop's traffic. */
export const ARRIVALS: readonly (readonly [(r: Random, refCodes: readonly string[]) => Arrival, number])[] = [
  [(r) => ({ query: {}, referrer: r.pick(['https://www.google.com/', 'https://www.google.co.uk/', 'https://www.bing.com/', 'https://duckduckgo.com/']) }), 26],
  [() => ({ query: {}, referrer: '' }), 18],
  [
    (r) => ({
      query: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: r.pick(['brand', 'generic-mugs', 'black-friday']), gclid: r.id(16) },
      referrer: 'https://www.google.com/',
    }),
    14,
  ],
  [
    (r) => ({
      query: { utm_source: r.pick(['facebook', 'instagram']), utm_medium: 'paid_social', utm_campaign: r.pick(['retargeting', 'black-friday']), fbclid: r.id(16) },
      referrer: 'https://l.facebook.com/',
    }),
    9,
  ],
  [(r) => ({ query: {}, referrer: r.pick(['https://t.co/x1', 'https://www.reddit.com/r/coffee/', 'https://l.facebook.com/l.php', 'https://www.linkedin.com/feed/']) }), 8],
  [(r) => ({ query: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: r.pick(['weekly-42', 'weekly-43', 'black-friday']) }, referrer: '' }), 8],
  [(r) => ({ query: {}, referrer: r.pick(['https://blog.example.org/best-mugs', 'https://news.example.net/gift-guide']) }), 6],
  [() => ({ query: { utm_source: 'dv360', utm_medium: 'display', utm_campaign: 'awareness' }, referrer: '' }), 4],
  [(r) => ({ query: { utm_source: r.pick(['coffeedeals', 'giftfinder']), utm_medium: 'affiliate', utm_campaign: 'partners' }, referrer: 'https://coffeedeals.example.com/' }), 3],
  [(r, codes): Arrival => (codes.length ? { query: { ref: r.pick(codes) }, referrer: '' } : { query: {}, referrer: '' }), 4],
]

export const PRODUCTS = [
  { sku: 'mug', name: 'Field Mug', price: 18 },
  { sku: 'tote', name: 'Canvas Tote', price: 24 },
  { sku: 'notebook', name: 'Dot Notebook', price: 12.5 },
  { sku: 'cap', name: 'Trail Cap', price: 29 },
] as const
