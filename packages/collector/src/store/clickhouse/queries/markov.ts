import type { AttributionDimension } from '../../../core/attribution.js'
import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { BY, conversionsWith } from './attribution.js'
import { personsQuery, same } from './query.js'

/** Kinds of a counted transition (the first element of its tuple). */
export const KIND = { startToValue: 0, valueToValue: 1, valueToEnd: 2, startToEnd: 3 } as const

/**
 * core/attribution.ts `markovCounts`: per current person, their paths — each conversion's
 * touchpoints (conversionsWith) ending in CONVERSION, or, for a person with a selected session in
 * range and no conversion, all their sessions in range ending in NULL — as transition tuples
 * (kind, from, to, converts, credit) in one array, joined and counted: columns kind, src, dst,
 * converts, n and revenue (the credits of conversion ends). The dimension is code.
 */
export function markovSql(t: Tables, q: ReportQuery & { lookbackMs: number; by: AttributionDimension }): Sql {
  const lostPaths = 'arrayFilter(x -> length(x) > 0, [lost_tp])'
  // one path `tp` (session indexes in order) ending in CONVERSION (cv = 1) or NULL, credit cr on its end
  const transitions = `arrayPushBack(
      arrayMap((si, pi) -> tuple(if(pi = 0, toUInt8(${KIND.startToValue}), toUInt8(${KIND.valueToValue})), if(pi = 0, '', values_of[pi]), values_of[si], toUInt8(0), toFloat64(0)),
        tp, arrayPushFront(arrayPopBack(tp), toUInt32(0))),
      tuple(if(length(tp) = 0, toUInt8(${KIND.startToEnd}), toUInt8(${KIND.valueToEnd})), if(length(tp) = 0, '', values_of[tp[-1]]), '', cv, cr))`
  return personsQuery(t, q.site, q.filters, {
    span: q.range,
    with: [
      ...conversionsWith(q),
      `arrayMap(v -> toString(v), p.${BY[q.by]}) AS values_of`,
      `toUInt8(length(conv_idx) = 0 AND arrayExists((ok, st) -> ok AND ${inRange('st', q.range)}, s_sel, starts)) AS lost`,
      `arrayFilter((si, st) -> lost = 1 AND ${inRange('st', q.range)}, arrayEnumerate(starts), starts) AS lost_tp`,
      `arrayConcat(conv_tp, ${lostPaths}) AS paths`,
      `arrayConcat(arrayMap(x -> toUInt8(1), conv_tp), arrayMap(x -> toUInt8(0), ${lostPaths})) AS path_conv`,
      `arrayConcat(arrayMap(c -> toFloat64(c), conv_credit), arrayMap(x -> toFloat64(0), ${lostPaths})) AS path_credit`,
      `arrayReduce('groupArrayArray', arrayMap((tp, cv, cr) -> ${transitions}, paths, path_conv, path_credit)) AS steps`,
    ],
    select: 'step.1 AS kind, step.2 AS src, step.3 AS dst, step.4 AS converts, count() AS n, sum(step.5) AS revenue',
    arrayJoin: `${same('steps')} AS step`,
    groupBy: 'kind, src, dst, converts',
  })
}
