import { StaleCursorError } from '../errors.js'
import type { Site } from '../store/catalog.js'
import type { RefreshResult } from '../store/derivation.js'
import { eventKey, type EventRow, type LogCursor, type LogPage } from '../store/event-log.js'
import type { Store } from '../store/store.js'
import { DERIVE_PENDING_KEY, encodeProgress, parseProgress, progressKey, type SiteProgress } from './progress.js'

export interface CopyOptions {
  /** Names the source in the target's progress records: its URL without password, a DuckDB path made absolute. */
  sourceName: string
  /** Ids of the sites to copy; each must be in the source's catalog. */
  sites: readonly string[]
  /** Events per read of the source and per write to the target (default: the log's DEFAULT_PAGE_SIZE). */
  pageSize?: number
  /** When aborted, the copy stops after the page in flight, its progress kept: a later run resumes. */
  signal?: AbortSignal
  /** Told after every page. */
  onProgress?: (p: PageProgress) => void
  /** Told what the copy decided on the way (e.g. starting a site again from the beginning). */
  onNotice?: (message: string) => void
}

export interface PageProgress {
  site: string
  /** Events of the site in the source (when the site's copy started). */
  total: number
  /** Source events read so far, by this run and, when it resumed, by the earlier ones. */
  read: number
  /** Events this run added to the target. */
  copied: number
  /** `start`: before the site's first page; `page`: after each page; `done`: its log was read to the end. */
  phase: 'start' | 'page' | 'done'
  /**
   * What earlier runs left (told at `start`): nothing; a copy that stopped (it resumes after
   * `read` events); a finished one (it reads on from its end, or from the start — `read` 0 — for
   * a source that does not read in append order).
   */
  earlier: 'none' | 'stopped' | 'finished'
}

export interface SiteResult {
  site: string
  /** Events of the site in the source. */
  total: number
  /** Events this run added to the target. */
  copied: number
  /** Events earlier runs had added. */
  copiedBefore: number
  /** Events this run read that the target held already (an earlier run stopped before recording them, or live ingest stored them). */
  skipped: number
  /** Spend rows written (each replaces the target's row of the same date and names). */
  spendRows: number
  /** The whole log of the site was read. */
  complete: boolean
}

export interface CopyResult {
  sites: SiteResult[]
  /** The target's derivation, when this run derived (null: nothing new, or interrupted before). */
  derived: RefreshResult | null
  interrupted: boolean
}

class Interrupted extends Error {}

/** The source's site with the origins the target already allows for it too: a copy never stops ingest the target accepts. */
export function mergeSite(source: Site, target: Site | undefined): Site {
  if (!target) return source
  return { ...source, origins: [...new Set([...source.origins, ...target.origins])] }
}

/** The first row of each id: a page never imports one id twice. */
function firstOfEachId(rows: readonly EventRow[]): EventRow[] {
  const seen = new Set<string>()
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id))
}

/**
 * Copies the history of `o.sites` — sites, events, spend — from one store into another (`trackway
 * copy`), exactly once however often it runs or stops:
 * - each page of the source's log (EventLog.events) is checked against the target (findStored),
 *   only the events it lacks are imported (no per-page derivation), then the page's cursor is
 *   recorded in the target's settings (progress.ts). A stop between the import and the record
 *   leaves at most that page to read again, and findStored skips what it holds;
 * - a run resumes at the recorded cursor; a finished copy, run again, reads on from its end when
 *   the source reads in append order (DuckDB: only events stored since are new), and from the
 *   start otherwise (ClickHouse: a later event may sort before the cursor);
 * - the target is derived once, at the end (Derivation.rebuild).
 * Sites are created or updated in the target (mergeSite); spend rows replace the target's rows of
 * the same date and names; write keys are the source's (the clients hold them). Settings (the
 * admin token, …) are not copied.
 */
