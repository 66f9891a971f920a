import type { FunnelStep } from '../../../core/funnel.js'
import type { ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { inRange } from '../selection.js'
import { lit, type Sql } from '../sql.js'
import { personsQuery } from './query.js'

const matches = (s: FunnelStep) =>
  [`ty = ${lit(s.type)}`, s.name === null ? '' : `ifNull(nm = ${lit(s.name)}, 0)`, s.path === null ? '' : `pa = ${lit(s.path)}`].filter(Boolean).join(' AND ')

/**
 * core/funnel.ts over each current person's selected events (in t, then id order): step 1 is the
 * first step-1 event in range (index i1), step k the first step-k event after step k−1 within
 * `windowMs` of step 1. Per step: persons reaching it, and the exact median of their times from
 * the previous step (the mean of the two middle values for an even count).
 */
export function funnelSql(t: Tables, q: ReportQuery & { steps: readonly FunnelStep[]; windowMs: number }): Sql {
  const args = `p.e_t, p.e_type, p.e_name, p.e_path, e_sel, arrayEnumerate(p.e_t)`
  const withs = [`arrayFirstIndex((tt, ty, nm, pa, ok, j) -> ok AND ${inRange('tt', q.range)} AND ${matches(q.steps[0]!)}, ${args}) AS i1`, `p.e_t[i1] AS t1`]
  const selects = ['countIf(i1 > 0) AS reached_1']
  for (let k = 2; k <= q.steps.length; k++) {
    withs.push(
      `if(i${k - 1} = 0, 0, arrayFirstIndex((tt, ty, nm, pa, ok, j) -> j > i${k - 1} AND ok AND tt - t1 <= ${lit(q.windowMs)} AND ${matches(q.steps[k - 1]!)}, ${args})) AS i${k}`,
      `p.e_t[i${k}] - p.e_t[i${k - 1}] AS gap${k}`,
    )
    selects.push(`countIf(i${k} > 0) AS reached_${k}`, `arraySort(groupArrayIf(gap${k}, i${k} > 0)) AS gaps_${k}`)
  }
  return personsQuery(t, q.site, q.filters, { span: q.range, with: withs, select: selects.join(',\n  ') })
}

/** The exact median of sorted values; null when there are none (SPEC §5). */
export function medianOf(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
