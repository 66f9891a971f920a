/*
 * The refresh's fast path as plain computation (incremental.ts reads its inputs and writes its
 * results): which persons the new events belong to, which of them must be re-derived from the log
 * (the slow path), and for the others the new events' sessions, continued from each person's last
 * session as tw_persons keeps it. The rules are those of the whole derivation in SQL
 * (sessions-sql.ts, tables.ts) applied to a person's new events only; `live-refresh.integration`
 * checks the tables equal a rebuild's. Working it out here instead of in SQL statements costs a few
 * milliseconds: a window or ordered aggregate over a thousand rows costs DuckDB several
 * milliseconds of CPU each, and the SQL fast path needed a dozen of them per refresh.
 */

/** A new event as the derivation reads it (`ckey`, `cpv`: sessions-sql.ts's CKEY_SQL and CPV_SQL). */
export interface NewEvent {
  site: string
  id: string
  type: string
  name: string | null
  t: number
  path: string
  order_id: string | null
  revenue: number | null
  engaged_ms: number | null
  referral_code: string | null
  score: number | null
  experiment: string | null
  variant: string | null
  anonymous_id: string
  user_id: string | null
  referrer_domain: string | null
  url_ref: string | null
  device: string
  browser: string | null
  os: string | null
  country: string | null
  utm_source: string | null
  utm_medium: string | null
  utm_campaign: string | null
  utm_term: string | null
  utm_content: string | null
  utm_id: string | null
  gclid: string | null
  fbclid: string | null
  msclkid: string | null
  ckey: string
  cpv: boolean
}

/** What the fast path reads of a new event (incremental.ts reads no more: the rest is joined in SQL by rowid). */
export type PathEvent = Pick<NewEvent, 'site' | 'id' | 'type' | 'name' | 't' | 'path' | 'engaged_ms' | 'anonymous_id' | 'user_id' | 'ckey' | 'cpv'>

/** A browser's stored link (tw_links). */
export interface Link {
  user: string
  t: number
  id: string
}

/** A person's stored row (tw_persons). */
export interface PersonState {
  pno: number
  solo: boolean
  lastSid: number | null
  lastT: number | null
  lastId: string | null
  lastSeq: number | null
  ckeyEnd: string | null
}

/** A browser whose batch holds an earlier identify/signup than its stored link (tw_nl as LINKS_UPDATE_SQL reads it). */
export interface MovedLink {
  site: string
  anonymousId: string
  oldUser: string | null
  newUser: string
  t: number
  id: string
}

/** A person of the fast path: its new events in (t, id) order, its stored row (if any) and what changes in it. */
export interface FastPerson<E extends PathEvent = NewEvent> {
  site: string
  person: string
  /** The stored row it continues (the renamed browser's, when renamed); null: a new person. */
  state: PersonState | null
  renamedFrom: string | null
  /** Every new event is an anonymous event of the browser the person is named after. */
  soloNew: boolean
  events: E[]
}

export interface Plan<E extends PathEvent = NewEvent> {
  fast: FastPerson<E>[]
  /** Persons to derive again from the log (late events, moved links). */
  slow: { site: string; person: string }[]
  moved: MovedLink[]
}

// UTF-16 order is code point order (DuckDB compares UTF-8 bytes, i.e. code points) below U+D800.
const WIDE = /[\ud800-\uffff]/

/** DuckDB's VARCHAR order. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  if (WIDE.test(a) || WIDE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b))
  return a < b ? -1 : 1
}

/** (t, id) order, as the derivation orders a person's events. */
export const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }): number => a.t - b.t || compareText(a.id, b.id)

/** A (site, name) key of the maps here. */
export const key = (site: string, name: string) => `${site}\u0000${name}`

/**
 * Persons of the new events (SPEC §4: the user id, else the browser's link — the earliest
 * identify/signup, stored or in the batch —, else the browser), and which take the slow path:
 * both persons of a browser whose link moves anonymous events already derived, and persons with a
 * new event not after their last derived one. A first signup of a browser whose person is only
 * its own anonymous events, to a user without events, renames that person instead.
 */
