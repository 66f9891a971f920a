import { sitePath } from '../api-client.js'
import type { BreakdownRow, Overview, Point } from '../api-types.js'
import { BREAKDOWN_GROUPS, DIMENSION_LABEL, FILTER_OF, OVERVIEW_METRICS, type Dimension, type Interval } from '../catalog.js'
import { lineChart, type LineChart } from '../charts/line-chart.js'
import { defaultInterval, intervalsFor } from '../dates.js'
import { overviewHints } from '../rules.js'
import { withFilter } from '../url-state.js'
import { card } from '../ui/card.js'
import { h } from '../ui/dom.js'
import { dataTable } from '../ui/table.js'
import { hintList, segmented, tiles } from '../ui/widgets.js'
import type { View } from './view.js'

/**
 * The overview: every overview KPI with its change against the previous period, a line chart of
 * the selected one (click a tile) with the previous period as a second line, and the breakdowns
 * as bar lists — a row click filters the whole dashboard by its value.
 */
export const overviewView: View = {
  id: 'overview',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const metric = OVERVIEW_METRICS.find((m) => m.key === s.metric)!
    const allowed = intervalsFor(ctx.range)
    const interval: Interval = s.interval && allowed.includes(s.interval) ? s.interval : defaultInterval(ctx.range)
    const kpis = card('Key figures', 'kpis', { wide: true })
    const chartCard = card(metric.label, 'timeseries', {
      wide: true,
      tools: [
        segmented('Interval', (['hour', 'day', 'week', 'month'] as const).map((i) => ({ value: i, label: i[0]!.toUpperCase() + i.slice(1), disabled: !allowed.includes(i) })), interval, (v) => ctx.navigate({ interval: v }), 'interval'),
      ],
    })
    const groups = BREAKDOWN_GROUPS.map((g) => {
      const dim = s.tabs[g.id]
      const tabs =
        g.dims.length > 1
          ? [segmented(`${g.title} breakdown`, g.dims.map((d) => ({ value: d, label: DIMENSION_LABEL[d] })), dim, (v: Dimension) => ctx.navigate({ tabs: { ...s.tabs, [g.id]: v } }), `tabs-${g.id}`)]
          : []
      return { g, dim, c: card(g.title, `breakdown-${g.id}`, { tools: tabs }) }
    })
    root.append(kpis.el, chartCard.el, h('div', { class: 'grid' }, groups.map((x) => x.c.el)))
    let chart: LineChart | null = null

    const site = (p: string) => sitePath(ctx.site.id, p)
    return async (signal) => {
      const overview = ctx.api.get<Overview>(site('stats/overview'), { ...ctx.params, compare: s.compare ? 'previous' : undefined }, signal)
      await Promise.all([
        kpis.load(signal, () => overview, (o) => [
          tiles(
            OVERVIEW_METRICS.map((m) => ({
              key: m.key,
              label: m.label,
              kind: m.kind,
              value: o[m.key],
              ...(o.previous ? { previous: o.previous[m.key] } : {}),
              lowerIsBetter: 'lowerIsBetter' in m,
              pressed: m.key === s.metric,
              onSelect: () => ctx.navigate({ metric: m.key }),
              testid: `kpi-${m.key}`,
            })),
            f,
            'Key figures; choose one to chart it',
          ),
          hintList(overviewHints(o, f)),
        ]),
        chartCard.load(
          signal,
          async () => {
            const q = { ...ctx.params, metric: s.metric, interval }
            const o = s.compare ? await overview : null
            const [cur, prev] = await Promise.all([
              ctx.api.get<Point[]>(site('stats/timeseries'), q, signal),
              o?.previous ? ctx.api.get<Point[]>(site('stats/timeseries'), { ...q, from: o.previous.from, to: o.previous.to }, signal) : null,
            ])
            return { cur, prev, previous: o?.previous ?? null }
          },
          ({ cur, prev, previous }) => {
            chart?.destroy()
            const label = (t: string) => (interval === 'hour' ? `${f.day(t, ctx.range.to.slice(0, 4))} ${t.slice(11, 16)}` : f.day(t, ctx.range.to.slice(0, 4)))
            chart = lineChart({
              series: [
                { label: `${ctx.range.from} – ${ctx.range.to}`, values: cur.map((p) => p.value) },
                ...(prev && previous ? [{ label: `${previous.from} – ${previous.to}`, values: prev.map((p) => p.value), secondary: true }] : []),
              ],
              tick: (i) => (cur[i] ? label(cur[i]!.t) : ''),
              legend: (i) => (cur[i] ? label(cur[i]!.t) + (prev?.[i] ? ` (vs ${label(prev[i]!.t)})` : '') : ''),
              format: (v) => f.value(metric.kind, v),
              width: ctx.width(),
              label: `${metric.label} by ${interval}${prev ? ', with the previous period' : ''}`,
            })
            return [
              chart.el,
              h(
                'details',
                { class: 'chart-data' },
                h('summary', {}, 'Data table'),
                dataTable({
                  testid: 'timeseries-table',
                  file: ctx.file(`${s.metric}-by-${interval}`),
                  columns: [
                    { key: 't', label: interval[0]!.toUpperCase() + interval.slice(1), value: (i: number) => cur[i]!.t },
                    { key: 'value', label: metric.label, value: (i: number) => cur[i]!.value, show: (i: number) => f.value(metric.kind, cur[i]!.value), num: true },
                    ...(prev ? [{ key: 'previous', label: 'Previous period', value: (i: number) => prev[i]?.value ?? null, show: (i: number) => f.value(metric.kind, prev[i]?.value ?? null), num: true }] : []),
                  ],
                  rows: cur.map((_, i) => i),
                }),
              ),
            ]
          },
        ),
        ...groups.map(({ g, dim, c }) => {
          const filterKey = FILTER_OF[dim]
          return c.load(
            signal,
            () => ctx.api.get<BreakdownRow[]>(site('stats/breakdown'), { ...ctx.params, dimension: dim, limit: 10 }, signal),
            (rows) =>
              dataTable({
                testid: `breakdown-${g.id}-table`,
                file: ctx.file(dim),
                caption: `${DIMENSION_LABEL[dim]} breakdown`,
                bar: 'visitors',
                rows,
                columns: [
                  { key: 'value', label: DIMENSION_LABEL[dim], value: (r) => r.value, show: (r) => r.value ?? '(none)' },
                  { key: 'visitors', label: 'Visitors', value: (r) => r.visitors, show: (r) => f.int(r.visitors), num: true },
                  { key: 'conversions', label: 'Conv.', value: (r) => r.conversions, show: (r) => f.int(r.conversions), num: true },
                  { key: 'revenue', label: 'Revenue', value: (r) => r.revenue, show: (r) => f.money(r.revenue), num: true },
                ],
                onRow: filterKey ? (r) => ctx.navigate(withFilter(ctx.state, filterKey, r.value)) : null,
                canClick: (r) => r.value !== null,
                rowLabel: (r) => `Filter by ${DIMENSION_LABEL[dim]}: ${r.value}`,
              }),
            { isEmpty: (rows) => rows.length === 0, empty: 'No sessions in this range.' },
          )
        }),
      ])
    }
  },
}
