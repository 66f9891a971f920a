import { createHash, randomBytes } from 'node:crypto'
import type { CoreEvent, Session } from '../../../core/derive.js'
import { MAX_PATH_DEPTH } from '../../../core/paths.js'

/**
 * One derivation of a person as the ClickHouse store keeps it (table `persons`): the person's
 * sessions (SPEC §4) as parallel `s_*` arrays in time order, and their events as parallel `e_*`
 * arrays in (t, id) order, each with the 1-based index of its session. The row with the
 * highest `version` of a person is the current one (derive/versions.ts).
 */
export interface PersonRow {
  site: string
  /** The person's key: a 64-bit hash of site and person, as a decimal string (UInt64). */
  pno: string
  person: string
  /** Orders the derivations of a person (derive/deriver.ts). */
  version: number
  /**
   * A random 64-bit id of this row (a decimal string): it names the current row of a person in
   * one integer (current.ts), and picks one of two derivations of equal version (equal contents).
   */
  tiebreak: string
  /** When it was derived (the deriving collector's clock): the catch-up sweep looks at recent rows. */
  derived_ms: number
  /** Events derived (the person's non-bot events). */
  events: number
  /** The times of its first and last event: a report skips persons without an event near its range. */
  first_t: number
  last_t: number
  ref_code: string | null
  s_first_id: string[]
  s_start: number[]
  s_end: number[]
  s_channel: string[]
  s_source: string[]
  s_medium: string[]
  s_campaign: string[]
  s_referrer_domain: (string | null)[]
  s_entry: string[]
  s_exit: (string | null)[]
  s_device: string[]
  s_browser: (string | null)[]
  s_os: (string | null)[]
  s_country: (string | null)[]
  s_pageviews: number[]
  /** Events other than pageviews and engagement (a bounce has none). */
  s_others: number[]
  /** engagedMs of the engagement events after the last pageview (avgSessionMs, SPEC §5). */
  s_tail: number[]
  /** Has a cart_add; has a purchase after one (cartAbandonmentRate); the same for checkout. */
  s_cart: number[]
  s_cart_bought: number[]
  s_checkout: number[]
  s_checkout_bought: number[]
  /** The first MAX_PATH_DEPTH pageview paths (stats/paths). */
  s_pages: string[][]
  /** 1-based index in the e_* arrays of the session's last event: per-session sums by cumulative sums. */
  s_last: number[]
  /** The session's goal keys: its event types and `custom:name`s (a breakdown's conversions). */
  s_goals: string[][]
  /** Revenue of the orders whose earliest purchase is in the session. */
  s_order_revenue: number[]
  e_sess: number[]
  e_id: string[]
  e_type: string[]
  e_name: (string | null)[]
  e_t: number[]
  e_path: string[]
  e_order: (string | null)[]
  e_revenue: (number | null)[]
  /** 1 on the earliest purchase event of its order over the whole log (an order counts once). */
  e_first: number[]
  e_engaged: (number | null)[]
  e_ref: (string | null)[]
  e_score: (number | null)[]
  e_exp: (string | null)[]
  e_var: (string | null)[]
}

/** A person's 64-bit key: the first 8 bytes of SHA-256 of site and person (collisions: ~n²/2⁶⁵). */
export const personKey = (site: string, person: string): string => createHash('sha256').update(site).update('\u0000').update(person).digest().readBigUInt64BE().toString()

/** Is an `a` event followed by a `b` event in the session (events in order)? */
function followedBy(events: readonly CoreEvent[], a: string, b: string): boolean {
  let seenA = false
  for (const e of events) {
    if (e.type === a) seenA = true
    else if (seenA && e.type === b) return true
  }
  return false
}

/**
 * The row of a person from their derived sessions (core/derive.ts, in start order), their
 * referral code, and the ids of the events that are the first purchase of their order.
 */
