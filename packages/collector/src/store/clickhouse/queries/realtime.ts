import type { Filters } from '../../../core/filters.js'
import type { Tables } from '../schema.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery } from './query.js'

/** Persons with a selected event at or after `sinceMs` (core/metrics.ts computeRealtime). */
export const realtimeSql = (t: Tables, q: { site: string; filters: Filters; sinceMs: number }): Sql =>
  personsQuery(t, q.site, q.filters, {
    span: { fromMs: q.sinceMs, toMs: Number.MAX_SAFE_INTEGER },
    select: `countIf(arrayExists((t, ok) -> ok AND t >= ${lit(q.sinceMs)}, p.e_t, e_sel)) AS visitors`,
  })
