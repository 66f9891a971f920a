import { HALF_LIFE_MS, type AttributionDimension, type Model } from '../../../core/attribution.js'
import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { goalOf, inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

/** The `persons` array of each attribution dimension. */
export const BY: Record<AttributionDimension, string> = { channel: 's_channel', source: 's_source', campaign: 's_campaign' }

/** The last touchpoint (1-based) whose channel is not Direct, 0 when all are. */
const LAST_NON_DIRECT = "arrayReduce('max', arrayMap((si, i) -> if(channels_of[si] != 'Direct', i, 0), tp, arrayEnumerate(tp)))"
const DECAY = `arrayMap(si -> exp2(-(ct - starts[si]) / ${HALF_LIFE_MS}), tp)`

/**
 * Each model's weights of the touchpoints `tp` (session indexes, in time order, the converting
 * session last) of one conversion at `ct` (core/attribution.ts `weights`).
 */
const WEIGHTS: Record<Model, string> = {
  first_touch: 'arrayMap(i -> toFloat64(i = 1), arrayEnumerate(tp))',
  last_touch: 'arrayMap(i -> toFloat64(i = length(tp)), arrayEnumerate(tp))',
  last_non_direct: `arrayMap(i -> toFloat64(i = if(${LAST_NON_DIRECT} = 0, length(tp), ${LAST_NON_DIRECT})), arrayEnumerate(tp))`,
  linear: 'arrayMap(i -> 1 / length(tp), tp)',
  time_decay: `arrayMap(d -> d / arraySum(${DECAY}), ${DECAY})`,
  position_based: 'arrayMap(i -> multiIf(length(tp) = 1, 1, length(tp) = 2, 0.5, i = 1 OR i = length(tp), 0.4, 0.2 / (length(tp) - 2)), arrayEnumerate(tp))',
}

/**
 * Per current person: its conversions in range of selected sessions — orders at their earliest
 * purchase (credit = revenue) for `purchase`, else goal events (credit 0) — and for each the
 * touchpoints (core/attribution.ts `touchpoints`): the person's sessions from the first one
 * starting within the lookback window before it, through the converting session. Aliases, one
 * element per conversion in event order: `conv_tp` (session indexes), `conv_t`, `conv_credit`.
 */
export function conversionsWith(q: ReportQuery & { lookbackMs: number }): string[] {
  const isConversion = q.goal === 'purchase' ? 'f = 1' : goalOf(q.goal)
  return [
    `arrayFilter((j, tt, ty, nm, f, ok) -> ok AND ${isConversion} AND ${inRange('tt', q.range)}, arrayEnumerate(p.e_t), p.e_t, p.e_type, p.e_name, p.e_first, e_sel) AS conv_idx`,
    `p.s_start AS starts`,
    `p.e_sess AS sess_of`,
    `p.e_t AS t_of`,
    `arrayMap(ci -> t_of[ci], conv_idx) AS conv_t`,
    `arrayMap(ci -> arrayFilter((si, st) -> si <= sess_of[ci] AND (st >= t_of[ci] - ${lit(q.lookbackMs)} OR si = sess_of[ci]), arrayEnumerate(starts), starts), conv_idx) AS conv_tp`,
    q.goal === 'purchase'
      ? `arrayMap(ci -> ifNull(p_revenue[ci], 0), conv_idx) AS conv_credit, p.e_revenue AS p_revenue`
      : `arrayMap(ci -> toFloat64(0), conv_idx) AS conv_credit`,
  ]
}

/**
 * core/attribution.ts `computeAttribution`: every conversion spreads its model's weights over its
 * touchpoints; per value of `by`, conversions += weight and revenue += weight × credit. Rows with
 * credit, by revenue, then conversions (descending), then value. Model and dimension are code.
 */
export function attributionSql(t: Tables, q: ReportQuery & { model: Model; lookbackMs: number; by: AttributionDimension }): Sql {
  return personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      ...conversionsWith(q),
      `p.${BY[q.by]} AS values_of`,
      `p.s_channel AS channels_of`,
      `arrayMap((tp, ct) -> ${WEIGHTS[q.model]}, conv_tp, conv_t) AS conv_w`,
      // (value, weight, weight × credit) of every touchpoint of every conversion, in one array
      `arrayReduce('groupArrayArray', arrayMap((tp, w, cr) -> arrayMap((si, x) -> (values_of[si], x, x * cr), tp, w), conv_tp, conv_w, conv_credit)) AS credits`,
    ],
    select: 'credit.1 AS value, sum(credit.2) AS conversions, sum(credit.3) AS revenue',
    arrayJoin: `${same('credits')} AS credit`,
    where: ['credit.2 > 0'],
    groupBy: 'value',
    orderBy: 'revenue DESC, conversions DESC, value ASC',
  })
}
