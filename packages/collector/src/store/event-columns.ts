import type { EventRow } from './event-log.js'

/*
 * The columns of the event log, in order: how each EventRow field is stored by every adapter
 * (names in snake_case; the kind maps to each engine's type).
 */

export type Kind = 'varchar' | 'bigint' | 'double' | 'integer' | 'boolean'

/** The events table, column by column; each adapter's DDL and writer are derived from this list. */
export const EVENT_COLUMNS: readonly (readonly [column: string, field: keyof EventRow, kind: Kind, notNull?: boolean])[] = [
  ['site', 'site', 'varchar', true],
  ['id', 'id', 'varchar', true],
  ['type', 'type', 'varchar', true],
  ['name', 'name', 'varchar'],
  ['t', 't', 'bigint', true],
  ['ts', 'ts', 'bigint', true],
  ['received_at', 'receivedAt', 'bigint', true],
  ['anonymous_id', 'anonymousId', 'varchar', true],
  ['user_id', 'userId', 'varchar'],
  ['url', 'url', 'varchar', true],
  ['path', 'path', 'varchar', true],
  ['referrer', 'referrer', 'varchar'],
  ['referrer_domain', 'referrerDomain', 'varchar'],
  ['title', 'title', 'varchar'],
  ['props', 'props', 'varchar'],
  ['order_id', 'orderId', 'varchar'],
  ['revenue', 'revenue', 'double'],
  ['currency', 'currency', 'varchar'],
  ['items', 'items', 'varchar'],
  ['referral_code', 'referralCode', 'varchar'],
  ['url_ref', 'urlRef', 'varchar'],
  ['score', 'score', 'integer'],
  ['experiment', 'experiment', 'varchar'],
  ['variant', 'variant', 'varchar'],
  ['engaged_ms', 'engagedMs', 'double'],
  ['browser', 'browser', 'varchar'],
  ['os', 'os', 'varchar'],
  ['device', 'device', 'varchar', true],
  ['is_bot', 'isBot', 'boolean', true],
  ['country', 'country', 'varchar'],
  ['utm_source', 'utmSource', 'varchar'],
  ['utm_medium', 'utmMedium', 'varchar'],
  ['utm_campaign', 'utmCampaign', 'varchar'],
  ['utm_term', 'utmTerm', 'varchar'],
  ['utm_content', 'utmContent', 'varchar'],
  ['utm_id', 'utmId', 'varchar'],
  ['gclid', 'gclid', 'varchar'],
  ['fbclid', 'fbclid', 'varchar'],
  ['msclkid', 'msclkid', 'varchar'],
]

/**
 * A stored row read back (columns by name, as either engine returns them) as an EventRow:
 * 64-bit integers (bigint or number) and 0/1 booleans become JS numbers and booleans.
 */
export function eventRowOf(columns: Record<string, unknown>): EventRow {
  const out: Record<string, unknown> = {}
  for (const [column, field, kind] of EVENT_COLUMNS) {
    const v = columns[column]
    if (v === null || v === undefined) out[field] = null
    else if (kind === 'boolean') out[field] = v === true || v === 1 || v === '1'
    else if (kind === 'varchar') out[field] = String(v)
    else out[field] = Number(v)
  }
  return out as unknown as EventRow
}

/** Rows read back column by column (values in EVENT_COLUMNS order, as eventRowOf takes them) as EventRows. */
export function eventRowsOfColumns(columns: readonly (readonly unknown[])[], n: number): EventRow[] {
  const rows = new Array<EventRow>(n)
  for (let i = 0; i < n; i++) {
    const out: Record<string, unknown> = {}
    for (let c = 0; c < EVENT_COLUMNS.length; c++) {
      const [, field, kind] = EVENT_COLUMNS[c]!
      const v = columns[c]![i]
      out[field] = v === null || v === undefined ? null : kind === 'bigint' || kind === 'integer' || kind === 'double' ? Number(v) : kind === 'boolean' ? v === true || v === 1 : v
    }
    rows[i] = out as unknown as EventRow
  }
  return rows
}