export function personRow(site: string, person: string, sessions: readonly Session[], refCode: string | null, firstPurchases: ReadonlySet<string>, version: number): PersonRow {
  const row: PersonRow = {
    site, pno: personKey(site, person), person, version, tiebreak: randomBytes(8).readBigUInt64BE().toString(), derived_ms: Date.now(), events: 0, first_t: 0, last_t: 0, ref_code: refCode,
    s_first_id: [], s_start: [], s_end: [], s_channel: [], s_source: [], s_medium: [], s_campaign: [], s_referrer_domain: [],
    s_entry: [], s_exit: [], s_device: [], s_browser: [], s_os: [], s_country: [], s_pageviews: [], s_others: [], s_tail: [],
    s_cart: [], s_cart_bought: [], s_checkout: [], s_checkout_bought: [], s_pages: [], s_last: [], s_goals: [], s_order_revenue: [],
    e_sess: [], e_id: [], e_type: [], e_name: [], e_t: [], e_path: [], e_order: [], e_revenue: [], e_first: [], e_engaged: [],
    e_ref: [], e_score: [], e_exp: [], e_var: [],
  }
  sessions.forEach((s, i) => {
    const evs = s.events
    let lastPv = -1
    let pageviews = 0
    let others = 0
    const pages: string[] = []
    evs.forEach((e, j) => {
      if (e.type === 'pageview') {
        lastPv = j
        pageviews++
        if (pages.length < MAX_PATH_DEPTH) pages.push(e.path)
      } else if (e.type !== 'engagement') others++
    })
    let tail = 0
    if (lastPv >= 0) for (const e of evs.slice(lastPv + 1)) if (e.type === 'engagement') tail += e.engagedMs ?? 0
    row.s_first_id.push(evs[0]!.id)
    row.s_start.push(s.start)
    row.s_end.push(s.end)
    row.s_channel.push(s.channel)
    row.s_source.push(s.source)
    row.s_medium.push(s.medium)
    row.s_campaign.push(s.campaign)
    row.s_referrer_domain.push(s.referrerDomain)
    row.s_entry.push(s.entryPage)
    row.s_exit.push(s.exitPage)
    row.s_device.push(s.device)
    row.s_browser.push(s.browser)
    row.s_os.push(s.os)
    row.s_country.push(s.country)
    row.s_pageviews.push(pageviews)
    row.s_others.push(others)
    row.s_tail.push(tail)
    row.s_cart.push(evs.some((e) => e.type === 'cart_add') ? 1 : 0)
    row.s_cart_bought.push(followedBy(evs, 'cart_add', 'purchase') ? 1 : 0)
    row.s_checkout.push(evs.some((e) => e.type === 'checkout') ? 1 : 0)
    row.s_checkout_bought.push(followedBy(evs, 'checkout', 'purchase') ? 1 : 0)
    row.s_pages.push(pages)
    for (const e of evs) {
      row.e_sess.push(i + 1)
      row.e_id.push(e.id)
      row.e_type.push(e.type)
      row.e_name.push(e.name)
      row.e_t.push(e.t)
      row.e_path.push(e.path)
      row.e_order.push(e.orderId)
      row.e_revenue.push(e.revenue)
      row.e_first.push(e.type === 'purchase' && firstPurchases.has(e.id) ? 1 : 0)
      row.e_engaged.push(e.engagedMs)
      row.e_ref.push(e.referralCode)
      row.e_score.push(e.score)
      row.e_exp.push(e.experiment)
      row.e_var.push(e.variant)
    }
    row.events += evs.length
    row.s_last.push(row.events)
    row.s_goals.push([...new Set(evs.filter((e) => e.type !== 'custom' || e.name !== null).map((e) => (e.type === 'custom' ? `custom:${e.name}` : e.type)))])
    row.s_order_revenue.push(evs.reduce((n, e) => n + (e.type === 'purchase' && firstPurchases.has(e.id) ? (e.revenue ?? 0) : 0), 0))
  })
  // sessions do not overlap and each is in t order, so the events are too
  if (row.events > 0) {
    row.first_t = row.e_t[0]!
    row.last_t = row.e_t[row.events - 1]!
  }
  return row
}
