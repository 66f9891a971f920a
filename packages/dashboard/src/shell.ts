import type { Site } from './api-types.js'
import { FILTER_KEYS, FILTER_LABEL, VIEWS } from './catalog.js'
import { PRESETS, type DateRange, type Preset } from './dates.js'
import type { Format } from './format.js'
import { stateToSearch, withFilter, type State } from './url-state.js'
import { h, uid } from './ui/dom.js'

/**
 * The frame around a view: site picker, date range (presets or custom dates), compare toggle,
 * realtime visitors, the view tabs (real links, so a middle-click opens a copy), the active
 * filters as removable chips, and the footer (API reference, sign out).
 */
export interface ShellProps {
  state: State
  sites: readonly Site[]
  site: Site
  range: DateRange
  fmt: Format
  navigate(patch: Partial<State>): void
  signOut(): void
}

export function shell(p: ShellProps): { el: HTMLElement; main: HTMLElement; realtime: HTMLElement } {
  const { state: s } = p
  const siteId = uid('site')
  const rangeId = uid('range')
  const compareId = uid('compare')
  const custom = h(
    'form',
    {
      class: 'custom-range',
      'data-testid': 'custom-range',
      onsubmit: (e) => {
        e.preventDefault()
        const d = new FormData(e.target as HTMLFormElement)
        p.navigate({ range: 'custom', from: String(d.get('from')), to: String(d.get('to')) })
      },
    },
    h('label', {}, h('span', { class: 'sr-only' }, 'From'), h('input', { type: 'date', name: 'from', value: p.range.from, required: true, 'data-testid': 'range-from' })),
    h('span', { 'aria-hidden': 'true' }, '–'),
    h('label', {}, h('span', { class: 'sr-only' }, 'To'), h('input', { type: 'date', name: 'to', value: p.range.to, required: true, 'data-testid': 'range-to' })),
    h('button', { type: 'submit', class: 'secondary', 'data-testid': 'range-apply' }, 'Apply'),
  )
  custom.hidden = s.range !== 'custom'
  const realtime = h('span', { class: 'realtime', 'data-testid': 'realtime', role: 'status', 'aria-live': 'off' }, '…')
  const top = h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: `./${stateToSearch({ ...s, view: 'overview' })}` }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Trackway'),
    h(
      'div',
      { class: 'top-controls' },
      h(
        'label',
        { class: 'field', for: siteId },
        h('span', {}, 'Site'),
        h('select', { id: siteId, 'data-testid': 'site', onchange: (e) => p.navigate({ site: (e.target as HTMLSelectElement).value, filters: {} }) }, p.sites.map((x) => h('option', { value: x.id, selected: x.id === p.site.id }, x.name === x.id ? x.id : `${x.name} (${x.id})`))),
      ),
      h(
        'label',
        { class: 'field', for: rangeId },
        h('span', {}, 'Range'),
        h(
          'select',
          {
            id: rangeId,
            'data-testid': 'range',
            onchange: (e) => {
              const v = (e.target as HTMLSelectElement).value as Preset
              if (v === 'custom') custom.hidden = false
              else p.navigate({ range: v, from: null, to: null })
            },
          },
          PRESETS.map((x) => h('option', { value: x.id, selected: x.id === s.range }, x.label)),
        ),
      ),
      custom,
      h('label', { class: 'check', for: compareId }, h('input', { id: compareId, type: 'checkbox', checked: s.compare, 'data-testid': 'compare', onchange: (e) => p.navigate({ compare: (e.target as HTMLInputElement).checked }) }), 'Compare with previous period'),
      realtime,
    ),
  )
  const nav = h(
    'nav',
    { class: 'views', 'aria-label': 'Reports' },
    h(
      'ul',
      {},
      VIEWS.map((v) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `./${stateToSearch({ ...s, view: v.id })}`,
              'aria-current': v.id === s.view ? 'page' : null,
              'data-testid': `nav-${v.id}`,
              onclick: (e) => {
                const m = e as MouseEvent
                if (m.button !== 0 || m.metaKey || m.ctrlKey || m.shiftKey || m.altKey) return
                e.preventDefault()
                p.navigate({ view: v.id })
              },
            },
            v.title,
          ),
        ),
      ),
    ),
  )
  const active = FILTER_KEYS.filter((k) => s.filters[k] !== undefined)
  const chips = h(
    'div',
    { class: 'filters', 'data-testid': 'filters', 'aria-label': 'Active filters', role: 'group' },
    h('span', { class: 'range-line muted', 'data-testid': 'range-line' }, `${p.fmt.day(p.range.from)} – ${p.fmt.day(p.range.to)} · ${p.site.timezone}`),
    active.map((k) => {
      const value = k === 'referred' ? (s.filters[k] === 'true' ? 'yes' : 'no') : s.filters[k]!
      return h(
        'button',
        { type: 'button', class: 'chip', 'data-testid': `chip-${k}`, 'aria-label': `Remove filter ${FILTER_LABEL[k]}: ${value}`, onclick: () => p.navigate(withFilter(s, k, null)) },
        h('span', { class: 'chip-key' }, `${FILTER_LABEL[k]}:`),
        ` ${value} `,
        h('span', { 'aria-hidden': 'true', class: 'chip-x' }, '×'),
      )
    }),
    active.length > 1 ? h('button', { type: 'button', class: 'link-button', 'data-testid': 'clear-filters', onclick: () => p.navigate({ filters: {} }) }, 'Clear all') : null,
  )
  const main = h('main', { id: 'view', class: 'view', 'data-testid': `view-${s.view}`, tabindex: '-1' })
  const footer = h(
    'footer',
    { class: 'foot muted' },
    h('a', { href: '/docs' }, 'API reference'),
    ' · ',
    h('span', {}, `${p.site.currency} · times in ${p.site.timezone}`),
    ' · ',
    h('button', { type: 'button', class: 'link-button', 'data-testid': 'sign-out', onclick: p.signOut }, 'Sign out'),
  )
  return { el: h('div', { class: 'app' }, top, nav, chips, main, footer), main, realtime }
}

/** The sign-in form: the admin token, kept for this tab only. */
export function signIn(message: string | null, onToken: (token: string) => void): HTMLElement {
  const id = uid('token')
  return h(
    'main',
    { class: 'signin' },
    h(
      'form',
      {
        class: 'card',
        'data-testid': 'login',
        onsubmit: (e) => {
          e.preventDefault()
          const v = String(new FormData(e.target as HTMLFormElement).get('token') ?? '').trim()
          if (v) onToken(v)
        },
      },
      h('h1', {}, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Trackway'),
      h('p', {}, 'Sign in with the admin token the collector printed when it started (TRACKWAY_ADMIN_TOKEN). It is kept for this tab only.'),
      h('label', { for: id }, 'Admin token'),
      h('input', { id, name: 'token', type: 'password', autocomplete: 'off', required: true, 'data-testid': 'token', autofocus: true }),
      h('button', { type: 'submit', 'data-testid': 'sign-in' }, 'Sign in'),
      h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message ?? ''),
    ),
  )
}
