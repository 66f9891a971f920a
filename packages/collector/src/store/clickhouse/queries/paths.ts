import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import type { Sql } from '../sql.js'
import { personsQuery, same } from './query.js'

/** core/paths.ts: the first `depth` pageview paths of the selected sessions started in range, counted. */
export const pathsSql = (t: Tables, q: ReportQuery & { depth: number; limit: number }): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: q.range,
    select: `arraySlice(pages, 1, ${Math.trunc(q.depth)}) AS seq, count() AS sessions`,
    arrayJoin: `p.s_pages AS pages, p.s_start AS start, ${same('s_sel')} AS ok`,
    where: ['ok > 0', 'length(pages) > 0', inRange('start', q.range)],
    groupBy: 'seq',
    // core/paths.ts sorts by the paths joined with NUL, the smallest character
    orderBy: "sessions DESC, arrayStringConcat(seq, '\\0') ASC",
    limit: q.limit,
  })
