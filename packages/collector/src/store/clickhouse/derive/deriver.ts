import { derive, type CoreEvent } from '../../../core/derive.js'
import { byTimeThenId } from '../../../core/persons.js'
import type { EventRow } from '../../event-log.js'
import type { ClickHouseConnection, Settings } from '../connection.js'
import type { Tables } from '../schema.js'
import { list, sql } from '../sql.js'
import { personRow, type PersonRow } from './person-row.js'

/**
 * The version of the derivation's definition: a row derived by a newer definition outranks every
 * older one, whatever the counts (the top bits of `version`). Bump it when the derivation or the
 * persons table changes; a store derived by an older one is derived again when it opens.
 */
export const DERIVED_VERSION = 1
const COUNT_BITS = 2 ** 40

/** Values per IN list: keeps a query well under the server's max_query_size. */
const IN_CHUNK = 2000

/** The event columns the derivation reads (the wide url/props/items strings stay in the log). */
const COLUMNS = sql`id, type, name, t, received_at, anonymous_id, user_id, path, order_id, revenue, engaged_ms, referral_code,
  score, experiment, variant, device, browser, os, country, referrer_domain, url_ref, utm_source, utm_medium, utm_campaign,
  utm_term, utm_content, utm_id, gclid, fbclid, msclkid`

type Fetched = Record<string, string | number | null>

const toCore = (r: Fetched): CoreEvent & { receivedAt: number } => ({
  id: r.id as string,
  type: r.type as string,
  t: Number(r.t),
  receivedAt: Number(r.received_at),
  anonymousId: r.anonymous_id as string,
  userId: r.user_id as string | null,
  isBot: false,
  path: r.path as string,
  name: r.name as string | null,
  orderId: r.order_id as string | null,
  revenue: r.revenue === null ? null : Number(r.revenue),
  engagedMs: r.engaged_ms === null ? null : Number(r.engaged_ms),
  referralCode: r.referral_code as string | null,
  score: r.score === null ? null : Number(r.score),
  experiment: r.experiment as string | null,
  variant: r.variant as string | null,
  device: r.device as string,
  browser: r.browser as string | null,
  os: r.os as string | null,
  country: r.country as string | null,
  referrerDomain: r.referrer_domain as string | null,
  urlRef: r.url_ref as string | null,
  utmSource: r.utm_source as string | null,
  utmMedium: r.utm_medium as string | null,
  utmCampaign: r.utm_campaign as string | null,
  utmTerm: r.utm_term as string | null,
  utmContent: r.utm_content as string | null,
  utmId: r.utm_id as string | null,
  gclid: r.gclid as string | null,
  fbclid: r.fbclid as string | null,
  msclkid: r.msclkid as string | null,
})

/**
 * Of copies of one event id (two collectors stored one batch at once), the one every derivation
 * uses: the first received (then the earliest t). So the log may hold a copy twice; reports count it once.
 */
const canonicalFirst = (a: { receivedAt: number; t: number }, b: { receivedAt: number; t: number }) => a.receivedAt - b.receivedAt || a.t - b.t

const chunks = <T>(xs: readonly T[], n = IN_CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n))

/**
 * Derives persons (SPEC §4) from the ClickHouse log in this collector, with the pure definitions
 * of src/core, and stores each as a versioned row of `persons`.
 *
 * Any number of collectors derive concurrently without coordination. A person P's derivation is
 * a function of its candidate events: every non-bot event of P's browsers — P itself as an
 * anonymousId, and each anonymousId seen with userId P (table `links`) — plus the purchases
 * anywhere of the orders among them (table `orders`, for "an order counts once"). The log only
 * grows, so that candidate set only grows, and its size (rows, copies included) orders the
 * derivations of P: `version` = DERIVED_VERSION · 2^40 + size. A derivation that read more of the
 * log has the higher version, and the highest is current (reports filter on it); two of equal
 * version read the same candidates, so they are equal, and a random `tiebreak` picks one.
 * Whoever appends an event derives the persons it touches after its insert committed and
 * before acknowledging it, so the current derivation includes every acknowledged event.
 */
