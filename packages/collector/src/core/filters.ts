import type { Derived, Session } from './derive.js'

/** The common report filters of SPEC §6. Values compare exactly (case-sensitive), like a breakdown's values. */
export interface Filters {
  channel?: string
  source?: string
  medium?: string
  campaign?: string
  device?: string
  browser?: string
  os?: string
  country?: string
  /** Sessions with a pageview of this path. */
  path?: string
  /** Sessions of persons with (true) or without (false) a referral code. */
  referred?: boolean
}

export const SESSION_FILTERS = ['channel', 'source', 'medium', 'campaign', 'device', 'browser', 'os', 'country'] as const

export const hasFilters = (f: Filters) => Object.values(f).some((v) => v !== undefined)

/** The sessions the filters select (all of them without filters). */
export const selectedSessions = (d: Derived, f: Filters): Session[] => (hasFilters(f) ? d.sessions.filter((s) => sessionMatches(s, f, d)) : d.sessions)

/**
 * Filters select sessions: by the session's attributes (from its first event), by a pageview of
 * `path` anywhere in the session, or by whether its person was referred. A filtered report counts
 * only the events of the selected sessions.
 */
export function sessionMatches(s: Session, f: Filters, d: Derived): boolean {
  for (const k of SESSION_FILTERS) if (f[k] !== undefined && s[k] !== f[k]) return false
  if (f.path !== undefined && !s.events.some((e) => e.type === 'pageview' && e.path === f.path)) return false
  if (f.referred !== undefined && d.referralCodeOf.has(s.person) !== f.referred) return false
  return true
}
