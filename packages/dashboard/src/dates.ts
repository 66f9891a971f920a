import type { Interval } from './catalog.js'

/**
 * Report ranges as the API takes them: inclusive `YYYY-MM-DD` days in the site's time zone
 * (SPEC §5). "Today" is the date in that zone, never the browser's — a shop in Tokyo viewed from
 * Paris at 20:00 is already on tomorrow.
 */

export const PRESETS = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'mtd', label: 'Month to date' },
  { id: 'lastmonth', label: 'Last month' },
  { id: 'custom', label: 'Custom…' },
] as const
export type Preset = (typeof PRESETS)[number]['id']
export const PRESET_IDS = PRESETS.map((p) => p.id) as readonly Preset[]

export interface DateRange {
  from: string
  to: string
}

const DAY = 86_400_000
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Is `s` a real calendar date `YYYY-MM-DD`? */
export const isDate = (s: unknown): s is string => typeof s === 'string' && DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s

/** The current date in a time zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now)
  const get = (t: string) => parts.find((p) => p.type === t)!.value
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** A date moved by whole days. */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)

/** Days in a range, both ends included. */
export const daysOf = (r: DateRange) => Math.round((Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / DAY) + 1

/** The range a preset means on `today` (a site-local date); `custom` uses `custom` when valid, else the last 30 days. */
export function rangeOf(preset: Preset, today: string, custom?: Partial<DateRange>): DateRange {
  switch (preset) {
    case 'today':
      return { from: today, to: today }
    case '7d':
      return { from: addDays(today, -6), to: today }
    case '90d':
      return { from: addDays(today, -89), to: today }
    case 'mtd':
      return { from: `${today.slice(0, 8)}01`, to: today }
    case 'lastmonth': {
      const to = addDays(`${today.slice(0, 8)}01`, -1)
      return { from: `${to.slice(0, 8)}01`, to }
    }
    case 'custom':
      if (isDate(custom?.from) && isDate(custom?.to)) return custom.from <= custom.to ? { from: custom.from, to: custom.to } : { from: custom.to, to: custom.from }
      return rangeOf('30d', today)
    case '30d':
    default:
      return { from: addDays(today, -29), to: today }
  }
}

/**
 * Intervals a time series of this range can use: the API answers at most 2000 buckets
 * (hours: up to 83 days; 31 keeps a chart readable), and a month bucket needs a range of weeks.
 */
export function intervalsFor(r: DateRange): Interval[] {
  const days = daysOf(r)
  const out: Interval[] = []
  if (days <= 31) out.push('hour')
  if (days <= 2000) out.push('day')
  if (days >= 7) out.push('week')
  if (days >= 28) out.push('month')
  return out
}

/** The interval a range is charted in unless the user picks one: hours for a day, days up to a quarter. */
export function defaultInterval(r: DateRange): Interval {
  const days = daysOf(r)
  return days <= 2 ? 'hour' : days <= 120 ? 'day' : days <= 730 ? 'week' : 'month'
}