export function plan<E extends PathEvent>(
  events: readonly E[],
  links: ReadonlyMap<string, Link>,
  persons: ReadonlyMap<string, PersonState>,
  /** Persons an earlier range of the same refresh sent to the slow path: their rows are not current, they stay slow. */
  slowAlready: ReadonlySet<string> = new Set(),
): Plan<E> {
  const linkOf = (site: string, anon: string) => links.get(key(site, anon))
  const personOf = (site: string, name: string) => persons.get(key(site, name))
  // the batch's earliest identify/signup per browser
  const batchLink = new Map<string, { site: string; anon: string; user: string; t: number; id: string }>()
  const browsers = new Map<string, { site: string; anon: string }>()
  for (const e of events) {
    const k = key(e.site, e.anonymous_id)
    if (!browsers.has(k)) browsers.set(k, { site: e.site, anon: e.anonymous_id })
    if ((e.type === 'identify' || e.type === 'signup') && e.user_id !== null) {
      const b = batchLink.get(k)
      if (!b || byTimeThenId(e, b) < 0) batchLink.set(k, { site: e.site, anon: e.anonymous_id, user: e.user_id, t: e.t, id: e.id })
    }
  }
  const newUser = new Map<string, string | null>()
  const moved: MovedLink[] = []
  const changed: { site: string; anon: string; oldUser: string | null; newUser: string | null }[] = []
  for (const [k, b] of browsers) {
    const old = linkOf(b.site, b.anon)
    const bl = batchLink.get(k)
    const isMoved = bl !== undefined && (old === undefined || byTimeThenId(bl, old) < 0)
    const user = isMoved ? bl.user : (old?.user ?? null)
    newUser.set(k, user)
    if (isMoved) moved.push({ site: b.site, anonymousId: b.anon, oldUser: old?.user ?? null, newUser: bl.user, t: bl.t, id: bl.id })
    if (user !== (old?.user ?? null)) changed.push({ site: b.site, anon: b.anon, oldUser: old?.user ?? null, newUser: user })
  }
  // the new events by person
  const byPerson = new Map<string, E[]>()
  for (const e of events) {
    const p = e.user_id ?? newUser.get(key(e.site, e.anonymous_id)) ?? e.anonymous_id
    const k = key(e.site, p)
    const list = byPerson.get(k)
    if (list) list.push(e)
    else byPerson.set(k, [e])
  }
  const slow = new Map<string, { site: string; person: string }>()
  const addSlow = (site: string, person: string) => slow.set(key(site, person), { site, person })
  const wasSlow = (site: string, person: string) => slowAlready.has(key(site, person))
  const renamedFrom = new Map<string, string>()
  const perNewUser = new Map<string, number>()
  for (const c of changed) if (c.newUser !== null) perNewUser.set(key(c.site, c.newUser), (perNewUser.get(key(c.site, c.newUser)) ?? 0) + 1)
  for (const c of changed) {
    const oldPerson = c.oldUser ?? c.anon
    const op = personOf(c.site, oldPerson)
    if (wasSlow(c.site, oldPerson) || (c.newUser !== null && wasSlow(c.site, c.newUser))) {
      addSlow(c.site, oldPerson)
      if (c.newUser !== null) addSlow(c.site, c.newUser)
      continue
    }
    if (op === undefined) continue
    const renames =
      c.oldUser === null && op.solo && c.newUser !== null && personOf(c.site, c.newUser) === undefined &&
      perNewUser.get(key(c.site, c.newUser)) === 1 && !byPerson.has(key(c.site, c.anon))
    if (renames) renamedFrom.set(key(c.site, c.newUser!), oldPerson)
    else {
      addSlow(c.site, oldPerson)
      if (c.newUser !== null) addSlow(c.site, c.newUser)
    }
  }
  const candidates: FastPerson<E>[] = []
  for (const [k, list] of byPerson) {
    list.sort(byTimeThenId)
    const first = list[0]!
    const person = k.slice(first.site.length + 1)
    const from = renamedFrom.get(k) ?? null
    const state = personOf(first.site, from ?? person) ?? null
    if (wasSlow(first.site, person)) addSlow(first.site, person)
    if (state !== null && state.lastT !== null && !(state.lastT < first.t || (state.lastT === first.t && compareText(state.lastId!, first.id) < 0))) {
      addSlow(first.site, person)
      if (from !== null) addSlow(first.site, from)
    }
    const soloNew = list.every((e) => e.user_id === null && e.anonymous_id === person)
    candidates.push({ site: first.site, person, state, renamedFrom: from, soloNew, events: list })
  }
  return { fast: candidates.filter((p) => !slow.has(key(p.site, p.person))), slow: [...slow.values()], moved }
}
