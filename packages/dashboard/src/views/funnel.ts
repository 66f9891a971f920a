import { sitePath } from '../api-client.js'
import type { FunnelStep } from '../api-types.js'
import { STEP_TYPES } from '../catalog.js'
import type { Format } from '../format.js'
import { card } from '../ui/card.js'
import { h, uid } from '../ui/dom.js'
import { dataTable } from '../ui/table.js'
import { select } from '../ui/widgets.js'
import type { View } from './view.js'

/** What each AIDA step of the API counts (SPEC §5). */
const AIDA_WHAT: Record<string, string> = { Awareness: 'a pageview', Interest: 'a further pageview', Desire: 'add to cart', Action: 'purchase' }
const WINDOWS = ['1h', '1d', '7d', '14d', '30d', '90d'] as const
const DEFAULT_CUSTOM = 'pageview,cart_add,checkout,purchase'

/** One editable step: an event type (or custom:name) and an optional path. */
interface StepDraft {
  type: string
  name: string
  path: string
}

/** `custom:signup_click@/pricing` ⇄ {type, name, path} (the API's step syntax). */
export function parseStep(step: string): StepDraft {
  const at = step.indexOf('@')
  const event = at < 0 ? step : step.slice(0, at)
  const path = at < 0 ? '' : step.slice(at + 1)
  return event.startsWith('custom:') ? { type: 'custom', name: event.slice(7), path } : { type: event, name: '', path }
}
export const stepText = (d: StepDraft) => `${d.type === 'custom' ? `custom:${d.name.trim()}` : d.type}${d.path.trim() ? `@${d.path.trim()}` : ''}`

/**
 * The funnel: the AIDA preset or custom steps (event types, `custom:name`, each optionally on a
 * path) within a conversion window; a bar per step with persons, conversion from the start and
 * from the previous step, drop-off and the median time between steps.
 */
