import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

/** Per-person aliases of core/referrals.ts over the selected events in range. */
const perPerson = (q: ReportQuery) => [
  `arrayFilter((tt, ok) -> ok AND ${inRange('tt', q.range)}, p.e_t, e_sel) AS in_range`,
  `length(in_range) > 0 AS visitor`,
  `arrayExists((tt, ty, ok) -> ok AND ty = 'signup' AND ${inRange('tt', q.range)}, p.e_t, p.e_type, e_sel) AS signed_up`,
  `arrayFilter((c, tt, ty, ok) -> ok AND ty = 'referral_invite' AND c IS NOT NULL AND ${inRange('tt', q.range)}, p.e_ref, p.e_t, p.e_type, e_sel) AS invite_codes`,
  `arrayFilter((r, tt, f, ok) -> f = 1 AND ok AND ${inRange('tt', q.range)}, arrayMap(r -> ifNull(r, 0), p.e_revenue), p.e_t, p.e_first, e_sel) AS order_revenue`,
  `length(order_revenue) > 0 AS customer`,
  `p.ref_code IS NOT NULL AND visitor AS referred`,
]

/** core/referrals.ts `referralCounts` totals over the current persons. */
export const referralTotalsSql = (t: Tables, q: ReportQuery): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: perPerson(q),
    select: `sum(length(invite_codes)) AS invites, countIf(length(invite_codes) > 0) AS referrers, countIf(referred) AS referred_visitors,
  countIf(referred AND signed_up) AS referred_signups, countIf(customer) AS customers,
  countIf(customer AND length(invite_codes) > 0) AS inviting_customers, countIf(visitor) AS visitors`,
  })

/**
 * The top referral codes: a code's invites in range, the referred signups and the revenue of the
 * orders of persons whose code it is; every code on an invite, of a referred signup or of a customer.
 * Sorted by signups, revenue, invites (descending), then code.
 */
export const topReferrersSql = (t: Tables, q: ReportQuery & { limit: number }): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      ...perPerson(q),
      `arrayConcat(
        arrayMap(c -> (assumeNotNull(c), toUInt64(1), toUInt64(0), toFloat64(0)), invite_codes),
        if(p.ref_code IS NOT NULL AND (referred AND signed_up OR customer),
          [(assumeNotNull(p.ref_code), toUInt64(0), toUInt64(referred AND signed_up), toFloat64(arraySum(order_revenue)))],
          CAST([] AS Array(Tuple(String, UInt64, UInt64, Float64))))) AS credits`,
    ],
    select: 'credit.1 AS code, sum(credit.2) AS invites, sum(credit.3) AS signups, sum(credit.4) AS revenue',
    arrayJoin: `${same('credits')} AS credit`,
    groupBy: 'code',
    orderBy: 'signups DESC, revenue DESC, invites DESC, code ASC',
    limit: q.limit,
  })
