import { InvalidParameter } from '../errors.js'
import type { Bucket, DateRange } from '../core/query.js'
import { addDays, startOfDay, zoneOffsetMs } from './range.js'

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

/** At most this many buckets per time series (e.g. 83 days of hours). */
export const MAX_BUCKETS = 2000

const HOUR = 3_600_000
const parse = (date: string) => date.split('-').map(Number) as [number, number, number]
const dayStart = (date: string, tz: string) => startOfDay(...parse(date), tz)

/** `2026-03-29T03:00+02:00`: an hour bucket's local start with its offset (unique across DST). */
function hourLabel(ms: number, tz: string): string {
  const offset = zoneOffsetMs(ms, tz)
  const local = new Date(ms + offset).toISOString().slice(0, 16)
  const m = Math.abs(offset) / 60_000
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/**
 * The buckets of a report range in the site's time zone (SPEC §6 timeseries: every bucket present).
 * Days, weeks (starting Monday) and months are labeled by the date they start on; a week or month
 * that begins before `from` or ends after `to` is cut to the range, so no bucket counts outside it.
 */
export function bucketsOf(range: DateRange, interval: Interval, tz: string): Bucket[] {
  const out: Bucket[] = []
  const push = (label: string, fromMs: number, toMs: number) => {
    if (out.length >= MAX_BUCKETS) throw new InvalidParameter('interval', `the range holds more than ${MAX_BUCKETS} ${interval} buckets`)
    out.push({ label, fromMs: Math.max(fromMs, range.fromMs), toMs: Math.min(toMs, range.toMs) })
  }
  if (interval === 'hour') {
    for (let t = range.fromMs; t < range.toMs; t += HOUR) push(hourLabel(t, tz), t, t + HOUR)
    return out
  }
  let start = range.from
  if (interval === 'week') start = addDays(start, -((new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7))
  if (interval === 'month') start = `${start.slice(0, 8)}01`
  while (start <= range.to) {
    const next =
      interval === 'day'
        ? addDays(start, 1)
        : interval === 'week'
          ? addDays(start, 7)
          : new Date(Date.UTC(parse(start)[0], parse(start)[1], 1)).toISOString().slice(0, 10)
    push(start, dayStart(start, tz), dayStart(next, tz))
    start = next
  }
  return out
}

/**
 * Every site-local day of a report range as a bucket (acquisition's payback), labeled by its date.
 * Not capped like bucketsOf: a range holds at most MAX_RANGE_DAYS (3 660) days.
 */
export function daysOf(range: DateRange, tz: string): Bucket[] {
  const out: Bucket[] = []
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) out.push({ label: day, fromMs: dayStart(day, tz), toMs: dayStart(addDays(day, 1), tz) })
  return out
}
