import type { Derivation, RefreshResult } from '../derivation.js'
import type { StoreOptions } from '../store.js'
import type { ClickHouseConnection } from './connection.js'
import type { PersonDeriver } from './derive/deriver.js'
import type { EventRow } from '../event-log.js'
import type { Tables } from './schema.js'
import { sql } from './sql.js'
import { writeMeta, type ImportMark } from './meta.js'
import { DERIVED_VERSION } from './derive/deriver.js'

/** How far back the catch-up looks for events stored but not derived (a collector stopped between the two). */
const SWEEP_WINDOW_MS = 15 * 60_000
/** Slack for the clocks of collectors: a derivation holding an event is written after it was received. */
const CLOCK_SLACK_MS = 5 * 60_000
/** Browsers per derivation call of a rebuild, and calls in flight (one waits on ClickHouse while one derives). */
const REBUILD_CHUNK = 2000
const REBUILD_PARALLEL = 2

/**
 * The derivation of a ClickHouse store. Appends derive what they touch before they are
 * acknowledged (event-log.ts), so reports never wait; this is the rest:
 * - refresh(): events stored in the last 15 minutes that no current derivation holds (their
 *   collector stopped between insert and derivation, and their client did not retry) are derived
 *   now — every collector runs it when it starts and every few minutes;
 * - rebuild(): every person of every site derived again from the whole log, in chunks of
 *   browsers in key order (`trackway rebuild`, `trackway copy`).
 */
export class ClickHouseDerivation implements Derivation {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    private readonly deriver: PersonDeriver,
    private readonly options: StoreOptions = {},
    private readonly imports: ImportMark = { marked: false },
  ) {}

  /** Persons are derived before an append is acknowledged: every report reads current tables already. */
  asOf<T>(read: () => Promise<T>): Promise<T> {
    return read()
  }

  lag(): { events: number; seconds: number } {
    return { events: 0, seconds: 0 }
  }

  async refresh(now = Date.now()): Promise<RefreshResult | null> {
    const t0 = performance.now()
    const since = now - SWEEP_WINDOW_MS
    const derivedSince = since - CLOCK_SLACK_MS
    const missing = await this.conn.query<{ site: string; anonymous_id: string; user_id: string | null; type: string; order_id: string | null }>(
      sql`SELECT site, anonymous_id, user_id, type, order_id FROM ${this.t.name('events')}
          WHERE received_at >= ${since} AND is_bot = 0
            AND (site, id) GLOBAL NOT IN (
              SELECT site, e_id FROM ${this.t.name('persons')} ARRAY JOIN e_id
              WHERE derived_ms >= ${derivedSince} AND tiebreak IN (
                SELECT argMax(tiebreak, version) FROM ${this.t.local('persons')}
                WHERE derived_ms >= ${derivedSince} GROUP BY site, pno))`,
    )
    if (missing.length === 0) return null
    const rows = missing.map((m) => ({ site: m.site, anonymousId: m.anonymous_id, userId: m.user_id, type: m.type, orderId: m.order_id, isBot: false }) as EventRow)
    const r = await this.deriver.deriveTouched(rows)
    return { kind: 'refresh', events: r.events, persons: r.persons, ms: performance.now() - t0 }
  }

  async rebuild(): Promise<RefreshResult> {
    const t0 = performance.now()
    const [total] = await this.conn.query<{ n: number }>(sql`SELECT count() AS n FROM ${this.t.name('events')}`)
    this.options.onDerive?.({ phase: 'rebuilding', events: Number(total?.n ?? 0) })
    let events = 0
    let persons = 0
    const sites = await this.conn.query<{ site: string }>(sql`SELECT DISTINCT site FROM ${this.t.name('events')} ORDER BY site`)
    for (const { site } of sites) {
      const browsers: string[] = []
      await this.conn.stream<{ b: string }>(
        sql`SELECT DISTINCT anonymous_id AS b FROM ${this.t.name('events')} WHERE site = ${site} ORDER BY b`,
        (rows) => void browsers.push(...rows.map((r) => r.b)),
      )
      // each user is derived with the chunk of its first browser in key order
      const usersAt = new Map<string, string[]>()
      await this.conn.stream<{ user_id: string; first: string }>(
        sql`SELECT user_id, min(anonymous_id) AS first FROM ${this.t.name('links')} WHERE site = ${site} GROUP BY user_id`,
        (rows) => {
          for (const r of rows) (usersAt.get(r.first) ?? usersAt.set(r.first, []).get(r.first)!).push(r.user_id)
        },
      )
      const done = new Set<string>()
      let next = 0
      const worker = async () => {
        while (next < browsers.length) {
          const chunk = browsers.slice(next, (next += REBUILD_CHUNK))
          const todo = [...chunk, ...chunk.flatMap((b) => usersAt.get(b) ?? [])].filter((p) => !done.has(p) && done.add(p))
          const r = await this.deriver.derivePersons(site, todo)
          events += r.events
          persons += r.persons
        }
      }
      await Promise.all(Array.from({ length: REBUILD_PARALLEL }, worker))
    }
    // every person is derived by this definition now, imported events included
    await writeMeta(this.conn, this.t, 'derived', String(DERIVED_VERSION))
    this.imports.marked = false
    const result: RefreshResult = { kind: 'rebuild', events, persons, ms: performance.now() - t0 }
    this.options.onDerive?.({ phase: 'done', kind: 'rebuild', events, persons, ms: Math.round(result.ms) })
    return result
  }
}
