/**
 * Earliest and latest year a date may name. Event times are ms since 1970, and a report range
 * past 2100 has no events and would ask ClickHouse for DateTime values beyond its 2106 limit.
 */
export const MIN_YEAR = 1970
export const MAX_YEAR = 2100

/**
 * `YYYY-MM-DD` → [y, m, d] when it names a real calendar day (month 1–12, a day the month has,
 * 29 February only in leap years) within MIN_YEAR..MAX_YEAR; otherwise null. `Date.UTC` alone
 * would roll `2026-13-01` into January 2027 and `2026-00-10` into December 2025.
 */
export function calendarDate(value: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return null
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? [y, mo, d] : null
}

/** True when `value` is a real `YYYY-MM-DD` calendar day (see calendarDate). */
export const isCalendarDate = (value: string): boolean => calendarDate(value) !== null
