/** The fields of a stored event the person rule reads. */
export interface PersonEvent {
  id: string
  type: string
  t: number
  anonymousId: string
  userId: string | null
  isBot: boolean
}

/** Orders events by `t`, ties broken by `id` (SPEC §4). */
export const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }): number =>
  a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * anonymousId → the userId of its earliest (by t, then id) `identify`/`signup` event carrying
 * a userId, over the whole log, bots excluded (SPEC §4). Other events with a userId link nothing.
 */
export function linkedUsers(events: readonly PersonEvent[]): Map<string, string> {
  const earliest = new Map<string, PersonEvent>()
  for (const e of events) {
    if (e.isBot || e.userId === null || (e.type !== 'identify' && e.type !== 'signup')) continue
    const seen = earliest.get(e.anonymousId)
    if (!seen || byTimeThenId(e, seen) < 0) earliest.set(e.anonymousId, e)
  }
  return new Map([...earliest].map(([anon, e]) => [anon, e.userId!]))
}

/** personId (SPEC §4): the event's userId, else the linked userId of its anonymousId, else the anonymousId. */
export function personOf(e: PersonEvent, links: ReadonlyMap<string, string>): string {
  return e.userId ?? links.get(e.anonymousId) ?? e.anonymousId
}
