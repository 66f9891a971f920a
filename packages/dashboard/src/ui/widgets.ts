import type { Kind } from '../catalog.js'
import { relativeChange, type Format } from '../format.js'
import type { Hint } from '../rules.js'
import { h, uid, type Child } from './dom.js'

/** A KPI tile: label, value, and with `previous` the change against the previous period. */
export interface Tile {
  key: string
  label: string
  kind: Kind
  value: number | null
  previous?: number | null
  lowerIsBetter?: boolean
  /** Makes the tile a toggle button (the overview charts the pressed one). */
  onSelect?: () => void
  pressed?: boolean
  testid: string
}

export function tiles(items: readonly Tile[], f: Format, label: string): HTMLElement {
  return h(
    'div',
    { class: 'tiles', role: 'group', 'aria-label': label },
    items.map((t) => {
      const change = t.previous === undefined ? undefined : relativeChange(t.value, t.previous)
      const tone = change === undefined || change === null || change === 0 ? 'flat' : change > 0 !== !!t.lowerIsBetter ? 'good' : 'bad'
      const inner: Child[] = [
        h('span', { class: 'tile-label' }, t.label),
        h('span', { class: 'tile-value', 'data-testid': t.testid, 'data-value': t.value ?? '' }, f.value(t.kind, t.value)),
        change === undefined
          ? null
          : h(
              'span',
              { class: `tile-delta ${tone}`, 'data-testid': `${t.testid}-delta`, 'data-value': change ?? '', title: `previous period: ${f.value(t.kind, t.previous ?? null)}` },
              change === null ? '—' : `${change > 0 ? '▲' : change < 0 ? '▼' : ''} ${f.change(change)}`,
              h('span', { class: 'sr-only' }, change === null ? ' (nothing to compare with in the previous period)' : ` vs previous period (${f.value(t.kind, t.previous ?? null)})`),
            ),
      ]
      return t.onSelect
        ? h('button', { type: 'button', class: 'tile', 'aria-pressed': t.pressed ? 'true' : 'false', onclick: t.onSelect, 'data-metric': t.key }, inner)
        : h('div', { class: 'tile', 'data-metric': t.key }, inner)
    }),
  )
}

/** Rules of thumb, labelled as hints (role note), never styled as errors. */
export function hintList(hints: readonly Hint[]): HTMLElement | null {
  if (!hints.length) return null
  return h(
    'div',
    { class: 'hints' },
    hints.map((x) =>
      h('p', { class: 'hint', role: 'note', 'data-testid': `hint-${x.id}` }, h('strong', {}, 'Rule of thumb: '), x.text, ' ', h('span', { class: 'hint-source' }, `(${x.source})`)),
    ),
  )
}

/** A row of toggle buttons (one pressed), e.g. breakdown tabs or chart intervals. */
export function segmented<T extends string>(label: string, options: readonly { value: T; label: string; disabled?: boolean }[], current: T, onSelect: (v: T) => void, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': label, 'data-testid': testid },
    options.map((o) =>
      h('button', { type: 'button', 'aria-pressed': o.value === current ? 'true' : 'false', disabled: o.disabled, 'data-value': o.value, onclick: () => o.value !== current && onSelect(o.value) }, o.label),
    ),
  )
}

/** A labelled <select>. */
export function select<T extends string>(label: string, options: readonly { value: T; label: string }[], current: T, onChange: (v: T) => void, testid: string): HTMLElement {
  const id = uid('sel')
  return h(
    'label',
    { class: 'field', for: id },
    h('span', {}, label),
    h(
      'select',
      { id, 'data-testid': testid, onchange: (e) => onChange((e.target as HTMLSelectElement).value as T) },
      options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
    ),
  )
}
