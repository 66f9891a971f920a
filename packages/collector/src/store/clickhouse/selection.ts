import { CHANNELS } from '../../core/channels.js'
import { SESSION_FILTERS, type Filters } from '../../core/filters.js'
import type { Bucket } from '../../core/query.js'
import { lit, raw, type Sql } from './sql.js'

/** The `persons` array of each session filter (names are code, never request text). */
const SESSION_ARRAY: Record<(typeof SESSION_FILTERS)[number], string> = {
  channel: 's_channel',
  source: 's_source',
  medium: 's_medium',
  campaign: 's_campaign',
  device: 's_device',
  browser: 's_browser',
  os: 's_os',
  country: 's_country',
}

/**
 * WITH aliases over one current `persons` row (alias `p`): `s_sel`, per session non-zero when the
 * common filters (SPEC §6) select it — by its attributes, by a pageview of `path` in it, or by
 * whether its person was referred — and `e_sel`, the same for each event (its session's).
 * Values are rendered by lit(); a filtered report counts only the events of selected sessions.
 */
export function selection(f: Filters): Sql {
  // arrays go into the lambda as arguments: ClickHouse 18.16 resolves no table column inside one
  const args: string[] = ['i']
  const arrays: string[] = ['arrayEnumerate(p.s_start)']
  const conds: string[] = []
  for (const k of SESSION_FILTERS) {
    if (f[k] === undefined) continue
    // channels are an Enum8, which rejects a name it does not have: such a filter selects nothing
    if (k === 'channel' && !(CHANNELS as readonly string[]).includes(f[k]!)) {
      conds.push('0')
      continue
    }
    args.push(`f_${k}`)
    arrays.push(`p.${SESSION_ARRAY[k]}`)
    conds.push(`ifNull(f_${k} = ${lit(f[k])}, 0)`)
  }
  const path =
    f.path === undefined ? '' : `arrayFilter((si, ty, pa) -> ty = 'pageview' AND pa = ${lit(f.path)}, p.e_sess, p.e_type, p.e_path) AS path_sess,\n`
  if (f.path !== undefined) conds.push('has(path_sess, i)')
  // a person-level value goes in as an alias: captured, unlike a column
  const referred = f.referred === undefined ? '' : 'toUInt8(p.ref_code IS NOT NULL) AS p_referred,\n'
  if (f.referred !== undefined) conds.push(`p_referred = ${f.referred ? 1 : 0}`)
  // unfiltered, everything is selected: arrays of ones, filled (not mapped). Not an alias of a
  // column: 18.16 loses such aliases when it rewrites a query for the shards of a cluster.
  if (conds.length === 0) {
    return raw(`arrayResize(CAST([] AS Array(UInt8)), length(p.s_start), toUInt8(1)) AS s_sel,
arrayResize(CAST([] AS Array(UInt8)), length(p.e_sess), toUInt8(1)) AS e_sel`)
  }
  const cond = conds.join(' AND ')
  return raw(`${path}${referred}arrayMap((${args.join(', ')}) -> toUInt8(${cond}), ${arrays.join(', ')}) AS s_sel,
arrayMap(si -> s_sel[si], p.e_sess) AS e_sel`)
}

/** Is an event (its `ty` and `nm` lambda variables) a goal event: an event type, or `custom:name`. */
export const goalOf = (goal: string, ty = 'ty', nm = 'nm'): string =>
  goal.startsWith('custom:') ? `(${ty} = 'custom' AND ifNull(${nm} = ${lit(goal.slice(7))}, 0))` : `${ty} = ${lit(goal)}`

/** Is `t` (an expression) in [fromMs, toMs)? */
export const inRange = (t: string, r: { fromMs: number; toMs: number }): string => `(${t} >= ${lit(r.fromMs)} AND ${t} < ${lit(r.toMs)})`

/** Grains (ms) at which bucket bounds may be mapped; local hours and quarter hours cover every time zone. */
const GRAINS = [3_600_000, 900_000, 60_000, 1_000]
const MAX_GRAINS = 50_000

/**
 * The 1-based index of the bucket holding timestamp expression `t`, 0 outside every bucket.
 * When every bound is a whole multiple of a grain (true of every zone's midnights and hours), a
 * constant array maps `(t − lo) / grain` to the bucket: O(1) per event. Else a search.
 */
export function bucketIndex(buckets: readonly Bucket[]): (t: string) => string {
  const lo = Math.min(...buckets.map((b) => b.fromMs))
  const hi = Math.max(...buckets.map((b) => b.toMs))
  if (buckets.length === 1) return (t) => `toUInt32(${inRange(t, buckets[0]!)})`
  const grain = GRAINS.find((g) => buckets.every((b) => b.fromMs % g === 0 && b.toMs % g === 0) && (hi - lo) / g <= MAX_GRAINS)
  if (grain === undefined) {
    const starts = lit(buckets.map((b) => b.fromMs))
    const ends = lit(buckets.map((b) => b.toMs))
    return (t) => `arrayFirstIndex((s, e) -> ${t} >= s AND ${t} < e, ${starts}, ${ends})`
  }
  const map = new Array<number>((hi - lo) / grain).fill(0)
  buckets.forEach((b, i) => {
    for (let g = (b.fromMs - lo) / grain; g < (b.toMs - lo) / grain; g++) map[g] = i + 1
  })
  return (t) => `if(${t} >= ${lo} AND ${t} < ${hi}, arrayElement(CAST(${lit(map)} AS Array(UInt32)), toUInt32(intDiv(${t} - ${lo}, ${grain})) + 1), toUInt32(0))`
}

/** `sumMap` results ([keys], [values]) as a Map. */
export function sumMapOf(v: unknown): Map<number, number> {
  const [keys, values] = (v ?? [[], []]) as [unknown[], unknown[]]
  return new Map(keys.map((k, i) => [Number(k), Number(values[i])]))
}
