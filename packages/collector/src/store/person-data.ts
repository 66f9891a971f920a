import type { EventRow } from './event-log.js'

/** A person as the privacy operations find them (SPEC §1.6, §4): their id and every id linked to them. */
export interface PersonIds {
  /** The person's id (SPEC §4): a userId, or an anonymousId never linked to one. */
  personId: string
  userIds: string[]
  anonymousIds: string[]
  /** Stored events of the person, bots included. */
  events: number
}

/** What an erasure removed, as recorded: no id of the person is kept. */
export interface Erasure {
  site: string
  /** `person` (DELETE …/persons/:personId) or `retention` (`--retention-days`). */
  kind: 'person' | 'retention'
  /** Who asked: `admin` (the admin token) or `retention`. */
  actor: string
  at: number
  events: number
}

/**
 * Export and erasure of a person's data, and retention (SPEC §1.6). The person of an id is
 * resolved over the whole log as SPEC §4 defines it — a `userId`, or an `anonymousId` whose earliest
 * identify/signup links it to a `userId` — and their events are every event with their `userId`
 * plus every event without a `userId` from one of their browsers. Bot events count too: they are
 * personal data even though metrics skip them. Erasure removes events from the log and every
 * derived table, then derives the persons who shared a browser with them again.
 */
export interface PersonData {
  /** The person `id` (a userId or anonymousId) names on a site; null when no stored event carries it. */
  resolve(site: string, id: string): Promise<PersonIds | null>
  /** Every stored event of the person, by `t` then `id`, in pages of at most `pageSize` (default 5000). */
  exportEvents(site: string, personId: string, onPage: (rows: EventRow[]) => void | Promise<void>, options?: { pageSize?: number }): Promise<void>
  /** Removes the person's events from the log and the derived tables, records the erasure; resolves with the events removed. */
  erase(site: string, personId: string, actor: string): Promise<number>
  /** Removes every event with `t < beforeMs` (retention), derived data too, records it per site; resolves with the events removed. */
  eraseBefore(beforeMs: number): Promise<number>
  /** Recorded erasures, newest first. */
  erasures(site: string | null): Promise<Erasure[]>
}
