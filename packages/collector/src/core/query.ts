import type { Filters } from './filters.js'

/*
 * The value types every layer shares: what a report asks for (ReportQuery) and the ranges and
 * rows it is made of. Routes build them, store adapters answer them, core defines them.
 */

/** Half-open time range [fromMs, toMs) in epoch ms. */
export interface TimeRange {
  fromMs: number
  toMs: number
}

/** A report's range: inclusive site-local dates `from`–`to` (SPEC §5) and the instants they span. */
export interface DateRange extends TimeRange {
  from: string
  to: string
}

/** A time-series bucket: a range and its label (its local start, e.g. 2026-01-05). */
export interface Bucket extends TimeRange {
  label: string
}

/** One ad spend row (SPEC §6): a day's amount for a channel, source and/or campaign. */
export interface SpendRow {
  date: string
  channel: string | null
  source: string | null
  campaign: string | null
  amount: number
}

/**
 * What every report asks a store: the site, the instant range, the sessions the common filters
 * select (SPEC §6) and the goal that conversions count (an event type or `custom:name`; default
 * `purchase`). A report adds its own options to it (e.g. `ReportQuery & { dimension }`).
 */
export interface ReportQuery {
  site: string
  range: TimeRange
  filters: Filters
  goal: string
}
