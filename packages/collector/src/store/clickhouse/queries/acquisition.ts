import { ACQUISITION_LOOKBACK_MS } from '../../../core/acquisition.js'
import type { Bucket, ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { bucketIndex, inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

/** Persons with a selected session of each channel started in range. */
export const channelVisitorsSql = (t: Tables, q: ReportQuery): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [`arrayDistinct(arrayFilter((ch, st, ok) -> ok AND ${inRange('st', q.range)}, p.s_channel, p.s_start, s_sel)) AS channels`],
    select: 'channel, count() AS n',
    arrayJoin: `${same('channels')} AS channel`,
    groupBy: 'channel',
  })

/**
 * New customers by the channel of their first order's first touchpoint (core/acquisition.ts): a
 * person's first order ever (its earliest first-purchase event), in range and placed in a selected
 * session; touchpoints as in attribution, over the acquisition lookback. `daily`: per channel, a
 * sumMap of the revenue of these customers' orders (each once, at its earliest purchase, in any
 * session) by 1-based index of the day bucket of `days` it was placed in.
 */
export const newCustomerChannelsSql = (t: Tables, q: ReportQuery & { days: readonly Bucket[] }): Sql => {
  const day = q.days.length > 0 ? bucketIndex(q.days) : () => 'toUInt32(0)'
  return personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      `arrayFirstIndex(f -> f = 1, p.e_first) AS fo`,
      `p.e_t[fo] AS fo_t`,
      `p.e_sess[fo] AS fo_sess`,
      `arrayFirstIndex((si, st) -> si = fo_sess OR st >= fo_t - ${lit(ACQUISITION_LOOKBACK_MS)}, arrayEnumerate(p.s_start), p.s_start) AS first_touch`,
      `arrayFilter((tt, f) -> f = 1 AND ${inRange('tt', q.range)}, p.e_t, p.e_first) AS order_t`,
      `arrayFilter((r, f, tt) -> f = 1 AND ${inRange('tt', q.range)}, p.e_revenue, p.e_first, p.e_t) AS order_revenue`,
    ],
    select: `p.s_channel[first_touch] AS channel, count() AS n,
  sumMap(arrayMap(tt -> ${day('tt')}, order_t), arrayMap(r -> toFloat64(ifNull(r, 0)), order_revenue)) AS daily`,
    where: ['fo > 0', inRange('fo_t', q.range), 'e_sel[fo] > 0'],
    groupBy: 'channel',
  })
}
