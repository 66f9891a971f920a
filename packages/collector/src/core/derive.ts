import { classifyChannel, matchesNetwork, SEARCH_ENGINES, type Channel, type ChannelInput } from './channels.js'
import { byTimeThenId, linkedUsers, personOf, type PersonEvent } from './persons.js'
import { sessionize } from './sessions.js'

/** The fields of a stored event that sessions, journeys and metrics read. */
export interface CoreEvent extends PersonEvent, ChannelInput {
  path: string
  orderId: string | null
  revenue: number | null
  engagedMs: number | null
  name: string | null
  referralCode: string | null
  /** `feedback`: the CSAT score, 1..5. */
  score: number | null
  /** `experiment`: the experiment and the variant shown. */
  experiment: string | null
  variant: string | null
  device: string
  browser: string | null
  os: string | null
  country: string | null
}

export interface Session {
  /** `person` + start time + first event id: unique and stable. */
  id: string
  person: string
  events: CoreEvent[]
  start: number
  end: number
  channel: Channel
  source: string
  medium: string
  campaign: string
  referrerDomain: string | null
  entryPage: string
  /** Path of its last pageview; null without one. */
  exitPage: string | null
  device: string
  browser: string | null
  os: string | null
  country: string | null
}

/** A derived session as a store keeps it: `Session` without its events, with its first event's id and its pageviews. */
export type SessionRow = Omit<Session, 'id' | 'events' | 'channel'> & {
  channel: string
  /** Id of the session's first event: with `person`, a stable session id. */
  firstId: string
  pageviews: number
}

export interface Derived {
  sessions: Session[]
  /** personId of every non-bot event, by event id. */
  personOfEvent: Map<string, string>
  /** A person's referral code (SPEC §4): on their earliest event carrying one, their own invites aside. */
  referralCodeOf: Map<string, string>
}

/** SPEC §4 session attributes, from the session's first event. */
export function sessionAttributes(first: CoreEvent) {
  const search = matchesNetwork(first.referrerDomain, SEARCH_ENGINES)
  return {
    channel: classifyChannel(first),
    source: first.utmSource ?? first.referrerDomain ?? '(direct)',
    medium: first.utmMedium ?? (first.referrerDomain ? (search ? 'organic' : 'referral') : '(none)'),
    campaign: first.utmCampaign ?? '(none)',
    referrerDomain: first.referrerDomain,
    entryPage: first.path,
    device: first.device,
    browser: first.browser,
    os: first.os,
    country: first.country,
  }
}

/** Persons, sessions and referral codes of a site's log, bots excluded (SPEC §4). */
export function derive(log: readonly CoreEvent[]): Derived {
  const events = log.filter((e) => !e.isBot)
  const links = linkedUsers(events)
  const byPerson = new Map<string, CoreEvent[]>()
  const personOfEvent = new Map<string, string>()
  for (const e of events) {
    const p = personOf(e, links)
    personOfEvent.set(e.id, p)
    ;(byPerson.get(p) ?? byPerson.set(p, []).get(p)!).push(e)
  }
  const sessions: Session[] = []
  const referralCodeOf = new Map<string, string>()
  for (const [person, own] of byPerson) {
    for (const evs of sessionize(own)) {
      const first = evs[0]!
      const pageviews = evs.filter((e) => e.type === 'pageview')
      sessions.push({
        id: `${person}\u0000${first.t}\u0000${first.id}`,
        person,
        events: evs,
        start: first.t,
        end: evs[evs.length - 1]!.t,
        exitPage: pageviews.length ? pageviews[pageviews.length - 1]!.path : null,
        ...sessionAttributes(first),
      })
    }
    const coded = own.filter((e) => e.referralCode !== null && e.type !== 'referral_invite').sort(byTimeThenId)[0]
    if (coded) referralCodeOf.set(person, coded.referralCode!)
  }
  sessions.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1))
  return { sessions, personOfEvent, referralCodeOf }
}
