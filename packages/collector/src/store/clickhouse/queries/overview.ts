import type { Bucket, ReportQuery } from '../../../core/query.js'
import type { Tables } from '../schema.js'
import { currentPersons } from '../current.js'
import { bucketIndex, goalOf, inRange, selection } from '../selection.js'
import { raw, sql, type Sql } from '../sql.js'
import { personsQuery, spanOf } from './query.js'

/** The counts of the overview, each a `sumMap` over bucket indexes (1-based), in the order of OverviewCounts. */
export const OVERVIEW_COUNTS = [
  'visitors', 'sessions', 'pageviews', 'bounces', 'sessionPageviews', 'lengthSum', 'converted',
  'carts', 'cartsBought', 'checkouts', 'checkoutsBought', 'orders', 'revenue', 'signups',
] as const

/**
 * core/metrics.ts `overviewCounts` per bucket over the current persons, in one pass: per person,
 * the buckets of its selected events (distinct: visitors, converted, signups; each: pageviews),
 * of its selected sessions' starts (with each session's figures) and of its orders' first
 * purchases (with their revenue), summed per bucket across persons with sumMap.
 */
export function overviewSql(t: Tables, q: ReportQuery & { buckets: readonly Bucket[] }): Sql {
  const b = bucketIndex(q.buckets)
  const goal = goalOf(q.goal)
  const ones = (a: string) => `arrayMap(x -> toUInt64(1), ${a})`
  /** Session values (one per session of the row) of the sessions in a bucket and selected. */
  const sessions = (values: string) => `arrayFilter((v, k, ok) -> ok AND k > 0, ${values}, s_b, s_sel)`
  return sql`WITH ${selection(q.filters)},
  arrayMap(t -> ${raw(b('t'))}, p.e_t) AS e_b,
  arrayMap(t -> ${raw(b('t'))}, p.s_start) AS s_b,
  arrayDistinct(arrayFilter((k, ok) -> ok AND k > 0, e_b, e_sel)) AS v_b,
  arrayFilter((k, ok, ty) -> ok AND k > 0 AND ty = 'pageview', e_b, e_sel, p.e_type) AS pv_b,
  arrayDistinct(arrayFilter((k, ok, ty, nm) -> ok AND k > 0 AND ${raw(goal)}, e_b, e_sel, p.e_type, p.e_name)) AS conv_b,
  arrayDistinct(arrayFilter((k, ok, ty) -> ok AND k > 0 AND ty = 'signup', e_b, e_sel, p.e_type)) AS signup_b,
  arrayFilter((k, ok) -> ok AND k > 0, s_b, s_sel) AS ses_b,
  arrayFilter((k, ok, f) -> ok AND k > 0 AND f = 1, e_b, e_sel, p.e_first) AS ord_b
SELECT
  sumMap(v_b, ${raw(ones('v_b'))}) AS visitors,
  sumMap(ses_b, ${raw(ones('ses_b'))}) AS sessions,
  sumMap(pv_b, ${raw(ones('pv_b'))}) AS pageviews,
  sumMap(ses_b, ${raw(sessions('arrayMap((pv, ot) -> toUInt64(pv = 1 AND ot = 0), p.s_pageviews, p.s_others)'))}) AS bounces,
  sumMap(ses_b, ${raw(sessions('arrayMap(pv -> toUInt64(pv), p.s_pageviews)'))}) AS sessionPageviews,
  sumMap(ses_b, ${raw(sessions('arrayMap((a, z, tl) -> toFloat64(z - a) + tl, p.s_start, p.s_end, p.s_tail)'))}) AS lengthSum,
  sumMap(conv_b, ${raw(ones('conv_b'))}) AS converted,
  sumMap(ses_b, ${raw(sessions('arrayMap(x -> toUInt64(x), p.s_cart)'))}) AS carts,
  sumMap(ses_b, ${raw(sessions('arrayMap(x -> toUInt64(x), p.s_cart_bought)'))}) AS cartsBought,
  sumMap(ses_b, ${raw(sessions('arrayMap(x -> toUInt64(x), p.s_checkout)'))}) AS checkouts,
  sumMap(ses_b, ${raw(sessions('arrayMap(x -> toUInt64(x), p.s_checkout_bought)'))}) AS checkoutsBought,
  sumMap(ord_b, ${raw(ones('ord_b'))}) AS orders,
  sumMap(ord_b, arrayFilter((r, k, ok, f) -> ok AND k > 0 AND f = 1, arrayMap(r -> ifNull(r, 0), p.e_revenue), e_b, e_sel, p.e_first)) AS revenue,
  sumMap(signup_b, ${raw(ones('signup_b'))}) AS signups
FROM ${t.name('persons')} AS p
WHERE ${raw(spanOf({ fromMs: Math.min(...q.buckets.map((x) => x.fromMs)), toMs: Math.max(...q.buckets.map((x) => x.toMs)) }))} AND ${currentPersons(t, q.site)}`
}

/**
 * The overview over one range (the common case), as plain per-person counts: no bucket indexes
 * and no sumMap, one pass over the events per figure. Columns are named as OVERVIEW_COUNTS.
 */
export function overviewTotalSql(t: Tables, q: ReportQuery): Sql {
  const inR = (x: string) => inRange(x, q.range)
  const goal = goalOf(q.goal)
  const sessions = (cond: string, value: string, args = '') =>
    `sum(arraySum(arrayFilter((v, st, ok${args}) -> ok AND ${inR('st')}${cond}, ${value}, p.s_start, s_sel)))`
  return personsQuery(t, q.site, q.filters, {
    span: q.range,
    select: `countIf(arrayExists((tt, ok) -> ok AND ${inR('tt')}, p.e_t, e_sel)) AS visitors,
  sum(arrayCount((st, ok) -> ok AND ${inR('st')}, p.s_start, s_sel)) AS sessions,
  sum(arrayCount((tt, ty, ok) -> ok AND ty = 'pageview' AND ${inR('tt')}, p.e_t, p.e_type, e_sel)) AS pageviews,
  sum(arrayCount((st, ok, pv, ot) -> ok AND ${inR('st')} AND pv = 1 AND ot = 0, p.s_start, s_sel, p.s_pageviews, p.s_others)) AS bounces,
  ${sessions('', 'p.s_pageviews')} AS sessionPageviews,
  ${sessions('', 'arrayMap((a, z, tl) -> toFloat64(z - a) + tl, p.s_start, p.s_end, p.s_tail)')} AS lengthSum,
  countIf(arrayExists((tt, ty, nm, ok) -> ok AND ${inR('tt')} AND ${goal}, p.e_t, p.e_type, p.e_name, e_sel)) AS converted,
  ${sessions('', 'p.s_cart')} AS carts,
  ${sessions('', 'p.s_cart_bought')} AS cartsBought,
  ${sessions('', 'p.s_checkout')} AS checkouts,
  ${sessions('', 'p.s_checkout_bought')} AS checkoutsBought,
  sum(arrayCount((tt, f, ok) -> ok AND f = 1 AND ${inR('tt')}, p.e_t, p.e_first, e_sel)) AS orders,
  sum(arraySum(arrayFilter((r, tt, f, ok) -> ok AND f = 1 AND ${inR('tt')}, arrayMap(r -> ifNull(r, 0), p.e_revenue), p.e_t, p.e_first, e_sel))) AS revenue,
  countIf(arrayExists((tt, ty, ok) -> ok AND ty = 'signup' AND ${inR('tt')}, p.e_t, p.e_type, e_sel)) AS signups`,
  })
}
