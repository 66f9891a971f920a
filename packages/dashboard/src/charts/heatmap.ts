import type { Retention } from '../api-types.js'
import type { Format } from '../format.js'
import { csvButton } from '../ui/table.js'
import { toCsv } from '../csv.js'
import { h } from '../ui/dom.js'

/**
 * The retention cohort table as a heatmap: a row per cohort (its size first), a cell per period
 * shaded by the share retained. Shade comes from a CSS custom property (`--v`), set from JS —
 * no inline style attribute in any HTML.
 */
export function retentionHeatmap(r: Retention, f: Format, file: string): HTMLElement {
  const periods = Math.max(0, ...r.cohorts.map((c) => c.retained.length))
  const unit = r.cohort === 'week' ? 'Week' : 'Month'
  const header = ['Cohort', 'Persons', ...Array.from({ length: periods }, (_, k) => `${unit} ${k}`)]
  const table = h(
    'table',
    { class: 'heatmap', 'data-testid': 'retention' },
    h('caption', { class: 'sr-only' }, `Share of each cohort active again, by ${unit.toLowerCase()} since their first visit`),
    h('thead', {}, h('tr', {}, header.map((x, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, x)))),
    h(
      'tbody',
      {},
      r.cohorts.map((c) =>
        h(
          'tr',
          { 'data-testid': 'retention-row' },
          h('th', { scope: 'row', 'data-value': c.cohort }, f.day(c.cohort)),
          h('td', { class: 'num', 'data-value': c.size }, f.int(c.size)),
          Array.from({ length: periods }, (_, k) => {
            const v = c.retained[k]
            if (v === undefined) return h('td', { class: 'num void', 'data-value': '' })
            const td = h('td', { class: `num cell${v >= 0.5 ? ' hi' : ''}`, 'data-value': v }, f.percent(v))
            td.style.setProperty('--v', String(Math.sqrt(v))) // sqrt: small shares stay visible
            return td
          }),
        ),
      ),
    ),
  )
  const csv = () => toCsv(header, r.cohorts.map((c) => [c.cohort, c.size, ...Array.from({ length: periods }, (_, k) => c.retained[k] ?? null)]))
  return h('div', { class: 'table-block' }, h('div', { class: 'table-wrap' }, table), h('div', { class: 'table-foot' }, csvButton('retention', file, csv)))
}
