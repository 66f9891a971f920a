import type { Filters } from '../../../core/filters.js'
import { currentPersons } from '../current.js'
import type { Tables } from '../schema.js'
import { selection } from '../selection.js'
import { lit, raw, sql, type Sql } from '../sql.js'
import type { TimeRange } from '../../../core/query.js'

/**
 * One query over the current persons rows (alias `p`) of a site: WITH the filter selection
 * (`s_sel`, `e_sel`: non-zero where selected) and the report's own per-person aliases, then its SELECT, an optional ARRAY
 * JOIN, conditions, grouping and order. Everything runs per row, so on a cluster each shard
 * computes its own persons and only aggregates travel (ClickHouse 18.16 has one ARRAY JOIN per
 * query and no CTE subqueries; per-person arrays need neither).
 */
export function personsQuery(
  t: Tables,
  site: string,
  filters: Filters,
  parts: {
    /** Persons without an event in this range are skipped before their arrays are read (their first/last event times). */
    span?: TimeRange
    with?: string[]
    select: string
    arrayJoin?: string
    where?: string[]
    groupBy?: string
    orderBy?: string
    limit?: number
  },
): Sql {
  const withs = [selection(filters).text, ...(parts.with ?? [])].join(',\n  ')
  const span = parts.span ? `${spanOf(parts.span)} AND ` : ''
  return sql`WITH ${raw(withs)}
SELECT ${raw(parts.select)}
FROM ${t.name('persons')} AS p
${raw(parts.arrayJoin ? `ARRAY JOIN ${parts.arrayJoin}` : '')}
WHERE ${raw(span)}${currentPersons(t, site)}${raw((parts.where ?? []).map((w) => `\n  AND ${w}`).join(''))}
${raw(parts.groupBy ? `GROUP BY ${parts.groupBy}` : '')}
${raw(parts.orderBy ? `ORDER BY ${parts.orderBy}` : '')}
${raw(parts.limit !== undefined ? `LIMIT ${Math.trunc(parts.limit)}` : '')}`
}

/** Persons with an event in the span, by their first and last event times (scalars: read before the arrays). */
export const spanOf = (span: TimeRange): string => `p.last_t >= ${lit(span.fromMs)} AND p.first_t < ${lit(span.toMs)}`

/**
 * A WITH alias as an expression ARRAY JOIN accepts: ClickHouse 18.16 joins a column or an
 * expression, not an alias of one (an identity map makes it an expression).
 */
export const same = (alias: string) => `arrayMap(x -> x, ${alias})`

/**
 * WITH entries defining `alias`: per session of the row, the sum of the event-level array
 * `values` over its events (events are grouped by session in order, so a cumulative sum read at
 * each session's last event, minus the previous one's). O(events) per person.
 */
export const perSession = (alias: string, values: string): string[] => [
  `arrayCumSum(${values}) AS ${alias}_cum`,
  `arrayMap((last, prev) -> ${alias}_cum[last] - if(prev = 0, 0, ${alias}_cum[prev]), p.s_last, arrayPushFront(arrayPopBack(p.s_last), toUInt32(0))) AS ${alias}`,
]
