import { sitePath } from '../api-client.js'
import type { Retention, Revenue } from '../api-types.js'
import { retentionHeatmap } from '../charts/heatmap.js'
import { revenueHints, retentionHints } from '../rules.js'
import { card } from '../ui/card.js'
import { hintList, segmented, tiles } from '../ui/widgets.js'
import type { View } from './view.js'

const REVENUE_TILES = [
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'orders', label: 'Orders', kind: 'int' },
  { key: 'aov', label: 'AOV', kind: 'money' },
  { key: 'customers', label: 'Customers', kind: 'int' },
  { key: 'newCustomers', label: 'New customers', kind: 'int' },
  { key: 'purchaseFrequency', label: 'Orders / customer', kind: 'decimal' },
  { key: 'repeatPurchaseRate', label: 'Repeat purchase', kind: 'percent' },
  { key: 'revenuePerVisitor', label: 'Revenue / visitor', kind: 'money' },
  { key: 'clv', label: 'CLV', kind: 'money' },
  { key: 'clvToAov', label: 'CLV ÷ AOV', kind: 'decimal' },
] as const satisfies readonly { key: keyof Revenue; label: string; kind: string }[]

/** Revenue and customers (orders, AOV, repeat purchase, CLV) and the retention cohorts with churn. */
export const revenueView: View = {
  id: 'revenue',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const rev = card('Revenue & customers', 'revenue', { wide: true })
    const ret = card('Retention', 'retention-card', {
      wide: true,
      tools: [segmented('Cohorts by', [{ value: 'week', label: 'Week' }, { value: 'month', label: 'Month' }], s.cohort, (v: 'week' | 'month') => ctx.navigate({ cohort: v }), 'cohort')],
      intro: `Persons by the ${s.cohort} of their first visit in range, and the share of them active again in each later ${s.cohort}.`,
    })
    root.append(rev.el, ret.el)
    return async (signal) => {
      await Promise.all([
        rev.load(
          signal,
          () => ctx.api.get<Revenue>(sitePath(ctx.site.id, 'stats/revenue'), ctx.params, signal),
          (r) => [tiles(REVENUE_TILES.map((t) => ({ ...t, value: r[t.key], testid: `revenue-${t.key}` })), f, 'Revenue figures'), hintList(revenueHints(r, f))],
        ),
        ret.load(
          signal,
          () => ctx.api.get<Retention>(sitePath(ctx.site.id, 'stats/retention'), { ...ctx.params, cohort: s.cohort, periods: 8 }, signal),
          (r) => [
            tiles([{ key: 'churnRate', label: 'Customer churn', kind: 'percent', value: r.churnRate, testid: 'churn-rate', lowerIsBetter: true }], f, 'Churn'),
            r.cohorts.length ? retentionHeatmap(r, f, ctx.file(`retention-${s.cohort}`)) : null,
            hintList(retentionHints(r, f)),
          ],
        ),
      ])
    }
  },
}
