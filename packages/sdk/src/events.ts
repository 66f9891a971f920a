import type { Item, WireEvent } from '@trackway/protocol'
import { LIMITS } from '@trackway/protocol'

/** An event as an API function builds it; the tracker adds id, ts, page and identity fields. */
export type Draft = Partial<WireEvent>

type Check = (v: any) => unknown

const text: Check = (v) => typeof v == 'string' && v != ''

/**
 * The API contract: required arguments must be present, and the ones that decide what an event
 * means must have the right type and range, else the event is misuse, dropped with a debug
 * warning. The schema's finer bounds (string lengths, property counts, item fields, currency
 * format) are the collector's to enforce: it rejects such an event alone, with a code and message
 * the SDK logs in debug. Size hack: checking them here too would cost ~300 bytes of the 3 KB
 * budget to move that same log line earlier.
 */
const checks: Record<string, Check> = {
  name: text,
  // A bad userId would be stamped on every later event, and get each one rejected.
  userId: text,
  orderId: text,
  revenue: (v) => typeof v == 'number' && v >= 0,
  score: (v) => Number.isInteger(v) && v >= LIMITS.scoreMin && v <= LIMITS.scoreMax,
  items: Array.isArray,
  props: (v) => typeof v == 'object',
}

/**
 * The argument that makes this API call misuse — a `required` one missing, or any failing its
 * check — or `undefined` when the call is fine. Optional arguments may be absent (or null).
 */
export const misuse = (required: Draft, optional: Draft): string | undefined => {
  const fields: Record<string, unknown> = { ...required, ...optional }
  for (const f in fields) if (fields[f] == null ? f in required : checks[f] && !checks[f](fields[f])) return f
}

/** Only the wire fields of an item: extra app fields would get the whole event rejected. */
export const pickItem = ({ sku, name, price, quantity }: Item): Item => ({ sku, name, price, quantity })