export async function copyStore(source: Store, target: Store, o: CopyOptions): Promise<CopyResult> {
  const sourceSites = new Map((await source.catalog.listSites()).map((s) => [s.id, s]))
  const targetSites = new Map((await target.catalog.listSites()).map((s) => [s.id, s]))
  for (const id of o.sites) {
    const site = sourceSites.get(id)
    if (!site) throw new RangeError(`the source has no site "${id}"`)
    const merged = mergeSite(site, targetSites.get(id))
    if (JSON.stringify(merged) !== JSON.stringify(targetSites.get(id))) await target.catalog.upsertSite(merged)
  }
  await copyWriteKeys(source, target, o.sites)

  let pendingMarked = false
  const markPending = async () => {
    if (pendingMarked) return
    await target.catalog.setSetting(DERIVE_PENDING_KEY, '1')
    pendingMarked = true
  }

  const results: SiteResult[] = []
  let interrupted = false
  for (const site of o.sites) {
    const key = progressKey(o.sourceName, site)
    const total = await source.log.count(site)
    const before = parseProgress(await target.catalog.getSetting(key))
    const resume = before !== null && (!before.complete || source.log.readsInAppendOrder)
    let p: SiteProgress = resume ? { ...before, complete: false } : { cursor: null, read: 0, copied: before?.copied ?? 0, complete: false }
    const result: SiteResult = { site, total, copied: 0, copiedBefore: p.copied, skipped: 0, spendRows: 0, complete: false }
    results.push(result)
    const earlier = before === null ? 'none' : before.complete ? 'finished' : 'stopped'
    o.onProgress?.({ site, total, read: p.read, copied: 0, phase: 'start', earlier })

    /** Stores a page's new events, then records its cursor: a stop between the two leaves the page to be read again, and findStored skips it. */
    const write = async (page: LogPage) => {
      const rows = firstOfEachId(page.rows)
      const stored = await target.log.findStored(rows)
      const fresh = rows.filter((r) => !stored.has(eventKey(r.site, r.id)))
      if (fresh.length > 0) {
        await markPending()
        await target.log.import(fresh)
      }
      result.copied += fresh.length
      result.skipped += page.rows.length - fresh.length
      p = { cursor: page.cursor, read: p.read + page.rows.length, copied: p.copied + fresh.length, complete: false }
      await target.catalog.setSetting(key, encodeProgress(p))
      o.onProgress?.({ site, total, read: p.read, copied: result.copied, phase: 'page', earlier })
    }
    /**
     * Reads the site's log from `cursor`, writing each page while the next one is read (the
     * source's read and the target's write overlap: ~1.5× on 2 cores); pages are written in order,
     * one at a time. When aborted, the page being written is finished and the next one dropped.
     */
    const readFrom = async (cursor: LogCursor | null) => {
      let writing: Promise<void> | null = null
      let failed: unknown = null
      try {
        await source.log.events(
          site,
          cursor,
          async (page) => {
            if (writing) await writing
            if (o.signal?.aborted) throw new Interrupted()
            writing = write(page)
            // its failure is thrown by the next page's await, or below
            writing.catch(() => undefined)
          },
          o.pageSize ? { pageSize: o.pageSize } : {},
        )
      } catch (err) {
        failed = err
      }
      if (writing) await writing
      if (failed) throw failed
    }
    try {
      if (o.signal?.aborted) throw new Interrupted()
      try {
        await readFrom(p.cursor)
      } catch (err) {
        if (!(err instanceof StaleCursorError) || p.cursor === null) throw err
        // the source is not the log the progress was recorded on (a file restored from a backup, say)
        o.onNotice?.(`${site}: the recorded progress does not fit the source (${err.message}); copying it from the beginning — events the target holds are skipped`)
        p = { cursor: null, read: 0, copied: p.copied, complete: false }
        await readFrom(null)
      }
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err
      interrupted = true
      break
    }
    p = { ...p, complete: true }
    await target.catalog.setSetting(key, encodeProgress(p))
    result.complete = true
    o.onProgress?.({ site, total, read: p.read, copied: result.copied, phase: 'done', earlier })
    const spend = await source.catalog.listSpend(site)
    if (spend.length > 0) await target.catalog.upsertSpend(site, spend)
    result.spendRows = spend.length
  }

  let derived: RefreshResult | null = null
  if (!interrupted && (pendingMarked || (await target.catalog.getSetting(DERIVE_PENDING_KEY)) === '1')) {
    derived = await target.derivation.rebuild()
    await target.catalog.setSetting(DERIVE_PENDING_KEY, '0')
  }
  return { sites: results, derived, interrupted }
}

/**
 * The source's write keys replace the target's (SPEC §2.1): Segment clients hold the source's, and
 * keep working when the collectors move to the target. A source older than write keys (a read-only
 * DuckDB file without the table) has none: its sites get new ones when a collector starts on the target.
 */
async function copyWriteKeys(source: Store, target: Store, sites: readonly string[]): Promise<void> {
  const keys = await source.catalog.listWriteKeys().catch(() => new Map<string, string>())
  const current = await target.catalog.listWriteKeys()
  for (const site of sites) {
    const key = keys.get(site)
    if (key !== undefined && current.get(site) !== key) await target.catalog.setWriteKey(site, key)
  }
}
