import type { LogCursor } from '../store/event-log.js'

/*
 * What `trackway copy` remembers in the target's catalog settings, so that an interrupted copy
 * resumes where it stopped and a finished one, run again, adds nothing twice.
 */

/** What copies from one source have done for one site. */
export interface SiteProgress {
  /** The source's cursor after the last page whose new events the target holds; null: none yet. */
  cursor: LogCursor | null
  /** Source events read up to the cursor. */
  read: number
  /** Of them, events the copy added to the target (the others were there already, e.g. from live ingest). */
  copied: number
  /** The read reached the end of the source's log (when it was last run). */
  complete: boolean
}

/** The settings key of one (source, site): a source is named by its URL without password, a DuckDB path made absolute. */
export const progressKey = (source: string, site: string) => `copy:${source}#${site}`

/**
 * Set to '1' before the first event a copy imports and to '0' once the target was derived again:
 * a run that stopped between the two (killed, failed) leaves it at '1', and the next run derives
 * even when it has nothing left to copy.
 */
export const DERIVE_PENDING_KEY = 'copy:derive-pending'

export const encodeProgress = (p: SiteProgress): string => JSON.stringify({ v: 1, ...p })

/** A record as stored; null when absent or not one this version wrote (the copy then starts from the beginning, which is safe: stored events are skipped). */
export function parseProgress(text: string | null): SiteProgress | null {
  if (text === null) return null
  let p: Record<string, unknown>
  try {
    p = JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0
  if (p?.v !== 1 || !(p.cursor === null || typeof p.cursor === 'string') || !count(p.read) || !count(p.copied) || typeof p.complete !== 'boolean') return null
  return { cursor: p.cursor as LogCursor | null, read: p.read as number, copied: p.copied as number, complete: p.complete }
}
