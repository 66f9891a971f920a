import { InvalidParameter } from '../errors.js'
import type { DateRange } from '../core/query.js'
import { calendarDate, MAX_YEAR, MIN_YEAR } from '../core/calendar-date.js'

const DAY = 86_400_000
/** Longest report range, so a typo cannot ask for a century of buckets. */
export const MAX_RANGE_DAYS = 3660

/** `YYYY-MM-DD` → [y, m, d] if it is a real calendar date, else 400 naming the parameter. */
function parseDate(name: string, value: string): [number, number, number] {
  const ymd = calendarDate(value)
  if (!ymd) throw new InvalidParameter(name, `expected a real date YYYY-MM-DD in ${MIN_YEAR}..${MAX_YEAR}, got "${value}"`)
  return ymd
}

/** Milliseconds the zone is ahead of UTC at instant `ms`. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(ms / 1000) * 1000
}

/** The instant a local day starts in a zone (handles DST: the offset is re-read at the result). */
export function startOfDay(y: number, m: number, d: number, timeZone: string): number {
  const utcMidnight = Date.UTC(y, m - 1, d)
  let start = utcMidnight - zoneOffsetMs(utcMidnight, timeZone)
  start = utcMidnight - zoneOffsetMs(start, timeZone)
  return start
}

/** Today's date in a zone, as YYYY-MM-DD. */
export function today(timeZone: string, now = Date.now()): string {
  return new Date(now + zoneOffsetMs(now, timeZone)).toISOString().slice(0, 10)
}

/** A YYYY-MM-DD date moved by whole days. */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)

/**
 * A report's `[from, to]` — inclusive days in the site's time zone (SPEC §5) — as the
 * half-open instant range [start of `from`, start of the day after `to`).
 * Defaults: `to` today, `from` 29 days before `to` (the last 30 days).
 */
export function reportRange(
  query: { from?: string; to?: string },
  timeZone: string,
  now = Date.now(),
): DateRange {
  const to = query.to ?? today(timeZone, now)
  const [ty, tm, td] = parseDate('to', to)
  const from = query.from ?? addDays(to, -29)
  const [fy, fm, fd] = parseDate('from', from)
  if (from > to) throw new InvalidParameter('from', `"${from}" is after "to" (${to})`)
  if ((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / DAY >= MAX_RANGE_DAYS) {
    throw new InvalidParameter('from', `a range spans at most ${MAX_RANGE_DAYS} days`)
  }
  const next = addDays(to, 1).split('-').map(Number) as [number, number, number]
  return { from, to, fromMs: startOfDay(fy, fm, fd, timeZone), toMs: startOfDay(...next, timeZone) }
}

/**
 * The period before a range, of equal length in days (for `compare=previous`): it ends the day
 * before `from`.
 */
export function previousRange(r: { from: string; to: string }, timeZone: string): DateRange {
  const days = Math.round((Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / DAY) + 1
  const to = addDays(r.from, -1)
  return reportRange({ from: addDays(to, -(days - 1)), to }, timeZone)
}
