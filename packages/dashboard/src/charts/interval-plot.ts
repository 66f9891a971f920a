import type { Variant } from '../api-types.js'
import type { Format } from '../format.js'
import { h, svg } from '../ui/dom.js'

/**
 * The 95 % confidence interval of each variant's rate difference from the control, as a forest
 * plot: a zero line, one bar per variant; an interval that does not cross zero is a significant
 * difference at the 5 % level. The dot is the interval's midpoint (the API's CI is symmetric).
 */
export function intervalPlot(variants: readonly Variant[], f: Format): HTMLElement | null {
  const rows = variants.filter((v): v is Variant & { ci95: [number, number] } => v.ci95 !== null)
  if (!rows.length) return null
  const lo = Math.min(0, ...rows.map((v) => v.ci95[0]))
  const hi = Math.max(0, ...rows.map((v) => v.ci95[1]))
  const pad = (hi - lo) * 0.1 || 0.01
  const [min, max] = [lo - pad, hi + pad]
  const W = 600
  const L = 120
  const R = 20
  const rowH = 34
  const H = rows.length * rowH + 30
  const x = (v: number) => L + ((v - min) / (max - min)) * (W - L - R)
  const g = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'interval-plot', role: 'img', 'aria-label': 'Difference of conversion rate from the control, 95 % confidence intervals' },
    svg('line', { x1: x(0), x2: x(0), y1: 4, y2: H - 22, class: 'zero' }),
    svg('text', { x: x(0), y: H - 6, 'text-anchor': 'middle', class: 'axis' }, '0'),
    svg('text', { x: x(min) + 2, y: H - 6, class: 'axis' }, f.percent(min)),
    svg('text', { x: x(max) - 2, y: H - 6, 'text-anchor': 'end', class: 'axis' }, f.percent(max)),
    ...rows.map((v, i) => {
      const y = 18 + i * rowH
      const sig = v.ci95[0] > 0 || v.ci95[1] < 0
      const mid = (v.ci95[0] + v.ci95[1]) / 2
      return svg(
        'g',
        { class: sig ? 'ci sig' : 'ci', 'data-testid': 'ci-row' },
        svg('text', { x: 4, y: y + 4, class: 'label' }, v.variant.length > 16 ? `${v.variant.slice(0, 15)}…` : v.variant),
        svg('line', { x1: x(v.ci95[0]), x2: x(v.ci95[1]), y1: y, y2: y, class: 'range' }),
        svg('line', { x1: x(v.ci95[0]), x2: x(v.ci95[0]), y1: y - 6, y2: y + 6, class: 'range' }),
        svg('line', { x1: x(v.ci95[1]), x2: x(v.ci95[1]), y1: y - 6, y2: y + 6, class: 'range' }),
        svg('circle', { cx: x(mid), cy: y, r: 4.5, class: 'mid' }),
        svg('title', {}, `${v.variant}: ${f.percent(v.ci95[0])} to ${f.percent(v.ci95[1])}`),
      )
    }),
  )
  return h('figure', { class: 'ci-figure' }, g, h('figcaption', { class: 'muted' }, 'Difference in conversion rate from the control, 95 % confidence interval. An interval clear of 0 is significant at the 5 % level.'))
}
