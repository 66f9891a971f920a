/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields in double quotes may
 * hold commas, line breaks and doubled quotes. A byte-order mark and a trailing newline are ignored.
 * Throws on an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let quoted = false
  let afterQuote = false
  const endField = () => {
    row.push(field)
    field = ''
    afterQuote = false
  }
  const endRow = () => {
    endField()
    rows.push(row)
    row = []
  }
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') (field += '"'), i++
      else (quoted = false), (afterQuote = true)
      continue
    }
    if (c === ',') endField()
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
    } else if (afterQuote) throw new Error(`text after a closing quote in line ${rows.length + 1}`)
    else if (c === '"' && field === '') quoted = true
    else field += c
  }
  if (quoted) throw new Error('a quoted field is not closed')
  if (field !== '' || row.length > 0) endRow()
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}
