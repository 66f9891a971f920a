import { createHash } from 'node:crypto'
import { EVENT_TYPES, ID_PATTERN, type EventType, type Item, type Props, type WireEvent } from '@trackway/protocol'
import { EVENT_ERROR_CODES, type EventErrorCode } from '../../errors.js'

/** Segment's limit on one message (32 KB, as its own clients count it: bytes of the JSON). */
export const SEGMENT_MESSAGE_MAX_BYTES = 32 * 1024
/** Segment's limit on one request (500 KB). */
export const SEGMENT_BATCH_MAX_BYTES = 500 * 1024

type Json = Record<string, unknown>

/** The result of converting one Segment message (SPEC §2.1). */
export type Converted =
  | { kind: 'event'; event: WireEvent; sentAt: number | undefined; userAgent: string | undefined }
  | { kind: 'skipped' }
  | { kind: 'rejected'; code: EventErrorCode; message: string }

/** What the request adds to every message. */
export interface MessageContext {
  /** The batch's `context`, merged under each message's own. */
  context: Json | undefined
  /** The batch's `sentAt` (ms), used when a message has none. */
  sentAt: number | undefined
  /** The page URL of a message without one (server-side sources): the site's first origin + `/`. */
  fallbackUrl: string | undefined
  /** The receive time: the `ts` of a message without `timestamp` (as Segment does). */
  receivedAt: number
}

/** Types Segment clients send that Trackway has no event for: accepted, not stored. */
const NOT_STORED = new Set(['alias', 'group', 'screen'])
const TRACKWAY_TYPES = new Set<string>(EVENT_TYPES.filter((t) => t !== 'custom'))
const idPattern = new RegExp(ID_PATTERN)

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined)
const reject = (code: EventErrorCode, message: string): Converted => ({ kind: 'rejected', code, message })

/** A stable id for a messageId outside `[A-Za-z0-9_-]{8,64}` (or for a message without one: its whole JSON). */
export const hashedId = (text: string) => `sg_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`

/** ISO 8601 text (or ms since epoch) as ms; undefined when absent, NaN when unreadable. */
function timeOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return NaN
  return Date.parse(v)
}

/** `products[]` entries (or one product's own fields) as items: `sku` else `product_id`, quantity 1 by default. */
function itemOf(p: Json): Item {
  // the order of the protocol's Item: stored items JSON reads the same as from /v1/batch
  const item: Json = { sku: str(p.sku) ?? str(p.product_id), name: p.name, price: p.price, quantity: p.quantity ?? 1 }
  for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k]
  return item as unknown as Item
}
const itemsOf = (products: unknown): Item[] | undefined =>
  Array.isArray(products) ? products.map((p) => (isObject(p) ? itemOf(p) : (p as Item))) : undefined

/** Scalar properties not otherwise mapped; nested values are dropped (Trackway props are flat). */
function propsOf(source: Json | undefined, used: ReadonlySet<string>): Props | undefined {
  if (!source) return undefined
  const props: Props = {}
  for (const [k, v] of Object.entries(source)) {
    if (used.has(k)) continue
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) props[k] = v
  }
  return Object.keys(props).length > 0 ? props : undefined
}

const PAGE_FIELDS = new Set(['url', 'referrer', 'title', 'path', 'search', 'referralCode', 'products'])
const PRODUCT_FIELDS = new Set(['sku', 'product_id', 'name', 'price', 'quantity', 'currency', 'referralCode', 'products'])
const ORDER_FIELDS = new Set(['order_id', 'revenue', 'total', 'currency', 'products', 'referralCode'])
const EXPERIMENT_FIELDS = new Set(['experiment_name', 'experiment_id', 'variation_name', 'variation_id', 'referralCode', 'products'])
const TRACKWAY_FIELDS = ['items', 'orderId', 'revenue', 'currency', 'score', 'engagedMs', 'experiment', 'variant', 'referralCode'] as const
const TRACKWAY_USED = new Set<string>([...TRACKWAY_FIELDS, 'products'])
const BASE_FIELDS = new Set(['referralCode', 'products'])

