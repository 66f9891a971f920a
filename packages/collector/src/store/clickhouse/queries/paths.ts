import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { personsQuery } from './query.js'

/** core/paths.ts: the first `depth` pageview paths of the selected sessions started in range, counted. */
export const pathsSql = (t: Tables, q: ReportQuery & { depth: number; limit: number }): Sql =>
  personsQuery(t, q.site, q.filters, {
    select: `arraySlice(p.s_pages[si], 1, ${Math.trunc(q.depth)}) AS seq, count() AS sessions`,
    arrayJoin: 'arrayEnumerate(p.s_start) AS si',
    where: ['s_sel[si] = 1', 'length(p.s_pages[si]) > 0', inRange('p.s_start[si]', q.range)],
    groupBy: 'seq',
    // core/paths.ts sorts by the paths joined with NUL, the smallest character
    orderBy: "sessions DESC, arrayStringConcat(seq, '\\0') ASC",
    limit: q.limit,
  })
