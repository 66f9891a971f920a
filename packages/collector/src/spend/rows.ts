import { CHANNELS } from '../core/channels.js'
import type { SpendRow } from '../core/query.js'
import { parseCsv } from './csv.js'
import { isCalendarDate } from '../core/calendar-date.js'

export const MAX_SPEND_ROWS = 10_000
export const SPEND_COLUMNS = ['date', 'channel', 'source', 'campaign', 'amount'] as const

/** A problem with one row or field, named as `rows[i].field` (CSV: `line N`). */
export class SpendError extends Error {}

const isDate = isCalendarDate

/**
 * Checks rows as sent (JSON objects, or CSV records turned into objects) and merges rows with the
 * same date, channel, source and campaign by summing their amounts (ad platform exports often
 * split a day over ad groups). `where(i)` names row i in errors.
 */
export function checkSpendRows(input: unknown, where = (i: number) => `rows[${i}]`): SpendRow[] {
  if (!Array.isArray(input)) throw new SpendError('expected an array of {date, channel?, source?, campaign?, amount}')
  if (input.length === 0) throw new SpendError('no rows')
  if (input.length > MAX_SPEND_ROWS) throw new SpendError(`at most ${MAX_SPEND_ROWS} rows per upload, got ${input.length}`)
  const merged = new Map<string, SpendRow>()
  input.forEach((raw, i) => {
    const at = where(i)
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SpendError(`${at}: expected an object`)
    const r = raw as Record<string, unknown>
    for (const k of Object.keys(r)) if (!(SPEND_COLUMNS as readonly string[]).includes(k)) throw new SpendError(`${at}.${k}: unknown field`)
    if (typeof r.date !== 'string' || !isDate(r.date)) throw new SpendError(`${at}.date: expected a date YYYY-MM-DD, got ${JSON.stringify(r.date)}`)
    const text = (k: 'channel' | 'source' | 'campaign') => {
      const v = r[k]
      if (v === undefined || v === null || v === '') return null
      if (typeof v !== 'string' || v.length > 200) throw new SpendError(`${at}.${k}: expected a string of at most 200 characters`)
      return v
    }
    const channel = text('channel')
    if (channel !== null && !(CHANNELS as readonly string[]).includes(channel)) {
      throw new SpendError(`${at}.channel: "${channel}" is not a channel; use one of ${CHANNELS.join(', ')}`)
    }
    const amount = typeof r.amount === 'string' && r.amount.trim() !== '' ? Number(r.amount) : r.amount
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new SpendError(`${at}.amount: expected a number ≥ 0, got ${JSON.stringify(r.amount)}`)
    }
    const row = { date: r.date, channel, source: text('source'), campaign: text('campaign'), amount }
    const key = JSON.stringify([row.date, row.channel, row.source, row.campaign])
    const seen = merged.get(key)
    if (seen) seen.amount += amount
    else merged.set(key, row)
  })
  return [...merged.values()]
}

/** A CSV upload: a header row naming the columns (any order; date and amount required), then rows. */
export function spendRowsOfCsv(text: string): SpendRow[] {
  let records: string[][]
  try {
    records = parseCsv(text)
  } catch (err) {
    throw new SpendError(`not valid CSV: ${(err as Error).message}`)
  }
  const [header, ...body] = records
  if (!header) throw new SpendError('the CSV is empty: expected a header row date,channel,source,campaign,amount')
  const names = header.map((h) => h.trim().toLowerCase())
  for (const n of names) if (!(SPEND_COLUMNS as readonly string[]).includes(n)) throw new SpendError(`CSV header: unknown column "${n}"`)
  for (const n of ['date', 'amount']) if (!names.includes(n)) throw new SpendError(`CSV header: the column "${n}" is required`)
  const objects = body.map((rec, i) => {
    if (rec.length !== names.length) throw new SpendError(`line ${i + 2}: ${rec.length} fields, the header has ${names.length}`)
    return Object.fromEntries(names.map((n, j) => [n, rec[j]!.trim()]))
  })
  return checkSpendRows(objects, (i) => `line ${i + 2}`)
}