export const funnelView: View = {
  id: 'funnel',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const aida = s.funnel === 'aida'
    const drafts: StepDraft[] = (aida ? DEFAULT_CUSTOM : s.funnel).split(',').map(parseStep)
    const list = h('ol', { class: 'steps-editor', 'data-testid': 'funnel-steps' })
    const redraw = () => {
      list.replaceChildren(
        ...drafts.map((d, i) => {
          const typeId = uid('step')
          const nameField = h('input', { type: 'text', value: d.name, placeholder: 'event name', 'aria-label': `Step ${i + 1} custom event name`, 'data-testid': `step-${i}-name`, oninput: (e) => (d.name = (e.target as HTMLInputElement).value) })
          nameField.hidden = d.type !== 'custom'
          return h(
            'li',
            {},
            h('label', { for: typeId, class: 'sr-only' }, `Step ${i + 1} event`),
            h(
              'select',
              { id: typeId, 'data-testid': `step-${i}-type`, onchange: (e) => ((d.type = (e.target as HTMLSelectElement).value), (nameField.hidden = d.type !== 'custom')) },
              STEP_TYPES.map((t) => h('option', { value: t, selected: t === d.type }, t)),
            ),
            nameField,
            h('input', { type: 'text', value: d.path, placeholder: 'on path (optional), e.g. /pricing', 'aria-label': `Step ${i + 1} path`, 'data-testid': `step-${i}-path`, oninput: (e) => (d.path = (e.target as HTMLInputElement).value) }),
            h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove step ${i + 1}`, disabled: drafts.length <= 2, onclick: () => (drafts.splice(i, 1), redraw()) }, '×'),
          )
        }),
      )
    }
    redraw()
    const editor = h(
      'form',
      {
        class: 'funnel-editor',
        'data-testid': 'funnel-editor',
        onsubmit: (e) => {
          e.preventDefault()
          ctx.navigate({ funnel: drafts.map(stepText).join(',') })
        },
      },
      list,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'secondary', disabled: drafts.length >= 10, onclick: () => (drafts.push({ type: 'pageview', name: '', path: '' }), redraw()) }, 'Add step'),
        h('button', { type: 'submit', 'data-testid': 'funnel-apply' }, 'Show funnel'),
      ),
    )
    editor.hidden = aida
    const controls = h(
      'div',
      { class: 'controls' },
      select('Funnel', [{ value: 'aida', label: 'AIDA (awareness → action)' }, { value: 'custom', label: 'Custom steps' }], aida ? 'aida' : 'custom', (v) => (v === 'aida' ? ctx.navigate({ funnel: 'aida' }) : (editor.hidden = false)), 'funnel-preset'),
      select('Window', WINDOWS.map((w) => ({ value: w, label: w })), (WINDOWS as readonly string[]).includes(s.window) ? s.window : '7d', (v) => ctx.navigate({ window: v }), 'funnel-window'),
    )
    const c = card(aida ? 'AIDA funnel' : 'Funnel', 'funnel', { wide: true, intro: 'Persons whose first step is in range and who took each next step, in order, within the window from the first.' })
    root.append(h('div', { class: 'card wide' }, controls, editor), c.el)

    return (signal) =>
      c.load(
        signal,
        () => ctx.api.get<{ steps: FunnelStep[] }>(sitePath(ctx.site.id, 'stats/funnel'), { ...ctx.params, ...(aida ? { preset: 'aida' } : { steps: s.funnel }), window: s.window }, signal),
        ({ steps }) => [funnelBars(steps, f, aida), funnelTable(steps, f, aida, ctx.file('funnel'))],
        { isEmpty: (r) => r.steps.length === 0 || r.steps[0]!.persons === 0, empty: 'Nobody took the first step in this range.' },
      )
  },
}

const stepName = (st: FunnelStep, aida: boolean) => (aida && AIDA_WHAT[st.step] ? `${st.step} (${AIDA_WHAT[st.step]})` : st.step)

function funnelBars(steps: readonly FunnelStep[], f: Format, aida: boolean): HTMLElement {
  return h(
    'ol',
    { class: 'funnel-bars', 'aria-hidden': 'true' },
    steps.map((st, i) => {
      const bar = h('span', { class: 'funnel-bar' })
      bar.style.width = `${(st.conversionFromStart ?? 0) * 100}%`
      const prev = steps[i - 1]
      return h(
        'li',
        {},
        h('div', { class: 'funnel-label' }, h('strong', {}, stepName(st, aida)), h('span', {}, `${f.int(st.persons)} · ${f.percent(st.conversionFromStart)}`)),
        h('div', { class: 'funnel-track' }, bar),
        prev ? h('div', { class: 'muted small' }, `${f.percent(st.conversionFromPrevious)} of the previous step · ${f.int(prev.persons - st.persons)} dropped off · median ${f.duration(st.medianMsFromPrevious)} after it`) : null,
      )
    }),
  )
}

function funnelTable(steps: readonly FunnelStep[], f: Format, aida: boolean, file: string): HTMLElement {
  return dataTable({
    testid: 'funnel-table',
    file,
    rows: steps.map((st, i) => ({ st, i, drop: i > 0 && st.conversionFromPrevious !== null ? 1 - st.conversionFromPrevious : null })),
    columns: [
      { key: 'step', label: 'Step', value: (r) => r.st.step, show: (r) => stepName(r.st, aida) },
      { key: 'persons', label: 'Persons', value: (r) => r.st.persons, show: (r) => f.int(r.st.persons), num: true },
      { key: 'conversionFromStart', label: 'From start', value: (r) => r.st.conversionFromStart, show: (r) => f.percent(r.st.conversionFromStart), num: true },
      { key: 'conversionFromPrevious', label: 'From previous', value: (r) => r.st.conversionFromPrevious, show: (r) => f.percent(r.st.conversionFromPrevious), num: true },
      { key: 'dropOff', label: 'Drop-off', value: (r) => r.drop, show: (r) => f.percent(r.drop), num: true },
      { key: 'medianMsFromPrevious', label: 'Median time from previous', value: (r) => r.st.medianMsFromPrevious, show: (r) => f.duration(r.st.medianMsFromPrevious), num: true },
    ],
  })
}
