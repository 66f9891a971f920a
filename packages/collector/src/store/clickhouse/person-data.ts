import { EVENT_COLUMNS, eventRowOf } from '../event-columns.js'
import type { EventRow } from '../event-log.js'
import type { Erasure, PersonData, PersonIds } from '../person-data.js'
import type { ClickHouseConnection, Settings } from './connection.js'
import type { PersonDeriver } from './derive/deriver.js'
import type { TableName, Tables } from './schema.js'
import { list, raw, sql, type Sql } from './sql.js'
import { nextVersion } from './catalog.js'

const COLUMNS = raw(EVENT_COLUMNS.map(([c]) => c).join(', '))
const LINKING = sql`type IN ('identify', 'signup') AND user_id IS NOT NULL AND is_bot = 0`
/** How long an erasure waits for ClickHouse to apply its mutations before it fails (they go on). */
const MUTATION_TIMEOUT_MS = 10 * 60_000

/**
 * Privacy operations on ClickHouse (18.16: no lightweight DELETE). A person's browsers are found in
 * two small queries (the browsers their userId was seen on, then which of those link to them), so
 * no query joins two Distributed tables. Erasing is `ALTER TABLE … DELETE WHERE` — a mutation,
 * applied asynchronously by each server (on a cluster to every shard's `_local` table, ON CLUSTER):
 * the erasure waits until every mutation is done (system.mutations, on every host of the cluster)
 * before it derives the persons who shared a browser with the erased one and answers. The look-up
 * tables go too: `links`, `orders`, and every `persons` row of the person (all versions).
 * `event_ids` keeps the bare ids (no personal data), so a retry of an erased event stays a duplicate.
 */
