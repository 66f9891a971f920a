import { toCsv, type Cell } from '../csv.js'
import { h, type Child } from './dom.js'

/**
 * A data table with a CSV export of exactly its rows. Each cell carries the API's raw value in
 * `data-value` (what the CSV holds and the e2e tests compare with the API), and shows it formatted.
 * A column with `bar` draws each row's share of the column's largest value behind the first cell
 * (the bar lists of breakdowns). With `onRow`, the first cell is a button (keyboard reachable).
 */
export interface Column<R> {
  key: string
  label: string
  value: (row: R) => Cell
  /** The shown text (default: the value as text). */
  show?: (row: R) => Child
  /** Right-aligned numbers. */
  num?: boolean
}

export interface TableOptions<R> {
  testid: string
  columns: readonly Column<R>[]
  rows: readonly R[]
  /** The CSV file name. */
  file: string
  caption?: string
  /** The column whose value sizes the bars. */
  bar?: string
  /** Clicking the first cell; null for rows that do nothing. */
  onRow?: ((row: R) => void) | null
  canClick?: (row: R) => boolean
  rowLabel?: (row: R) => string
}

export function dataTable<R>(o: TableOptions<R>): HTMLElement {
  const barCol = o.bar ? o.columns.find((c) => c.key === o.bar) : undefined
  const max = barCol ? Math.max(0, ...o.rows.map((r) => Number(barCol.value(r)) || 0)) : 0
  const body = o.rows.map((r, i) =>
    h(
      'tr',
      { 'data-testid': `${o.testid}-row`, 'data-row': i },
      o.columns.map((c, j) => {
        const raw = c.value(r)
        const shown = c.show ? c.show(r) : raw === null || raw === undefined ? '–' : String(raw)
        const clickable = j === 0 && o.onRow && (o.canClick?.(r) ?? true)
        const content = clickable
          ? h('button', { type: 'button', class: 'row-link', title: o.rowLabel?.(r) ?? 'Filter by this value', onclick: () => o.onRow!(r) }, shown)
          : shown
        const td = h(j === 0 ? 'th' : 'td', { class: c.num ? 'num' : null, 'data-key': c.key, 'data-value': raw === null || raw === undefined ? '' : String(raw), ...(j === 0 ? { scope: 'row' } : {}) }, content)
        if (j === 0 && barCol && max > 0) {
          const bar = h('span', { class: 'bar', 'aria-hidden': 'true' })
          bar.style.width = `${((Number(barCol.value(r)) || 0) / max) * 100}%`
          td.classList.add('has-bar')
          td.prepend(bar)
        }
        return td
      }),
    ),
  )
  const table = h(
    'table',
    { 'data-testid': o.testid },
    o.caption ? h('caption', { class: 'sr-only' }, o.caption) : null,
    h('thead', {}, h('tr', {}, o.columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', {}, body),
  )
  const csv = () => toCsv(o.columns.map((c) => c.label), o.rows.map((r) => o.columns.map((c) => c.value(r))))
  return h('div', { class: 'table-block' }, h('div', { class: 'table-wrap' }, table), h('div', { class: 'table-foot' }, csvButton(o.testid, o.file, csv)))
}

/** "Export CSV": downloads the text `csv()` gives, as `file`. */
export function csvButton(testid: string, file: string, csv: () => string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'link-button',
      'data-testid': `${testid}-csv`,
      onclick: () => {
        const url = URL.createObjectURL(new Blob([csv()], { type: 'text/csv;charset=utf-8' }))
        const a = h('a', { href: url, download: file, hidden: true })
        document.body.append(a)
        a.click()
        a.remove()
        setTimeout(() => URL.revokeObjectURL(url), 10_000)
      },
    },
    'Export CSV',
  )
}
