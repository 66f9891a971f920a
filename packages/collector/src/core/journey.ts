import type { CoreEvent, Derived, Session } from './derive.js'
import { firstPurchases } from './metrics.js'
import { byTimeThenId } from './persons.js'

/** One event as a journey shows it. */
export interface JourneyEvent {
  id: string
  type: string
  t: number
  path: string
  name: string | null
  orderId: string | null
  revenue: number | null
}

export interface JourneySession {
  start: number
  end: number
  channel: string
  source: string
  medium: string
  campaign: string
  entryPage: string
  exitPage: string | null
  device: string
  /** Paths of its pageviews, in order. */
  pages: string[]
  /** Orders placed in it (each order once, at its earliest purchase) and signups. */
  conversions: { type: 'purchase' | 'signup'; t: number; orderId: string | null; revenue: number | null }[]
  events: JourneyEvent[]
}

export interface Journey {
  personId: string
  sessions: JourneySession[]
}

/**
 * The person an id names (SPEC §6 journeys): a userId is its own person; an anonymousId is the
 * person of its browser — the account it is linked to, else itself. Null when the log has neither.
 */
export function resolvePerson(d: Derived, id: string, log: readonly CoreEvent[]): string | null {
  const live = log.filter((e) => !e.isBot)
  if (live.some((e) => e.userId === id)) return id
  // The browser's person: from its events without a userId (linked account or itself), else
  // (every event carried a userId) the person of its earliest event.
  const own = live.filter((e) => e.anonymousId === id).sort(byTimeThenId)
  const first = own.find((e) => e.userId === null) ?? own[0]
  return first ? (d.personOfEvent.get(first.id) ?? null) : null
}

const toEvent = (e: CoreEvent): JourneyEvent => ({ id: e.id, type: e.type, t: e.t, path: e.path, name: e.name, orderId: e.orderId, revenue: e.revenue })

/** All sessions of one person in time order, with landing page, pages, events and conversions (SPEC §4). */
export function journeyOf(d: Derived, person: string): Journey {
  const orders = new Set([...firstPurchases(d).values()].map((p) => p.event.id))
  const own = d.sessions.filter((s: Session) => s.person === person)
  return {
    personId: person,
    sessions: own.map((s) => ({
      start: s.start,
      end: s.end,
      channel: s.channel,
      source: s.source,
      medium: s.medium,
      campaign: s.campaign,
      entryPage: s.entryPage,
      exitPage: s.exitPage,
      device: s.device,
      pages: s.events.filter((e) => e.type === 'pageview').map((e) => e.path),
      conversions: s.events
        .filter((e) => (e.type === 'purchase' && orders.has(e.id)) || e.type === 'signup')
        .map((e) => ({ type: e.type as 'purchase' | 'signup', t: e.t, orderId: e.orderId, revenue: e.revenue })),
      events: s.events.map(toEvent),
    })),
  }
}
