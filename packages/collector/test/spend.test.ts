import { describe, expect, it } from 'vitest'
import { parseCsv } from '../src/spend/csv.js'
import { checkSpendRows, SpendError, spendRowsOfCsv } from '../src/spend/rows.js'

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM and a trailing newline', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi""\nthere"\r\n1,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere'], ['1', '']])
  })
  it('rejects an unclosed quote and text after a closing quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow('not closed')
    expect(() => parseCsv('"a"b')).toThrow('after a closing quote')
  })
})

describe('spend rows', () => {
  it('sums rows with the same date and names, and keeps absent names as null', () => {
    expect(checkSpendRows([
      { date: '2026-01-05', channel: 'Paid Search', campaign: 'brand', amount: 10 },
      { date: '2026-01-05', channel: 'Paid Search', campaign: 'brand', amount: 2.5 },
      { date: '2026-01-05', source: 'newsletter', amount: '3' },
    ])).toEqual([
      { date: '2026-01-05', channel: 'Paid Search', source: null, campaign: 'brand', amount: 12.5 },
      { date: '2026-01-05', channel: null, source: 'newsletter', campaign: null, amount: 3 },
    ])
  })

  it.each([
    [{ date: '2026-02-30', amount: 1 }, 'rows[0].date'],
    [{ date: '2026-01-05', amount: -1 }, 'rows[0].amount'],
    [{ date: '2026-01-05', amount: '12 EUR' }, 'rows[0].amount'],
    [{ date: '2026-01-05', amount: 1, channel: 'google ads' }, 'rows[0].channel: "google ads" is not a channel'],
    [{ date: '2026-01-05', amount: 1, cost: 2 }, 'rows[0].cost: unknown field'],
  ])('names the bad field of %o', (row, message) => {
    expect(() => checkSpendRows([row])).toThrow(message)
  })

  it('rejects what is not a non-empty array of objects', () => {
    for (const bad of [{}, [], [1], null]) expect(() => checkSpendRows(bad)).toThrow(SpendError)
  })

  it('reads a CSV export by its header, in any column order', () => {
    expect(spendRowsOfCsv('Amount,Date,Channel\n12.5,2026-01-05,Paid Search\n"1,000",2026-01-06,Email\n'.replace('"1,000"', '1000'))).toEqual([
      { date: '2026-01-05', channel: 'Paid Search', source: null, campaign: null, amount: 12.5 },
      { date: '2026-01-06', channel: 'Email', source: null, campaign: null, amount: 1000 },
    ])
    expect(() => spendRowsOfCsv('date,channel\n2026-01-05,Email\n')).toThrow('"amount" is required')
    expect(() => spendRowsOfCsv('date,amount,clicks\n')).toThrow('unknown column "clicks"')
    expect(() => spendRowsOfCsv('date,amount\n2026-01-05,1\n2026-01-06\n')).toThrow('line 3: 1 fields')
    expect(() => spendRowsOfCsv('date,amount\n2026-01-05,x\n')).toThrow('line 2.amount')
    expect(() => spendRowsOfCsv('')).toThrow('empty')
  })
})
