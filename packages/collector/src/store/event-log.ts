/*
 * The event log (SPEC §1.1): the immutable record of every stored event, the one truth that
 * persons, sessions and metrics are derived from. Every store adapter implements EventLog.
 */

/** One stored, enriched event (the immutable log; SPEC §1.1). Times are ms since epoch. */
export interface EventRow {
  site: string
  id: string
  type: string
  name: string | null
  /** Skew-corrected event time (SPEC §2): ts + (receivedAt − sentAt). */
  t: number
  /** Client clock time as sent; identical on retries, so dedup can look it up. */
  ts: number
  receivedAt: number
  anonymousId: string
  userId: string | null
  url: string
  path: string
  referrer: string | null
  referrerDomain: string | null
  title: string | null
  props: string | null
  orderId: string | null
  revenue: number | null
  currency: string | null
  items: string | null
  referralCode: string | null
  /** The URL's `?ref=` referral code (channel rule 6 of SPEC §4). */
  urlRef: string | null
  score: number | null
  experiment: string | null
  variant: string | null
  engagedMs: number | null
  browser: string | null
  os: string | null
  device: string
  isBot: boolean
  country: string | null
  utmSource: string | null
  utmMedium: string | null
  utmCampaign: string | null
  utmTerm: string | null
  utmContent: string | null
  utmId: string | null
  gclid: string | null
  fbclid: string | null
  msclkid: string | null
}

/** `site` + NUL + `id`: the dedup key. */
export type EventKey = string

export const eventKey = (site: string, id: string): EventKey => `${site}\u0000${id}`

/** Appending to, and looking up in, a store's event log. */
export interface EventLog {
  /**
   * True when this process is the log's only writer (an embedded store): the ingest dedup filter
   * then holds every stored key of its window, so its "new" is final. False for a log shared by
   * any number of collectors (ClickHouse): a key the filter does not know as stored is looked up.
   */
  readonly exclusive: boolean
  /**
   * Appends rows durably, all or none; a report asked after it resolves includes them (SPEC §1.3).
   * `stored`: rows of the same requests found stored already, whose derivation a shared store
   * brings up to date too (the collector that stored them may have stopped before it could).
   */
  append(rows: readonly EventRow[], stored?: readonly EventRow[]): Promise<void>
  /** Which of these (site, id) pairs are stored already. */
  findStored(keys: readonly { site: string; id: string }[]): Promise<Set<EventKey>>
  /** Keys of events received at or after `sinceMs`, oldest first, in pages (to rebuild the dedup filter). */
  scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void>
  /** Distinct stored events of a site, bots included. */
  count(site: string): Promise<number>
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>
}
