import { listValue } from '@duckdb/node-api'
import { SESSION_FILTERS, type Filters } from '../../core/filters.js'
import type { Bucket } from '../../core/query.js'
import type { Params } from './handle.js'

/** SQL text and the named parameters it binds (exactly those: DuckDB rejects unused ones). */
export interface Fragment {
  sql: string
  params: Params
}

/**
 * CTEs `sel` (the sessions of $site the common filters select, SPEC §6; decisions in
 * docs/metrics.md) and `sev` (their events), over the derived tables. Only the filters present
 * become conditions; their values are bound, never SQL text. A session is selected by its
 * first-event attributes, by a pageview of `path` in it, or by whether its person was referred.
 */
export function selection(site: string, f: Filters): Fragment {
  const conds: string[] = []
  const params: Params = { site }
  for (const k of SESSION_FILTERS) {
    if (f[k] === undefined) continue
    conds.push(`s.${k} = $f_${k}`) // column names are code (SESSION_FILTERS), not request text
    params[`f_${k}`] = f[k]
  }
  if (f.path !== undefined) {
    conds.push(`s.sid IN (SELECT sid FROM tw_pe WHERE site = $site AND type = 'pageview' AND path = $f_path)`)
    params.f_path = f.path
  }
  if (f.referred !== undefined) {
    const referred = `s.pno IN (SELECT pno FROM tw_pe WHERE site = $site AND referral_code IS NOT NULL AND type <> 'referral_invite')`
    conds.push(f.referred ? referred : `NOT ${referred}`)
  }
  const sql = `sel AS NOT MATERIALIZED (
  SELECT * FROM tw_sessions s WHERE s.site = $site${conds.map((c) => `\n    AND ${c}`).join('')}
),
sev AS NOT MATERIALIZED (
  SELECT * FROM tw_pe e WHERE e.site = $site${conds.length ? ' AND e.sid IN (SELECT sid FROM sel)' : ''}
)`
  return { sql, params }
}

/** Is event `e` a goal event: an event type, or `custom:name`. */
export function goal(e: string, g: string): Fragment {
  return g.startsWith('custom:')
    ? { sql: `(${e}.type = 'custom' AND ${e}.name = $goal_name)`, params: { goal_name: g.slice(7) } }
    : { sql: `${e}.type = $goal_type`, params: { goal_type: g } }
}

/** Grains (ms) at which time-series bucket bounds may be mapped; local hours and quarter hours cover every time zone. */
const GRAINS = [3_600_000, 900_000, 60_000, 1_000]
const MAX_GRAIN_ROWS = 500_000

export interface Bucketing {
  /** CTEs `buckets(label, b_start, b_end)` and, when bounds allow, `grains(label, q)`. */
  cte: string
  params: Params
  /** A join putting each row of timestamp `col` into the buckets holding it, as alias `m` (with `m.label`). */
  join(col: string): string
}

/**
 * Bucket membership without a range join: when every bound is a whole multiple of a grain (a
 * local hour or quarter hour, true for every time zone's midnights and hours), each bucket is
 * listed as its grains and a row joins on `col // grain` — an equality hash join. Otherwise
 * (arbitrary ms bounds) a range join. Both are restricted to [min start, max end) first.
 */
export function bucketing(buckets: readonly Bucket[]): Bucketing {
  const lo = Math.min(...buckets.map((b) => b.fromMs))
  const hi = Math.max(...buckets.map((b) => b.toMs))
  const rows = (g: number) => buckets.reduce((n, b) => n + Math.max(0, b.toMs - b.fromMs) / g, 0)
  const grain = GRAINS.find((g) => buckets.every((b) => b.fromMs % g === 0 && b.toMs % g === 0) && rows(g) <= MAX_GRAIN_ROWS)
  const params: Params = {
    labels: listValue(buckets.map((b) => b.label)),
    starts: listValue(buckets.map((b) => BigInt(b.fromMs))),
    ends: listValue(buckets.map((b) => BigInt(b.toMs))),
    lo: BigInt(lo),
    hi: BigInt(hi),
  }
  let cte = `buckets AS (
  SELECT unnest($labels::VARCHAR[]) AS label, unnest($starts::BIGINT[]) AS b_start, unnest($ends::BIGINT[]) AS b_end
)`
  if (buckets.length === 1) {
    // one bucket (the overview): a filter, and a join with its single row
    return { cte, params, join: (col) => `JOIN buckets m ON ${col} >= $lo::BIGINT AND ${col} < $hi::BIGINT` }
  }
  if (grain === undefined) {
    return { cte, params, join: (col) => `JOIN buckets m ON ${col} >= $lo::BIGINT AND ${col} < $hi::BIGINT AND ${col} >= m.b_start AND ${col} < m.b_end` }
  }
  params.grain = BigInt(grain)
  cte += `,
grains AS (
  SELECT label, unnest(range(b_start // $grain::BIGINT, b_end // $grain::BIGINT)) AS q FROM buckets
)`
  return { cte, params, join: (col) => `JOIN grains m ON ${col} >= $lo::BIGINT AND ${col} < $hi::BIGINT AND ${col} // $grain::BIGINT = m.q` }
}
