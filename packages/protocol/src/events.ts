/** Every event type of wire protocol v1 (SPEC §2). */
export const EVENT_TYPES = [
  'pageview',
  'engagement',
  'cart_add',
  'cart_remove',
  'checkout',
  'purchase',
  'signup',
  'identify',
  'referral_invite',
  'feedback',
  'experiment',
  'custom',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

/** A line item of a cart, checkout or purchase. */
export interface Item {
  sku: string
  name?: string
  price: number
  quantity: number
}

/** Free-form properties: flat, bounded (see LIMITS). */
export type Props = Record<string, string | number | boolean | null>

/** One event as sent on the wire (camelCase, SPEC §2). */
export interface WireEvent {
  id: string
  type: EventType
  name?: string
  ts: number
  anonymousId: string
  userId?: string
  url: string
  referrer?: string
  title?: string
  props?: Props
  orderId?: string
  revenue?: number
  currency?: string
  items?: Item[]
  referralCode?: string
  score?: number
  experiment?: string
  variant?: string
  engagedMs?: number
}

/** The body of `POST /v1/batch`. */
export interface Batch {
  site: string
  sentAt?: number
  events: WireEvent[]
}

/** One rejected event in a batch response. */
export interface Rejection {
  index: number
  code: string
  message: string
}

/** The 200 answer of `POST /v1/batch`. */
export interface BatchResponse {
  accepted: number
  duplicates: number
  rejected: Rejection[]
}

/** An error answer of any route. */
export interface ErrorResponse {
  error: { code: string; message: string }
}

/** Event types whose `items` field is allowed. */
export const ITEM_TYPES: readonly EventType[] = ['cart_add', 'cart_remove', 'checkout', 'purchase']

/** Campaign parameters parsed from an event's URL (SPEC §3); names are case-sensitive. */
export const CAMPAIGN_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'utm_id',
  'gclid',
  'fbclid',
  'msclkid',
] as const

export type CampaignParam = (typeof CAMPAIGN_PARAMS)[number]

/** The landing-URL query parameter that carries a referral code. */
export const REFERRAL_PARAM = 'ref'

/**
 * The `anonymousId` a cookieless SDK sends: it keeps no persistent id, and the collector
 * replaces it with a daily-rotating hash of (salt, site, IP, User-Agent) (SPEC §3).
 */
export const COOKIELESS_ID = '$cookieless'
