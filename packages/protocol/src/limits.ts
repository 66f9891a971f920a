/**
 * Bounds of wire protocol v1 (SPEC §1.4 "bounded everything", §2 field rules).
 * The collector enforces them; the SDK uses them to avoid sending what would be rejected.
 */
export const LIMITS = {
  /** Events per batch: 1..500 (`400 batch_too_large` above). */
  maxBatchEvents: 500,
  /** Default body limit of `POST /v1/batch`, also applied after gzip decompression. */
  maxBodyBytes: 512 * 1024,
  idMinLength: 8,
  idMaxLength: 64,
  nameMaxLength: 120,
  anonymousIdMaxLength: 64,
  userIdMaxLength: 128,
  urlMaxLength: 2048,
  referrerMaxLength: 2048,
  titleMaxLength: 512,
  propsMaxKeys: 50,
  propKeyMaxLength: 64,
  propValueMaxLength: 512,
  maxItems: 100,
  /** Short free-text fields: orderId, sku, item name, referralCode, experiment, variant. */
  shortStringMaxLength: 256,
  scoreMin: 1,
  scoreMax: 5,
  /** An event's `ts` may be at most this far ahead of the client's `sentAt`. */
  maxFutureSkewMs: 60_000,
  /** Default oldest accepted event age (configurable on the collector). */
  defaultMaxEventAgeMs: 30 * 24 * 60 * 60 * 1000,
} as const

/** The pattern of an event `id` (SDK: nanoid, 21 chars). */
export const ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$'
/** ISO 4217 currency code. */
export const CURRENCY_PATTERN = '^[A-Z]{3}$'
/** A site id: lower-case slug. */
export const SITE_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$'

/** Protocol version served under `/v1`. */
export const PROTOCOL_VERSION = 1
