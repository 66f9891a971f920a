/*
 * The new events of one fast-path person in sessions (plan(), fast-path.ts, decides who is fast):
 * their session numbers and positions, and each new or continued session's figures, by the rules
 * of the whole derivation in SQL (sessions-sql.ts, tables.ts).
 */
import type { FastPerson, NewEvent, PathEvent } from './fast-path.js'

/** A person's new events with their session (0: the person's last one, continued; 1..: new ones) and position. */
export interface Numbered<E extends PathEvent = NewEvent> {
  e: E
  sessionNo: number
  seq: number
  starts: boolean
}

/**
 * Sessions of a fast person's new events (SPEC §4, as sessions-sql.ts's windows): a gap of more
 * than 30 minutes starts one, and so does a campaign pageview whose parameters differ from the
 * previous campaign pageview's in its gap segment, or else from the segment's first event's (the
 * stored last session's `ckey_end` for the segment it continues).
 */
export function numberEvents<E extends PathEvent>(p: FastPerson<E>): Numbered<E>[] {
  const out: Numbered<E>[] = []
  let prevT = p.state?.lastT ?? null
  let segKey = p.state?.ckeyEnd ?? null
  let prevCpv: string | null = null
  let sessionNo = 0
  let seq = p.state?.lastSeq ?? 0
  for (const e of p.events) {
    const gap = prevT === null || e.t - prevT > 1_800_000
    if (gap) {
      segKey = e.ckey
      prevCpv = null
    }
    const against = prevCpv ?? segKey
    const starts = gap || (e.cpv && against !== null && e.ckey !== against)
    if (e.cpv) prevCpv = e.ckey
    if (starts) sessionNo++
    out.push({ e, sessionNo, seq: ++seq, starts })
    prevT = e.t
  }
  return out
}

/** Per-session figures of some new events of one session (tables.ts's sessionAggSql over them). */
export interface SessionFigures {
  endT: number
  pageviews: number
  exitPage: string | null
  others: number
  lastPv: number | null
  firstCart: number | null
  firstCheckout: number | null
  lastPurchase: number | null
  /** Goal keys, distinct, unsorted (the SQL that writes them sorts). */
  goals: string[]
  pages: string[]
  /** Engagement in all of them; engagement after their last pageview. */
  engaged: number | null
  tail: number
  lastId: string
  lastSeq: number
  /** The campaign key of their last campaign pageview. */
  cpvKey: string | null
}

/** The figures of one session's new events, in (t, id) order. */
export function sessionFigures(rows: readonly Numbered<PathEvent>[], maxPages: number): SessionFigures {
  const f: SessionFigures = {
    endT: 0, pageviews: 0, exitPage: null, others: 0, lastPv: null, firstCart: null, firstCheckout: null, lastPurchase: null,
    goals: [], pages: [], engaged: null, tail: 0, lastId: '', lastSeq: 0, cpvKey: null,
  }
  const goals = new Set<string>()
  for (const { e, seq } of rows) {
    f.endT = Math.max(f.endT, e.t)
    if (e.type === 'pageview') {
      f.pageviews++
      f.exitPage = e.path
      f.lastPv = seq
      if (f.pages.length < maxPages) f.pages.push(e.path)
    } else if (e.type !== 'engagement') f.others++
    if (e.type === 'cart_add') f.firstCart ??= seq
    if (e.type === 'checkout') f.firstCheckout ??= seq
    if (e.type === 'purchase') f.lastPurchase = seq
    if (e.type !== 'custom') goals.add(e.type)
    else if (e.name !== null) goals.add(`custom:${e.name}`)
    if (e.type === 'engagement' && e.engaged_ms !== null) f.engaged = (f.engaged ?? 0) + e.engaged_ms
    if (e.cpv) f.cpvKey = e.ckey
    f.lastId = e.id
    f.lastSeq = seq
  }
  if (f.lastPv !== null) {
    for (const { e, seq } of rows) if (e.type === 'engagement' && seq > f.lastPv && e.engaged_ms !== null) f.tail += e.engaged_ms
  }
  f.goals = [...goals]
  return f
}
