import uPlot from 'uplot'
import { h } from '../ui/dom.js'

/**
 * A time series as a line chart (uPlot, ~20 KB brotli: BENCHMARKS.md "Dashboard chart library").
 * The x axis is the bucket index, labelled with the API's bucket labels, so the previous period
 * lines up bucket by bucket with the current one (as Plausible draws its comparison) whatever the
 * calendar offset. Colours come from CSS custom properties, so dark mode and the page agree.
 */
export interface LineSeries {
  label: string
  values: readonly (number | null)[]
  /** The comparison line: dashed, muted. */
  secondary?: boolean
}

export interface LineChart {
  el: HTMLElement
  destroy(): void
}

const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback

export function lineChart(o: {
  series: readonly LineSeries[]
  /** A label per bucket, for the axis (short) and the legend (long). */
  tick: (i: number) => string
  legend: (i: number) => string
  format: (v: number | null) => string
  /** Width to start with (the container is measured again once attached). */
  width: number
  height?: number
  label: string
}): LineChart {
  const el = h('div', { class: 'chart', role: 'img', 'aria-label': o.label, 'data-testid': 'chart' })
  const n = Math.max(0, ...o.series.map((s) => s.values.length))
  const xs = Array.from({ length: n }, (_, i) => i)
  const data: uPlot.AlignedData = [xs, ...o.series.map((s) => xs.map((i) => s.values[i] ?? null))]
  const text = css('--muted', '#667')
  const grid = css('--grid', '#e5e7eb')
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }
  const plot = new uPlot(
    {
      width: Math.max(280, o.width),
      height: o.height ?? 260,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      axes: [
        {
          ...axis,
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) && v >= 0 && v < n ? o.tick(v) : '')),
          space: 70,
        },
        { ...axis, values: (_u, splits) => splits.map((v) => o.format(v)), size: 70 },
      ],
      series: [
        { label: 'Period', value: (_u, v) => (v === null || v === undefined ? '–' : o.legend(v)) },
        ...o.series.map((s) => ({
          label: s.label,
          stroke: s.secondary ? css('--chart-2', '#9ca3af') : css('--chart-1', '#4f46e5'),
          width: s.secondary ? 1.5 : 2.25,
          dash: s.secondary ? [6, 4] : undefined,
          fill: s.secondary ? undefined : css('--chart-fill', 'rgba(79,70,229,.08)'),
          points: { show: n <= 45 },
          value: (_u: uPlot, v: number | null) => o.format(v),
        })),
      ],
    },
    data,
    el,
  )
  const resize = new ResizeObserver(() => {
    const w = el.clientWidth
    if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: plot.height })
  })
  resize.observe(el)
  return {
    el,
    destroy() {
      resize.disconnect()
      plot.destroy()
    },
  }
}