/** The Trackway type and fields of a `track` message (SPEC §2.1 table). */
function trackFields(event: string, p: Json): { type: EventType; fields: Partial<WireEvent>; used: ReadonlySet<string> } {
  const money = p.revenue ?? p.total
  switch (event) {
    case 'Product Added':
    case 'Product Removed':
      return {
        type: event === 'Product Added' ? 'cart_add' : 'cart_remove',
        fields: { items: [itemOf(p)], currency: p.currency as string | undefined },
        used: PRODUCT_FIELDS,
      }
    case 'Checkout Started':
      return { type: 'checkout', fields: { revenue: money as number | undefined, currency: p.currency as string | undefined }, used: ORDER_FIELDS }
    case 'Order Completed':
      return {
        type: 'purchase',
        fields: { orderId: str(p.order_id), revenue: money as number | undefined, currency: p.currency as string | undefined },
        used: ORDER_FIELDS,
      }
    case 'Signed Up':
      return { type: 'signup', fields: {}, used: BASE_FIELDS }
    case 'Experiment Viewed':
      return {
        type: 'experiment',
        fields: { experiment: str(p.experiment_name) ?? str(p.experiment_id), variant: str(p.variation_name) ?? str(p.variation_id) },
        used: EXPERIMENT_FIELDS,
      }
  }
  if (TRACKWAY_TYPES.has(event)) {
    const fields: Json = {}
    for (const f of TRACKWAY_FIELDS) if (p[f] !== undefined) fields[f] = p[f]
    const used = new Set(TRACKWAY_USED)
    if (event === 'referral_invite' && fields.referralCode === undefined && p.code !== undefined) {
      fields.referralCode = p.code
      used.add('code')
    }
    return { type: event as EventType, fields: fields as Partial<WireEvent>, used }
  }
  return { type: 'custom', fields: { name: event }, used: BASE_FIELDS }
}

/**
 * One Segment message (HTTP Tracking API) as a Trackway event, by the table of SPEC §2.1. The
 * result still goes through the protocol's validation like any `/v1/batch` event: this only maps
 * names, and rejects what cannot be mapped at all (unknown type, no id of a person, bad time).
 */
export function convertSegmentMessage(raw: unknown, c: MessageContext): Converted {
  if (!isObject(raw)) return reject(EVENT_ERROR_CODES.invalidField, 'a message must be an object')
  const type = raw.type
  if (typeof type === 'string' && NOT_STORED.has(type)) return { kind: 'skipped' }
  if (type !== 'page' && type !== 'identify' && type !== 'track') {
    return reject(EVENT_ERROR_CODES.invalidType, `"type" must be page, identify, track, alias, group or screen, got ${JSON.stringify(type ?? null)}`)
  }
  const context: Json = { ...c.context, ...(isObject(raw.context) ? raw.context : {}) }
  const page: Json = { ...(isObject(c.context?.page) ? c.context.page : {}), ...(isObject(context.page) ? context.page : {}) }
  const properties: Json = type === 'identify' ? (isObject(raw.traits) ? raw.traits : {}) : isObject(raw.properties) ? raw.properties : {}

  const anonymousId = str(raw.anonymousId) || str(raw.userId)
  if (!anonymousId) return reject(EVENT_ERROR_CODES.missingField, '"anonymousId" or "userId" is required')
  const userId = str(raw.userId) || undefined

  const sentAt = timeOf(raw.sentAt) ?? c.sentAt
  if (sentAt !== undefined && !Number.isFinite(sentAt)) return reject(EVENT_ERROR_CODES.invalidField, '"sentAt" is not an ISO 8601 time')
  const ts = timeOf(raw.timestamp)
  if (ts !== undefined && !Number.isFinite(ts)) return reject(EVENT_ERROR_CODES.invalidField, '"timestamp" is not an ISO 8601 time')

  let fields: Partial<WireEvent>
  let eventType: EventType
  let used: ReadonlySet<string>
  if (type === 'page') {
    eventType = 'pageview'
    fields = {}
    used = PAGE_FIELDS
  } else if (type === 'identify') {
    eventType = 'identify'
    fields = {}
    used = BASE_FIELDS
  } else {
    const name = raw.event
    if (typeof name !== 'string' || name === '') return reject(EVENT_ERROR_CODES.missingField, '"event" is required for track messages')
    ;({ type: eventType, fields, used } = trackFields(name, properties))
  }

  const messageId = str(raw.messageId)
  const id = messageId !== undefined && idPattern.test(messageId) ? messageId : hashedId(messageId ?? JSON.stringify(raw))
  const url = str(page.url) ?? str(type === 'page' ? properties.url : undefined) ?? c.fallbackUrl
  if (url === undefined) return reject(EVENT_ERROR_CODES.missingField, 'no page URL ("context.page.url") and the site has no origin to default to')
  const referrer = str(page.referrer) ?? str(type === 'page' ? properties.referrer : undefined)
  const title = str(page.title) ?? str(type === 'page' ? properties.title : undefined)
  const referralCode = properties.referralCode

  const event: Json = {
    id,
    type: eventType,
    ts: ts !== undefined ? Math.round(ts) : Math.round(sentAt ?? c.receivedAt),
    anonymousId,
    url,
    ...fields,
  }
  if (userId !== undefined) event.userId = userId
  if (referrer) event.referrer = referrer
  if (title !== undefined) event.title = title
  const items = itemsOf(properties.products)
  if (items !== undefined && event.items === undefined) event.items = items
  if (referralCode !== undefined && event.referralCode === undefined) event.referralCode = referralCode
  const props = propsOf(properties, used)
  if (props) event.props = props
  for (const k of Object.keys(event)) if (event[k] === undefined) delete event[k]
  const userAgent = str(context.userAgent)
  return { kind: 'event', event: event as unknown as WireEvent, sentAt, userAgent: userAgent || undefined }
}
