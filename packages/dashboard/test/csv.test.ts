import { describe, expect, it } from 'vitest'
import { csvName, toCsv } from '../src/csv.js'

describe('csv', () => {
  it('writes RFC 4180: quotes fields with commas, quotes or line breaks, CRLF line ends', () => {
    expect(toCsv(['Campaign', 'Revenue'], [['retarget, nov', 64.25], ['say "hi"', null], ['a\nb', 0]])).toBe(
      'Campaign,Revenue\r\n"retarget, nov",64.25\r\n"say ""hi""",\r\n"a\nb",0\r\n',
    )
  })

  it('keeps full precision and neutralizes text a spreadsheet would run as a formula', () => {
    expect(toCsv(['v'], [[0.123456789], ['=HYPERLINK("x")'], [-3]])).toBe('v\r\n0.123456789\r\n"\'=HYPERLINK(""x"")"\r\n-3\r\n')
  })

  it('names exports after site, table and range', () => {
    expect(csvName('demo', 'acquisition last_non_direct', '2026-11-01', '2026-11-23')).toBe('trackway-demo-acquisition-last_non_direct-2026-11-01_2026-11-23.csv')
  })
})
