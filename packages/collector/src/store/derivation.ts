/** What a derivation did: `rebuild` derived everything again, `refresh` only the persons new events touched. */
export interface RefreshResult {
  kind: 'rebuild' | 'refresh' | 'none'
  /** Events derived (non-bot events of the re-derived persons). */
  events: number
  /** Persons re-derived. */
  persons: number
  ms: number
}

/**
 * Persons, sessions and orders derived from the event log (SPEC §4) into tables that are only a
 * cache of it. Stores keep them current by themselves; these calls are for operators and tests.
 */
export interface Derivation {
  /** Brings the derived tables up to date with the log now; null when they were. */
  refresh(): Promise<RefreshResult | null>
  /** Derives everything again from the whole log (`trackway rebuild`). */
  rebuild(): Promise<RefreshResult>
  /**
   * Runs one report (`read`: one or more queries) on tables that include every event acknowledged
   * before this call. Its queries wait for no append acknowledged after it: a report asked while
   * events stream in waits for at most the one refresh that covers its moment, not one per query.
   */
  asOf<T>(read: () => Promise<T>): Promise<T>
  /**
   * How far the derived tables are behind the log now: events committed and not yet derived, and
   * the seconds since the oldest of them was (`/metrics` trackway_derivation_lag_*). Zero for a
   * store that derives before it acknowledges (ClickHouse).
   */
  lag(): { events: number; seconds: number }
}

/** Told when persons and sessions are derived from the whole log (minutes on a large store), and after. */
export type DeriveEvent =
  | { phase: 'rebuilding'; events: number }
  /** A rebuild's progress, or a refresh's slow path in groups: step `step` of `steps` (`name`) starts, `ms` after the rebuild or refresh did. */
  | { phase: 'step'; step: number; steps: number; name: string; ms: number }
  | { phase: 'done'; kind: 'rebuild' | 'refresh'; events: number; persons: number; ms: number }
  /** A refresh or rebuild failed (`message`: the store's own error): nothing changed; the next report or refresh tries again. */
  | { phase: 'failed'; full: boolean; message: string; ms: number }
