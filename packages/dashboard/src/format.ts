import type { Kind } from './catalog.js'

/**
 * Numbers, money, rates and times as the dashboard shows them, in the browser's locale and the
 * site's currency and time zone. Rates from the API are fractions (csat is 0..100); null is "–".
 */
export interface Format {
  /** A value of a kind (catalog.ts). */
  value(kind: Kind, v: number | null | undefined): string
  int(v: number | null | undefined): string
  money(v: number | null | undefined): string
  percent(v: number | null | undefined): string
  decimal(v: number | null | undefined, digits?: number): string
  duration(ms: number | null | undefined): string
  /** A signed relative change, e.g. `+12.5 %`. */
  change(v: number | null): string
  /** A `YYYY-MM-DD` date, short: `Nov 3` (or `Nov 3, 2025` in another year than `thisYear`). */
  day(date: string, thisYear?: string): string
  /** An instant (ISO 8601 or ms) as a date and time in the site's zone. */
  dateTime(t: string | number): string
  /** An instant's time of day in the site's zone. */
  time(t: string | number): string
}

export const NONE = '–'

export function createFormat(currency: string, timeZone: string, locale?: string): Format {
  const nf = (o: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, o)
  const int = nf({ maximumFractionDigits: 0 })
  let moneyNf: Intl.NumberFormat
  try {
    moneyNf = nf({ style: 'currency', currency, maximumFractionDigits: 2 })
  } catch {
    moneyNf = nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 }) // an unknown currency code
  }
  const pct = nf({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const signed = nf({ style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' })
  const decimals = new Map<number, Intl.NumberFormat>()
  const dateTimeF = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' })
  const timeF = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: 'short' })
  const dayF = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' })
  const dayYearF = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' })
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

  const f: Format = {
    int: (v) => (ok(v) ? int.format(v) : NONE),
    money: (v) => (ok(v) ? moneyNf.format(v) : NONE),
    percent: (v) => (ok(v) ? pct.format(v) : NONE),
    decimal: (v, digits = 2) => {
      if (!ok(v)) return NONE
      let d = decimals.get(digits)
      if (!d) decimals.set(digits, (d = nf({ maximumFractionDigits: digits })))
      return d.format(v)
    },
    duration(ms) {
      if (!ok(ms)) return NONE
      const s = Math.round(ms / 1000)
      if (s < 60) return `${s} s`
      const m = Math.floor(s / 60)
      if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
      const h = Math.floor(m / 60)
      if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`
      return `${int.format(Math.round(h / 24))} days`
    },
    change: (v) => (ok(v) ? signed.format(v) : NONE),
    value(kind, v) {
      switch (kind) {
        case 'money':
          return f.money(v)
        case 'percent':
          return f.percent(v)
        case 'pct100':
          return ok(v) ? pct.format(v / 100) : NONE
        case 'decimal':
          return f.decimal(v)
        case 'score':
          return f.decimal(v, 2)
        case 'coefficient':
          return f.decimal(v, 3)
        case 'duration':
          return f.duration(v)
        case 'days':
          return ok(v) ? `${int.format(v)} d` : NONE
        default:
          return f.int(v)
      }
    },
    day: (date, thisYear) => {
      const ms = Date.parse(`${date.slice(0, 10)}T00:00:00Z`)
      if (!Number.isFinite(ms)) return date
      return (thisYear && date.startsWith(thisYear) ? dayF : dayYearF).format(ms)
    },
    dateTime: (t) => dateTimeF.format(typeof t === 'number' ? t : Date.parse(t)),
    time: (t) => timeF.format(typeof t === 'number' ? t : Date.parse(t)),
  }
  return f
}

/** The relative change from `previous` to `current`; null when there is nothing to compare with. */
export function relativeChange(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (typeof current !== 'number' || typeof previous !== 'number' || previous === 0) return null
  return (current - previous) / Math.abs(previous)
}