export class ClickHousePersonData implements PersonData {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    private readonly writeSettings: Settings,
    private readonly deriver: PersonDeriver,
  ) {}

  async resolve(site: string, id: string): Promise<PersonIds | null> {
    const events = this.t.name('events')
    const [asUser] = await this.conn.query<{ n: string }>(sql`SELECT count() AS n FROM ${events} WHERE site = ${site} AND user_id = ${id}`)
    let personId = id
    if (Number(asUser?.n ?? 0) === 0) {
      const [link] = await this.conn.query<{ uid: string | null }>(
        sql`SELECT argMin(assumeNotNull(user_id), (t, id)) AS uid FROM ${events} WHERE site = ${site} AND anonymous_id = ${id} AND ${LINKING} HAVING count() > 0`,
      )
      if (link?.uid) personId = link.uid
    }
    const browsers = await this.browsers(site, personId)
    const [r] = await this.conn.query<{ n: string; users: string[]; anon: string[] }>(
      sql`SELECT count() AS n, arraySort(groupUniqArray(anonymous_id)) AS anon, arraySort(groupUniqArray(assumeNotNull(user_id))) AS users
          FROM (SELECT anonymous_id, user_id FROM ${events} WHERE ${this.ofPerson(site, personId, browsers)} LIMIT 1 BY id)`,
    )
    const n = Number(r?.n ?? 0)
    if (n === 0) return null
    // groupUniqArray(assumeNotNull(NULL)) yields '' for events without a userId
    return { personId, userIds: r!.users.filter((u) => u !== ''), anonymousIds: r!.anon, events: n }
  }

  async exportEvents(site: string, personId: string, onPage: (rows: EventRow[]) => void | Promise<void>, options: { pageSize?: number } = {}): Promise<void> {
    const size = options.pageSize ?? 5000
    const where = this.ofPerson(site, personId, await this.browsers(site, personId))
    let after: Sql = sql``
    for (;;) {
      const rows = await this.conn.query<Record<string, unknown>>(
        sql`SELECT ${COLUMNS} FROM (SELECT ${COLUMNS} FROM ${this.t.name('events')} WHERE ${where} ${after} ORDER BY t, id, received_at LIMIT 1 BY id)
            ORDER BY t, id LIMIT ${size}`,
      )
      if (rows.length === 0) return
      const page = rows.map(eventRowOf)
      await onPage(page)
      if (rows.length < size) return
      const last = page.at(-1)!
      after = sql`AND (t > ${last.t} OR (t = ${last.t} AND id > ${last.id}))`
    }
  }

  async erase(site: string, personId: string, actor: string): Promise<number> {
    const browsers = await this.browsers(site, personId)
    const where = this.ofPerson(site, personId, browsers)
    const [count] = await this.conn.query<{ n: string }>(sql`SELECT count(DISTINCT id) AS n FROM ${this.t.name('events')} WHERE ${where}`)
    const n = Number(count?.n ?? 0)
    // persons who shared a browser with them (a userId seen there): derived again once the log is without them
    const others = new Set<string>()
    if (browsers.length > 0) {
      for (const r of await this.conn.query<{ u: string }>(sql`SELECT DISTINCT user_id AS u FROM ${this.t.name('links')} WHERE site = ${site} AND anonymous_id IN (${list(browsers)})`)) {
        others.add(r.u)
      }
    }
    for (const b of browsers) others.add(b)
    others.delete(personId)
    const anons = browsers.length > 0 ? sql` OR anonymous_id IN (${list(browsers)})` : sql``
    await this.mutate([
      ['events', where],
      ['links', sql`site = ${site} AND (user_id = ${personId}${anons})`],
      ['orders', sql`site = ${site} AND (user_id = ${personId} OR (isNull(user_id) AND (anonymous_id = ${personId}${anons})))`],
      ['persons', sql`site = ${site} AND person IN (${list([personId, ...browsers])})`],
    ])
    await this.deriver.derivePersons(site, [...others])
    await this.record({ site, kind: 'person', actor, at: Date.now(), events: n })
    return n
  }

  async eraseBefore(beforeMs: number): Promise<number> {
    const perSite = await this.conn.query<{ site: string; n: string }>(
      sql`SELECT site, count(DISTINCT id) AS n FROM ${this.t.name('events')} WHERE t < ${beforeMs} GROUP BY site ORDER BY site`,
    )
    if (perSite.length === 0) return 0
    // persons with an event before the cutoff: derived again from what remains
    const touched = new Map<string, Set<string>>()
    for (const { site } of perSite) {
      const rows = await this.conn.query<{ p: string }>(
        sql`SELECT DISTINCT person AS p FROM ${this.t.name('persons')} WHERE site = ${site} AND first_t < ${beforeMs}`,
      )
      touched.set(site, new Set(rows.map((r) => r.p)))
    }
    await this.mutate([
      ['events', sql`t < ${beforeMs}`],
      ['orders', sql`t < ${beforeMs}`],
      // every version of a touched person's row: a derivation from fewer events writes a lower version
      ['persons', sql`first_t < ${beforeMs}`],
    ])
    // links of browsers without events left are stale but harmless (they only widen a derivation's reads)
    for (const [site, persons] of touched) await this.deriver.derivePersons(site, [...persons])
    for (const { site, n } of perSite) await this.record({ site, kind: 'retention', actor: 'retention', at: Date.now(), events: Number(n) })
    return perSite.reduce((s, r) => s + Number(r.n), 0)
  }

  async erasures(site: string | null): Promise<Erasure[]> {
    const rows = await this.conn.query<{ site: string; kind: Erasure['kind']; actor: string; erased_at: string; events: string }>(
      sql`SELECT site, kind, actor, erased_at, events FROM ${this.t.name('erasures')} ${site === null ? sql`` : sql`WHERE site = ${site}`} ORDER BY erased_at DESC, site`,
    )
    return rows.map((r) => ({ site: r.site, kind: r.kind, actor: r.actor, at: Number(r.erased_at), events: Number(r.events) }))
  }

  private async record({ at, ...e }: Erasure): Promise<void> {
    await this.conn.insert(this.t.name('erasures').text, [{ ...e, erased_at: at, version: nextVersion() }], this.writeSettings)
  }

  /** The browsers of a person: the anonymousIds whose earliest identify/signup names them, and the id itself when no userId claims it. */
  private async browsers(site: string, personId: string): Promise<string[]> {
    const events = this.t.name('events')
    const seen = await this.conn.query<{ a: string }>(sql`SELECT DISTINCT anonymous_id AS a FROM ${events} WHERE site = ${site} AND user_id = ${personId}`)
    const candidates = [...new Set([personId, ...seen.map((r) => r.a)])]
    const links = await this.conn.query<{ a: string; uid: string }>(
      sql`SELECT anonymous_id AS a, argMin(assumeNotNull(user_id), (t, id)) AS uid FROM ${events}
          WHERE site = ${site} AND anonymous_id IN (${list(candidates)}) AND ${LINKING} GROUP BY anonymous_id`,
    )
    const linked = new Map(links.map((l) => [l.a, l.uid]))
    return candidates.filter((a) => (linked.get(a) ?? a) === personId).sort()
  }

  private ofPerson(site: string, personId: string, browsers: readonly string[]): Sql {
    const own = browsers.length > 0 ? sql` OR (isNull(user_id) AND anonymous_id IN (${list(browsers)}))` : sql``
    return sql`site = ${site} AND (user_id = ${personId}${own})`
  }

  /** Runs `ALTER TABLE … DELETE WHERE` on each table (each shard's local table on a cluster) and waits until all are applied. */
  private async mutate(deletes: [TableName, Sql][]): Promise<void> {
    for (const [table, where] of deletes) {
      await this.conn.command(sql`ALTER TABLE ${this.t.local(table)}${raw(this.t.onCluster)} DELETE WHERE ${where}`)
    }
    const tables = list(deletes.map(([table]) => (this.t.cluster ? `${table}_local` : table)))
    const mutations = this.t.cluster ? sql`cluster(${raw(this.t.cluster)}, system.mutations)` : sql`system.mutations`
    const until = Date.now() + MUTATION_TIMEOUT_MS
    for (;;) {
      const [r] = await this.conn.query<{ n: string }>(
        sql`SELECT count() AS n FROM ${mutations} WHERE database = ${this.t.database} AND table IN (${tables}) AND is_done = 0`,
      )
      if (Number(r?.n ?? 0) === 0) return
      if (Date.now() > until) throw new Error(`ClickHouse mutations not applied after ${MUTATION_TIMEOUT_MS / 1000} s (see system.mutations)`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
