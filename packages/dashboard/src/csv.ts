/**
 * Tables as CSV (RFC 4180: comma-separated, CRLF line ends, fields with `"`, `,` or a line break
 * quoted with `"` doubled). Numbers are written as the API gave them, in full precision, so a
 * spreadsheet gets values, not the rounded text on screen.
 */
export type Cell = string | number | boolean | null | undefined

/**
 * A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first — OWASP
 * "CSV injection") gets a leading `'`: page paths and campaign names come from visitors' URLs.
 */
const neutralize = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)

const field = (c: Cell): string => {
  if (c === null || c === undefined) return ''
  const s = typeof c === 'string' ? neutralize(c) : String(c)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The CSV text of a header row and data rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n'
}

/** A file name for an export: `trackway-demo-channels-2026-11-01_2026-11-23.csv`. */
export function csvName(site: string, what: string, from: string, to: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '')
  return `trackway-${safe(site)}-${safe(what)}-${from}_${to}.csv`
}