export class PersonDeriver {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    /** Settings of inserts (insert_distributed_sync on a cluster). */
    private readonly writeSettings: Settings,
  ) {}

  /** Derives again every person these rows may touch, per site; resolves once their rows are stored. */
  async deriveTouched(rows: readonly EventRow[]): Promise<{ persons: number; events: number }> {
    const bySite = new Map<string, EventRow[]>()
    for (const r of rows) if (!r.isBot) (bySite.get(r.site) ?? bySite.set(r.site, []).get(r.site)!).push(r)
    let persons = 0
    let events = 0
    for (const [site, own] of bySite) {
      const r = await this.derivePersons(site, await this.touched(site, own))
      persons += r.persons
      events += r.events
    }
    return { persons, events }
  }

  /**
   * The persons whose candidate events include one of these: each row's userId and anonymousId,
   * every userId seen on those browsers, and the same for the other purchases of their orders.
   * One round trip: GLOBAL IN keeps each subquery to one run on a cluster.
   */
  private async touched(site: string, rows: readonly EventRow[]): Promise<string[]> {
    const users = new Set<string>()
    const anons = new Set<string>()
    const orders = new Set<string>()
    for (const r of rows) {
      anons.add(r.anonymousId)
      if (r.userId !== null) users.add(r.userId)
      if (r.type === 'purchase' && r.orderId !== null) orders.add(r.orderId)
    }
    const orderList = orders.size ? list([...orders]) : null
    for (const part of chunks([...anons])) {
      const ofOrders = orderList ? sql` OR anonymous_id GLOBAL IN (SELECT anonymous_id FROM ${this.t.name('orders')} WHERE site = ${site} AND order_id IN (${orderList}))` : sql``
      const seen = await this.conn.query<{ id: string }>(
        sql`SELECT DISTINCT user_id AS id FROM ${this.t.name('links')} WHERE site = ${site} AND (anonymous_id IN (${list(part)})${ofOrders})
          ${orderList ? sql`UNION ALL SELECT DISTINCT anonymous_id AS id FROM ${this.t.name('orders')} WHERE site = ${site} AND order_id IN (${orderList})` : sql``}`,
        { max_query_size: 16_777_216 },
      )
      for (const s of seen) users.add(s.id)
    }
    return [...new Set([...users, ...anons])]
  }

  /** Derives these persons of a site from their candidate events and stores their rows. */
  async derivePersons(site: string, persons: readonly string[]): Promise<{ persons: number; events: number }> {
    if (persons.length === 0) return { persons: 0, events: 0 }
    // Their candidate events, in one round trip per chunk: each person's browsers are itself and
    // every anonymousId seen with it as userId (links). Copies of an id are all counted (versions)
    // and one is used (derivation); a browser fetched by two chunks counts once.
    const rowsOf = new Map<string, number>()
    const chunkOf = new Map<string, number>()
    const byId = new Map<string, CoreEvent & { receivedAt: number }>()
    let chunk = 0
    for (const part of chunks(persons)) {
      chunk++
      const names = list(part)
      await this.conn.stream<Fetched>(
        sql`SELECT ${COLUMNS} FROM ${this.t.name('events')}
            WHERE site = ${site} AND is_bot = 0 AND (anonymous_id IN (${names})
              OR anonymous_id GLOBAL IN (SELECT anonymous_id FROM ${this.t.name('links')} WHERE site = ${site} AND user_id IN (${names})))`,
        (page) => {
          for (const r of page) {
            const e = toCore(r)
            if ((chunkOf.get(e.anonymousId) ?? chunk) !== chunk) continue
            chunkOf.set(e.anonymousId, chunk)
            rowsOf.set(e.anonymousId, (rowsOf.get(e.anonymousId) ?? 0) + 1)
            const seen = byId.get(e.id)
            if (!seen || canonicalFirst(e, seen) < 0) byId.set(e.id, e)
          }
        },
        { max_query_size: 16_777_216 },
      )
    }
    // browsers of each person, from the events read (links holds exactly these pairs)
    const browsers = new Map<string, Set<string>>(persons.map((p) => [p, new Set([p])]))
    for (const e of byId.values()) if (e.userId !== null) browsers.get(e.userId)?.add(e.anonymousId)
    const events = [...byId.values()]

    // the earliest purchase of each of their orders, over the whole log
    const orderIds = [...new Set(events.filter((e) => e.type === 'purchase' && e.orderId !== null).map((e) => e.orderId!))]
    const orderRows = new Map<string, number>()
    const firstOf = new Map<string, { id: string; t: number }>()
    for (const part of chunks(orderIds)) {
      const purchases = await this.conn.query<{ order_id: string; id: string; t: number; received_at: number }>(
        sql`SELECT order_id, id, t, received_at FROM ${this.t.name('orders')} WHERE site = ${site} AND order_id IN (${list(part)})`,
      )
      const canonical = new Map<string, { order: string; id: string; t: number; receivedAt: number }>()
      for (const p of purchases) {
        orderRows.set(p.order_id, (orderRows.get(p.order_id) ?? 0) + 1)
        const c = { order: p.order_id, id: p.id, t: Number(p.t), receivedAt: Number(p.received_at) }
        const seen = canonical.get(p.id)
        if (!seen || canonicalFirst(c, seen) < 0) canonical.set(p.id, c)
      }
      for (const c of canonical.values()) {
        const f = firstOf.get(c.order)
        if (!f || byTimeThenId(c, f) < 0) firstOf.set(c.order, { id: c.id, t: c.t })
      }
    }
    const firstPurchases = new Set([...firstOf.values()].map((f) => f.id))

    // the pure derivation over the union: exact for every person whose candidates it holds whole
    const d = derive(events)
    const sessionsOf = new Map<string, typeof d.sessions>()
    for (const s of d.sessions) (sessionsOf.get(s.person) ?? sessionsOf.set(s.person, []).get(s.person)!).push(s)
    const ordersOfBrowser = new Map<string, Set<string>>()
    for (const e of events) if (e.type === 'purchase' && e.orderId !== null) (ordersOfBrowser.get(e.anonymousId) ?? ordersOfBrowser.set(e.anonymousId, new Set()).get(e.anonymousId)!).add(e.orderId)

    const rows: PersonRow[] = persons.map((p) => {
      const own = browsers.get(p)!
      let size = 0
      const orders = new Set<string>()
      for (const b of own) {
        size += rowsOf.get(b) ?? 0
        for (const o of ordersOfBrowser.get(b) ?? []) orders.add(o)
      }
      for (const o of orders) size += orderRows.get(o) ?? 0
      const version = DERIVED_VERSION * COUNT_BITS + size
      return personRow(site, p, sessionsOf.get(p) ?? [], d.referralCodeOf.get(p) ?? null, firstPurchases, version)
    })
    await this.conn.insert(this.t.name('persons').text, rows, this.writeSettings)
    return { persons: rows.filter((r) => r.events > 0).length, events: rows.reduce((n, r) => n + r.events, 0) }
  }
}
