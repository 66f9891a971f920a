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

/**
 * One event of a person's journey as a store reads it: the event, the session it is in, and
 * whether it is the earliest purchase of its order. Rows come in time order (t, then id).
 */
export interface JourneyRow {
  /** The session's key: equal for the rows of one session. */
  session: string | number
  sessionInfo: Omit<JourneySession, 'pages' | 'conversions' | 'events'>
  event: JourneyEvent
  firstPurchase: boolean
}

/**
 * A person's journey (SPEC §4) from their rows: sessions in time order, each with its pages, its
 * events, and its conversions — orders at their earliest purchase, and signups.
 */
export function journeyFromRows(personId: string, rows: readonly JourneyRow[]): Journey {
  const sessions: JourneySession[] = []
  let key: string | number | undefined
  let current: JourneySession | undefined
  for (const r of rows) {
    if (current === undefined || r.session !== key) {
      key = r.session
      current = { ...r.sessionInfo, pages: [], conversions: [], events: [] }
      sessions.push(current)
    }
    const e = r.event
    current.events.push(e)
    if (e.type === 'pageview') current.pages.push(e.path)
    if ((e.type === 'purchase' && r.firstPurchase) || e.type === 'signup') {
      current.conversions.push({ type: e.type as 'purchase' | 'signup', t: e.t, orderId: e.orderId, revenue: e.revenue })
    }
  }
  return { personId, sessions }
}

const toEvent = (e: CoreEvent): JourneyEvent => ({ id: e.id, type: e.type, t: e.t, path: e.path, name: e.name, orderId: e.orderId, revenue: e.revenue })

/** All sessions of one person in time order, with landing page, pages, events and conversions (SPEC §4). */
export function journeyOf(d: Derived, person: string): Journey {
  const orders = new Set([...firstPurchases(d).values()].map((p) => p.event.id))
  const rows = d.sessions
    .filter((s: Session) => s.person === person)
    .flatMap((s) =>
      s.events.map((e) => ({
        session: s.id,
        sessionInfo: {
          start: s.start,
          end: s.end,
          channel: s.channel,
          source: s.source,
          medium: s.medium,
          campaign: s.campaign,
          entryPage: s.entryPage,
          exitPage: s.exitPage,
          device: s.device,
        },
        event: toEvent(e),
        firstPurchase: orders.has(e.id),
      })),
    )
  return journeyFromRows(person, rows)
}
