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

/**
 * Where a read of the log stopped: text only the adapter that returned it reads back (DuckDB: a
 * rowid; ClickHouse: a sort key). Callers keep it (e.g. `trackway copy`'s progress) and pass it again.
 */
export type LogCursor = string

/** One page of a read of the log: its rows, and the cursor just after the last of them. */
export interface LogPage {
  rows: EventRow[]
  cursor: LogCursor
}

/** Events per page of `EventLog.events` unless asked otherwise. */
export const DEFAULT_PAGE_SIZE = 10_000

/**
 * A key to look up: site and id, and the event's client time `ts` when known — a retry carries the
 * same `ts`, so a store may use it to find the key's neighbourhood.
 */
export interface StoredKey {
  site: string
  id: string
  ts?: number
}

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
  /**
   * Stores rows durably without deriving persons from them (bulk loads: `trackway copy`), all or
   * none; `derivation.rebuild()` brings the derived tables up to date afterwards. The caller has
   * checked that none of them is stored (findStored). DuckDB: the same as append.
   */
  import(rows: readonly EventRow[]): Promise<void>
  /**
   * Reads the stored events of a site (null: every site) back in a stable order, each event once,
   * in pages of at most `pageSize` rows (default DEFAULT_PAGE_SIZE); the next page waits for
   * `onPage`. `after`: a cursor of an earlier page of the same read — the read goes on just after
   * it. A cursor of another log (or of a log that no longer holds its row) throws StaleCursorError.
   */
  events(site: string | null, after: LogCursor | null, onPage: (page: LogPage) => void | Promise<void>, options?: { pageSize?: number }): Promise<void>
  /**
   * True when `events` reads in the order rows were appended (DuckDB: rowid), so rows appended after
   * a read come after its last cursor. False when the order is a sort key (ClickHouse): a new row
   * may sort before a cursor, and only a read from the start is sure to see it.
   */
  readonly readsInAppendOrder: boolean
  /** Which of these (site, id) pairs are stored already. */
  findStored(keys: readonly StoredKey[]): Promise<Set<EventKey>>
  /** Keys of events received at or after `sinceMs`, oldest first, in pages (to rebuild the dedup filter). */
  scanKeys(sinceMs: number, onPage: (keys: { key: EventKey; receivedAt: number }[]) => void): Promise<void>
  /** Distinct stored events of a site, bots included. */
  count(site: string): Promise<number>
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>
}
