import { EVENT_COLUMNS, eventRowOf } from '../event-columns.js'
import type { EventRow } from '../event-log.js'
import type { Erasure, PersonData, PersonIds } from '../person-data.js'
import type { Derivation } from '../derivation.js'
import type { DuckDBHandle } from './handle.js'

const COLUMNS = EVENT_COLUMNS.map(([c]) => `e.${c}`).join(', ')

/** Each browser's linked user on a site (SPEC §4: the userId of its earliest identify/signup, bots excluded). */
const LINKS = `links AS (
  SELECT anonymous_id, arg_min(user_id, (t, id)) AS uid FROM events
  WHERE site = $site AND type IN ('identify', 'signup') AND user_id IS NOT NULL AND NOT is_bot
  GROUP BY anonymous_id)`
/** The events of person $person: with their userId, or without one from a browser that is theirs. */
const OF_PERSON = `e.site = $site AND (e.user_id = $person OR (e.user_id IS NULL AND coalesce(l.uid, e.anonymous_id) = $person))`

export const PRIVACY_DDL = [
  // Erasures as done (SPEC §1.6): who, when, how many events — never whose.
  `CREATE TABLE IF NOT EXISTS erasures (site VARCHAR NOT NULL, kind VARCHAR NOT NULL, actor VARCHAR NOT NULL, erased_at BIGINT NOT NULL, events BIGINT NOT NULL)`,
]

/**
 * Privacy operations on the DuckDB file. Erasing deletes the person's rows of `events` in one
 * transaction, then derives every person again (`rebuild`): the derived tables are a cache of the
 * log, and persons who shared a browser with the erased one may derive differently without them.
 * A full derivation costs about 2 minutes per 10M events on 2 cores; erasures are rare.
 */
export class DuckDBPersonData implements PersonData {
  constructor(
    private readonly db: DuckDBHandle,
    private readonly derivation: Derivation,
  ) {}

  async resolve(site: string, id: string): Promise<PersonIds | null> {
    const [r] = await this.db.query(
      `WITH ${LINKS}
       SELECT CASE WHEN EXISTS (SELECT 1 FROM events WHERE site = $site AND user_id = $id) THEN $id
                   ELSE coalesce((SELECT uid FROM links WHERE anonymous_id = $id), $id) END AS person`,
      { site, id },
    )
    const personId = r!.person as string
    const [ids] = await this.db.query(
      `WITH ${LINKS}
       SELECT count(*) AS n, list(DISTINCT e.anonymous_id ORDER BY e.anonymous_id) AS anon,
         list(DISTINCT e.user_id ORDER BY e.user_id) FILTER (WHERE e.user_id IS NOT NULL) AS users
       FROM events e LEFT JOIN links l USING (anonymous_id) WHERE ${OF_PERSON}`,
      { site, person: personId },
    )
    const events = Number(ids?.n ?? 0)
    if (events === 0) return null
    return { personId, userIds: [...((ids!.users as string[] | null) ?? [])], anonymousIds: [...(ids!.anon as string[])], events }
  }

  async exportEvents(site: string, personId: string, onPage: (rows: EventRow[]) => void | Promise<void>, options: { pageSize?: number } = {}): Promise<void> {
    const size = options.pageSize ?? 5000
    let after: { t: number; id: string } | null = null
    for (;;) {
      const rows: Record<string, unknown>[] = await this.db.query(
        `WITH ${LINKS}
         SELECT ${COLUMNS} FROM events e LEFT JOIN links l USING (anonymous_id)
         WHERE ${OF_PERSON} ${after ? 'AND (e.t, e.id) > ($t, $after_id)' : ''}
         ORDER BY e.t, e.id LIMIT ${size}`,
        { site, person: personId, ...(after ? { t: after.t, after_id: after.id } : {}) },
      )
      if (rows.length === 0) return
      const page = rows.map(eventRowOf)
      await onPage(page)
      if (rows.length < size) return
      const last = page.at(-1)!
      after = { t: last.t, id: last.id }
    }
  }

  async erase(site: string, personId: string, actor: string): Promise<number> {
    const conn = this.db.admin
    const removed = await this.db.transaction(conn, async () => {
      const reader = await conn.runAndReadAll(
        `DELETE FROM events WHERE rowid IN (WITH ${LINKS} SELECT e.rowid FROM events e LEFT JOIN links l USING (anonymous_id) WHERE ${OF_PERSON})`,
        { site, person: personId },
      )
      const n = Number(reader.rowsChanged)
      await conn.run('INSERT INTO erasures VALUES ($site, $kind, $actor, $at, $events)', { site, kind: 'person', actor, at: Date.now(), events: n })
      return n
    })
    if (removed > 0) await this.rederive()
    return removed
  }

  async eraseBefore(beforeMs: number): Promise<number> {
    const conn = this.db.admin
    const removed = await this.db.transaction(conn, async () => {
      const perSite = (await conn.runAndReadAll('SELECT site, count(*) AS n FROM events WHERE t < $before GROUP BY site ORDER BY site', { before: beforeMs })).getRowObjectsJS()
      if (perSite.length === 0) return 0
      await conn.run('DELETE FROM events WHERE t < $before', { before: beforeMs })
      for (const r of perSite) {
        await conn.run('INSERT INTO erasures VALUES ($site, $kind, $actor, $at, $events)', { site: r.site as string, kind: 'retention', actor: 'retention', at: Date.now(), events: Number(r.n) })
      }
      return perSite.reduce((n, r) => n + Number(r.n), 0)
    })
    if (removed > 0) await this.rederive()
    return removed
  }

  async erasures(site: string | null): Promise<Erasure[]> {
    const rows = await this.db.query(
      'SELECT site, kind, actor, erased_at, events FROM erasures WHERE $site::VARCHAR IS NULL OR site = $site::VARCHAR ORDER BY erased_at DESC, site',
      { site },
    )
    return rows.map((r) => ({ site: r.site as string, kind: r.kind as Erasure['kind'], actor: r.actor as string, at: Number(r.erased_at), events: Number(r.events) }))
  }

  /**
   * Derives everything again. A checkpoint first lets DuckDB compact the row groups the delete
   * thinned out now, so the rowids the derivation's mark counts on are settled before it records
   * the new mark (a compaction renumbers the rowids after it). A checkpoint refused because other
   * transactions run is skipped: the next one compacts.
   */
  private async rederive(): Promise<void> {
    this.db.assertSound()
    await this.db.admin.run('CHECKPOINT').catch(() => undefined)
    await this.derivation.rebuild()
  }
}
