import { SESSION_DIMENSIONS, type Dimension } from '../../../core/breakdown.js'
import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { goalOf, inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { perSession, personsQuery } from './query.js'

/** The `persons` array of each session dimension (names are code, never request text). */
const ARRAY: Record<(typeof SESSION_DIMENSIONS)[number], string> = {
  channel: 's_channel',
  source: 's_source',
  medium: 's_medium',
  campaign: 's_campaign',
  referrerDomain: 's_referrer_domain',
  entryPage: 's_entry',
  exitPage: 's_exit',
  device: 's_device',
  browser: 's_browser',
  os: 's_os',
  country: 's_country',
}

const rows = (value: string, converted: string, revenue: string) => ({
  select: `${value} AS value, uniqExact(p.person) AS visitors, count() AS sessions, countIf(${converted}) AS conversions, sum(${revenue}) AS revenue`,
  groupBy: 'value',
  orderBy: 'visitors DESC, value ASC NULLS LAST',
})

/**
 * core/breakdown.ts over the current persons, for selected sessions started in range. A session
 * converts with a goal event anywhere in it; its revenue is that of the orders whose earliest
 * purchase is in it. `page`: each first pageview of a path in a session, with what follows it
 * in that session (events are in t, then id, order).
 */
export function breakdownSql(t: Tables, q: ReportQuery & { dimension: Dimension; limit: number }): Sql {
  const goals = `arrayMap((ty, nm) -> toUInt32(${goalOf(q.goal)}), p.e_type, p.e_name)`
  const orderRevenue = `arrayMap((r, f) -> if(f = 1, ifNull(r, 0), 0), p.e_revenue, p.e_first)`
  if (q.dimension !== 'page') {
    return personsQuery(t, q.site, q.filters, {
      with: [...perSession('s_goals', goals), ...perSession('s_revenue', orderRevenue)],
      ...rows(`p.${ARRAY[q.dimension]}[si]`, 's_goals[si] > 0', 's_revenue[si]'),
      arrayJoin: 'arrayEnumerate(p.s_start) AS si',
      where: ['s_sel[si] = 1', inRange('p.s_start[si]', q.range)],
      limit: q.limit,
    })
  }
  return personsQuery(t, q.site, q.filters, {
    with: [
      `arrayCumSum(${goals}) AS goal_cum`,
      `arrayCumSum(${orderRevenue}) AS revenue_cum`,
      // first pageview of its path in its session
      `arrayMap((ty, u) -> toUInt8(ty = 'pageview' AND u = 1), p.e_type, arrayEnumerateUniq(p.e_sess, p.e_path, arrayMap(ty -> ty = 'pageview', p.e_type))) AS first_view`,
    ],
    ...rows('p.e_path[j]', 'goal_cum[p.s_last[p.e_sess[j]]] - goal_cum[j] > 0', 'revenue_cum[p.s_last[p.e_sess[j]]] - revenue_cum[j]'),
    arrayJoin: 'arrayEnumerate(p.e_path) AS j',
    where: ['first_view[j] = 1', 'e_sel[j] = 1', inRange('p.s_start[p.e_sess[j]]', q.range)],
    limit: q.limit,
  })
}
