import type { Item, WireEvent } from '@trackway/protocol'

/** An event as an API function builds it; the tracker adds id, ts, page and identity fields. */
export type Draft = Partial<WireEvent>

/**
 * The argument that makes this API call misuse, or `undefined` when the call is fine: a required
 * argument that is missing (`undefined`, `null` or `''`), or a `userId` that is not a string — it
 * would be stamped on every later event and get each one rejected.
 *
 * Size hack: the schema's finer rules (types, ranges, lengths, property counts, currency format)
 * are the collector's to enforce; it rejects such an event alone, with a code and message the SDK
 * logs in debug (`rejected`). Checking them here too cost ~100 B of the 3 KB budget to move that
 * same log line earlier.
 */
export const misuse = (required: Draft): string | undefined => {
  for (const f in required) {
    const v = required[f as keyof Draft]
    if (v == null || v === '' || (f == 'userId' && typeof v != 'string')) return f
  }
}

/** Only the wire fields of an item: extra app fields would get the whole event rejected. */
export const pickItem = ({ sku, name, price, quantity }: Item): Item => ({ sku, name, price, quantity })
