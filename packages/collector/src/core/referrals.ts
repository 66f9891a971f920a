import type { TimeRange } from './query.js'
import type { Derived } from './derive.js'
import { selectedSessions, sessionMatches, type Filters } from './filters.js'
import { firstPurchases, inRange, ratio } from './metrics.js'

export interface TopReferrer {
  referralCode: string
  invites: number
  signups: number
  revenue: number
}

/** SPEC §5–6 `stats/referrals`. Ratios are null when their divisor is 0. */
export interface ReferralReport {
  invites: number
  referrers: number
  referredVisitors: number
  referredSignups: number
  referralConversionRate: number | null
  referralRate: number | null
  kFactor: number | null
  topReferrers: TopReferrer[]
}

/** The counts `stats/referrals` is made of, as every store computes them (see referralCounts). */
export interface ReferralCounts {
  invites: number
  /** Distinct persons who sent an invite. */
  referrers: number
  referredVisitors: number
  referredSignups: number
  /** Persons of the orders placed in range, and of them those who sent an invite. */
  customers: number
  invitingCustomers: number
  visitors: number
  /** Already sorted and cut to the limit. */
  topReferrers: TopReferrer[]
}

/** SPEC §5 referral metrics from their counts. */
export function referralsOf(c: ReferralCounts): ReferralReport {
  return {
    invites: c.invites,
    referrers: c.referrers,
    referredVisitors: c.referredVisitors,
    referredSignups: c.referredSignups,
    referralConversionRate: ratio(c.referredSignups, c.referredVisitors),
    referralRate: ratio(c.invitingCustomers, c.customers),
    kFactor: ratio(c.referredSignups, c.visitors),
    topReferrers: c.topReferrers,
  }
}

export const computeReferrals = (d: Derived, range: TimeRange, filters: Filters = {}, limit = 20): ReferralReport =>
  referralsOf(referralCounts(d, range, filters, limit))

/**
 * The referral program over [from, to) for the sessions the filters select (decisions in
 * docs/metrics.md). A person's referral code is the one on their earliest event carrying one, their
 * own invites aside (SPEC §4). Invites, visitors and signups count in-range events; customers are
 * the persons of the orders placed in range (each order once, at its earliest purchase).
 */
export function referralCounts(d: Derived, range: TimeRange, filters: Filters = {}, limit = 20): ReferralCounts {
  const visitors = new Set<string>()
  const signedUp = new Set<string>()
  const inviters = new Set<string>()
  const invitesOf = new Map<string, number>()
  let invites = 0
  for (const s of selectedSessions(d, filters)) {
    for (const e of s.events) {
      if (!inRange(e.t, range)) continue
      visitors.add(s.person)
      if (e.type === 'signup') signedUp.add(s.person)
      if (e.type === 'referral_invite' && e.referralCode !== null) {
        invites++
        inviters.add(s.person)
        invitesOf.set(e.referralCode, (invitesOf.get(e.referralCode) ?? 0) + 1)
      }
    }
  }
  const codeOf = (p: string) => d.referralCodeOf.get(p)
  const referred = [...visitors].filter((p) => codeOf(p) !== undefined)
  const referredSignups = referred.filter((p) => signedUp.has(p))
  const signupsOf = new Map<string, number>()
  for (const p of referredSignups) signupsOf.set(codeOf(p)!, (signupsOf.get(codeOf(p)!) ?? 0) + 1)

  const customers = new Set<string>()
  const revenueOf = new Map<string, number>()
  for (const { event, session } of firstPurchases(d).values()) {
    if (!inRange(event.t, range) || !sessionMatches(session, filters, d)) continue
    customers.add(session.person)
    const code = codeOf(session.person)
    if (code !== undefined) revenueOf.set(code, (revenueOf.get(code) ?? 0) + (event.revenue ?? 0))
  }
  const codes = new Set([...invitesOf.keys(), ...signupsOf.keys(), ...[...customers].map(codeOf).filter((c): c is string => c !== undefined)])
  const topReferrers = [...codes]
    .map((referralCode) => ({
      referralCode,
      invites: invitesOf.get(referralCode) ?? 0,
      signups: signupsOf.get(referralCode) ?? 0,
      revenue: revenueOf.get(referralCode) ?? 0,
    }))
    .sort((a, b) => b.signups - a.signups || b.revenue - a.revenue || b.invites - a.invites || (a.referralCode < b.referralCode ? -1 : a.referralCode > b.referralCode ? 1 : 0))
    .slice(0, limit)
  return {
    invites,
    referrers: inviters.size,
    referredVisitors: referred.length,
    referredSignups: referredSignups.length,
    customers: customers.size,
    invitingCustomers: [...customers].filter((p) => inviters.has(p)).length,
    visitors: visitors.size,
    topReferrers,
  }
}
