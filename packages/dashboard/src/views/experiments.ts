import { sitePath } from '../api-client.js'
import type { Experiment } from '../api-types.js'
import { intervalPlot } from '../charts/interval-plot.js'
import { recent } from '../recent.js'
import { experimentHints, srmWarning } from '../rules.js'
import { card } from '../ui/card.js'
import { h, uid } from '../ui/dom.js'
import { dataTable } from '../ui/table.js'
import { hintList } from '../ui/widgets.js'
import type { View } from './view.js'

const names = recent('trackway-experiments', () => localStorage)

/**
 * An A/B test: per variant the persons exposed and converted, the rate, uplift over the control,
 * p-value and the 95 % CI of the difference drawn as intervals; a warning when the split is off
 * (sample ratio mismatch). The API has no list of experiments: the name is typed (and remembered).
 */
export const experimentsView: View = {
  id: 'experiments',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const nameId = uid('exp')
    const goalId = uid('exp')
    const listId = uid('exp')
    const form = h(
      'form',
      {
        class: 'card wide controls',
        'data-testid': 'experiment-form',
        onsubmit: (e) => {
          e.preventDefault()
          const data = new FormData(e.target as HTMLFormElement)
          ctx.navigate({ experiment: String(data.get('experiment') ?? '').trim(), goal: String(data.get('goal') ?? '').trim() || 'purchase' })
        },
      },
      h('label', { class: 'field', for: nameId }, h('span', {}, 'Experiment'), h('input', { id: nameId, name: 'experiment', value: s.experiment, list: listId, required: true, placeholder: 'the name sent with exposure()', 'data-testid': 'experiment-name' })),
      h('datalist', { id: listId }, names.list().map((n) => h('option', { value: n }))),
      h('label', { class: 'field', for: goalId }, h('span', {}, 'Goal'), h('input', { id: goalId, name: 'goal', value: s.goal, placeholder: 'purchase, signup or custom:name', 'data-testid': 'experiment-goal' })),
      h('button', { type: 'submit', 'data-testid': 'experiment-apply' }, 'Show results'),
    )
    root.append(form)
    if (!s.experiment) {
      root.append(h('p', { class: 'card wide muted empty', 'data-testid': 'experiment-empty' }, 'Name an experiment your site reports with exposure(experiment, variant) to see its variants.'))
      return async () => undefined
    }
    names.add(s.experiment)
    const c = card(`Experiment “${s.experiment}” · goal ${s.goal}`, 'experiment', { wide: true })
    root.append(c.el)
    return (signal) =>
      c.load(
        signal,
        () => ctx.api.get<Experiment>(sitePath(ctx.site.id, 'stats/experiments'), { ...ctx.params, experiment: s.experiment, goal: s.goal }, signal),
        (x) => [
          srmWarning(x)
            ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'srm-warning' }, h('strong', {}, 'Sample ratio mismatch: '), `the variants' exposure counts are unlikely under an even split (p = ${f.decimal(x.srmPValue, 4)}). Check the assignment before trusting the result.`)
            : null,
          dataTable({
            testid: 'variants',
            file: ctx.file(`experiment-${s.experiment}`),
            rows: x.variants,
            columns: [
              { key: 'variant', label: 'Variant', value: (v) => v.variant },
              { key: 'exposed', label: 'Exposed', value: (v) => v.exposed, show: (v) => f.int(v.exposed), num: true },
              { key: 'converted', label: 'Converted', value: (v) => v.converted, show: (v) => f.int(v.converted), num: true },
              { key: 'rate', label: 'Rate', value: (v) => v.rate, show: (v) => f.percent(v.rate), num: true },
              { key: 'uplift', label: 'Uplift', value: (v) => v.uplift, show: (v) => (v.pValue === null ? 'control' : f.change(v.uplift)), num: true },
              { key: 'pValue', label: 'p-value', value: (v) => v.pValue, show: (v) => (v.pValue === null ? '–' : v.pValue < 0.0001 ? '< 0.0001' : f.decimal(v.pValue, 4)), num: true },
              { key: 'ci95', label: '95 % CI of difference', value: (v) => (v.ci95 ? v.ci95.join(' ') : null), show: (v) => (v.ci95 ? `${f.percent(v.ci95[0])} to ${f.percent(v.ci95[1])}` : '–'), num: true },
            ],
          }),
          intervalPlot(x.variants, f),
          hintList(experimentHints(x, f)),
        ],
        { isEmpty: (x) => x.variants.length === 0, empty: `Nobody was exposed to “${s.experiment}” in this range.` },
      )
  },
}
