import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { batchResponseSchema, errorResponseSchema, type BatchResponse, type Props, type WireEvent } from '@trackway/protocol'
import { InvalidEvent, OriginNotAllowed, UnknownSite } from '../../errors.js'
import type { SiteEntry, SiteRegistry } from '../../sites/registry.js'
import { acceptEvents } from '../accept.js'
import { shedWhenFull } from '../load-shedding.js'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 429: errorResponseSchema, 503: errorResponseSchema }

/** The sites a Plausible `d` names: comma-separated site ids or hosts of their origins (the tracker may report to several). */
export function sitesOfDomain(sites: SiteRegistry, domain: string): SiteEntry[] {
  const found = new Map<string, SiteEntry>()
  for (const part of domain.split(',')) {
    const name = part.trim().toLowerCase()
    if (!name) continue
    const site = sites.get(name) ?? sites.list().find((s) => s.hosts.includes(name) || s.hosts.includes(name.replace(/^www\./, '')))
    if (site) found.set(site.id, site)
  }
  return [...found.values()]
}

/** `p`: an object or its JSON text; flat values kept (Plausible props are strings), nested ones dropped. */
function propsOf(p: unknown): Props | undefined {
  let v = p
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      throw new InvalidEvent('invalid_field', '"p" (props) is not a JSON object')
    }
  }
  if (v === undefined || v === null) return undefined
  if (!isObject(v)) throw new InvalidEvent('invalid_field', '"p" (props) must be an object')
  const props: Props = {}
  for (const [k, x] of Object.entries(v)) {
    if (x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))) props[k] = x
  }
  return Object.keys(props).length > 0 ? props : undefined
}

/** `$`: `{amount, currency}` with a number or numeric text amount. */
function revenueOf(r: unknown): { revenue: number; currency: string | undefined } | undefined {
  if (r === undefined || r === null) return undefined
  let v = r
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      throw new InvalidEvent('invalid_field', '"$" (revenue) is not a JSON object')
    }
  }
  if (!isObject(v)) throw new InvalidEvent('invalid_field', '"$" (revenue) must be {amount, currency}')
  const amount = typeof v.amount === 'string' && v.amount.trim() !== '' ? Number(v.amount) : v.amount
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new InvalidEvent('invalid_field', '"$.amount" must be a number')
  if (v.currency !== undefined && v.currency !== null && typeof v.currency !== 'string') throw new InvalidEvent('invalid_field', '"$.currency" must be an ISO 4217 code')
  // without a currency the amount is in the site's currency (SPEC §2)
  return { revenue: amount, currency: typeof v.currency === 'string' ? v.currency.toUpperCase() : undefined }
}

const field = (body: Json, short: string, long: string) => body[short] ?? body[long]

/**
 * `POST /api/event`, Plausible's events API (SPEC §2.1), answered 202. Plausible clients send no
 * ids: the visitor is the cookieless daily id of §3 and the event id a hash of visitor, name, URL
 * and receive time, so an exact re-send in the same millisecond is one event, and any later
 * re-send a second one — these clients deliver at most once.
 */
export const plausibleRoute = fp(
  async (app: FastifyInstance) => {
    app.post(
      '/api/event',
      { schema: { response: { 202: batchResponseSchema, ...errors } }, onRequest: shedWhenFull(app) },
      async (request: FastifyRequest, reply): Promise<BatchResponse> => {
        const receivedAt = Date.now()
        const body = request.body
        if (!isObject(body)) throw new InvalidEvent('invalid_field', 'the body must be an event object')
        const domain = field(body, 'd', 'domain')
        if (typeof domain !== 'string' || domain.trim() === '') throw new InvalidEvent('missing_field', '"d" (domain) is required')
        const name = field(body, 'n', 'name')
        if (typeof name !== 'string' || name === '') throw new InvalidEvent('missing_field', '"n" (name) is required')
        const url = field(body, 'u', 'url')
        if (typeof url !== 'string' || url === '') throw new InvalidEvent('missing_field', '"u" (url) is required')
        const referrer = field(body, 'r', 'referrer')
        if (referrer !== undefined && referrer !== null && typeof referrer !== 'string') throw new InvalidEvent('invalid_field', '"r" (referrer) must be a string')
        const props = propsOf(field(body, 'p', 'props'))
        const money = revenueOf(field(body, '$', 'revenue'))

        const targets = sitesOfDomain(app.trackway.sites, domain)
        if (targets.length === 0) throw new UnknownSite(domain)
        const origin = request.headers.origin
        for (const site of targets) if (!app.trackway.sites.allows(site, origin)) throw new OriginNotAllowed(String(origin), site.id)

        const sum: BatchResponse = { accepted: 0, duplicates: 0, rejected: [] }
        for (const site of targets) {
          const visitor = app.trackway.salt.visitorId(site.id, request.ip, request.headers['user-agent'] ?? '')
          const id = createHash('sha256').update(`${visitor}\0${name}\0${url}\0${receivedAt}`).digest('base64url').slice(0, 22)
          const engagement = name === 'engagement' && !money
          const event: WireEvent = {
            id,
            type: money ? 'purchase' : name === 'pageview' ? 'pageview' : engagement ? 'engagement' : 'custom',
            ts: receivedAt,
            anonymousId: visitor,
            url,
            ...(typeof referrer === 'string' && referrer !== '' ? { referrer } : {}),
            ...(props ? { props } : {}),
            // a goal with revenue is a purchase, named by its goal; each such event one order (no order id on the wire)
            ...(money ? { orderId: id, revenue: money.revenue, ...(money.currency ? { currency: money.currency } : {}) } : {}),
            ...(name !== 'pageview' && !engagement ? { name } : {}),
            // the tracker's own "engagement" ping: `e` is the visible time since its last one, as
            // Trackway's engagedMs; as a custom event it would turn every bounce into a non-bounce
            ...(engagement ? { engagedMs: typeof body.e === 'number' ? body.e : 0 } : {}),
          }
          const r = await acceptEvents(app, request, site, receivedAt, [{ index: 0, event, sentAt: undefined }])
          const bad = r.rejected[0]
          if (bad) throw new InvalidEvent(bad.code, bad.message)
          sum.accepted += r.accepted
          sum.duplicates += r.duplicates
        }
        reply.code(202)
        return sum
      },
    )
  },
  { name: 'trackway-plausible' },
)
