import { SESSION_DIMENSIONS, type Dimension } from '../../../core/breakdown.js'
import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { goalOf, inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

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

const ROWS = {
  select: 'value, uniqExact(p.pno) AS visitors, count() AS sessions, countIf(goals_after > 0) AS conversions, sum(revenue_after) AS revenue',
  groupBy: 'value',
  orderBy: 'visitors DESC, value ASC NULLS LAST',
}

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
    // sessions by index: the session-sized arrays are copied per joined row, a few each
    return personsQuery(t, q.site, q.filters, {
      span: q.range,
      ...ROWS,
      select: `p.${ARRAY[q.dimension]}[si] AS value, uniqExact(p.pno) AS visitors, count() AS sessions,
        countIf(has(p.s_goals[si], ${lit(q.goal)})) AS conversions, sum(p.s_order_revenue[si]) AS revenue`,
      arrayJoin: 'arrayEnumerate(p.s_start) AS si',
      where: ['s_sel[si] > 0', inRange('p.s_start[si]', q.range)],
      limit: q.limit,
    })
  }
  // what follows an event in its session: its session's total minus the running sum at the event
  // (session totals reach each event through its session index: a session-sized capture, cheap)
  return personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      `arrayCumSum(${goals}) AS goal_cum`,
      `arrayCumSum(${orderRevenue}) AS revenue_cum`,
      `arrayMap(last -> goal_cum[last], p.s_last) AS goal_total`,
      `arrayMap(last -> revenue_cum[last], p.s_last) AS revenue_total`,
      `p.s_start AS starts`,
      // first pageview of its path in its session
      `arrayMap((ty, u) -> toUInt8(ty = 'pageview' AND u = 1), p.e_type, arrayEnumerateUniq(p.e_sess, p.e_path, arrayMap(ty -> ty = 'pageview', p.e_type))) AS first_view`,
    ],
    ...ROWS,
    arrayJoin: `p.e_path AS value, ${same('first_view')} AS fv, ${same('e_sel')} AS ok, arrayMap(si -> starts[si], p.e_sess) AS start,
      arrayMap((si, c) -> goal_total[si] - c, p.e_sess, goal_cum) AS goals_after, arrayMap((si, c) -> revenue_total[si] - c, p.e_sess, revenue_cum) AS revenue_after`,
    where: ['fv = 1', 'ok > 0', inRange('start', q.range)],
    limit: q.limit,
  })
}
