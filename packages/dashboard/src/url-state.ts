import { ATTRIBUTION_BY, BREAKDOWN_GROUPS, FILTER_KEYS, INTERVALS, METRIC_KEYS, MODELS, VIEWS } from './catalog.js'
import type { AttributionBy, Dimension, Filters, GroupId, Interval, Metric, ViewId } from './catalog.js'
import { isDate, PRESET_IDS, type DateRange, type Preset } from './dates.js'

/**
 * The whole view as URL query parameters, so a copied link reproduces it (range, compare,
 * filters, view and each view's choices). Parsing never throws: an unknown or malformed value
 * falls back to its default. Defaults are left out of the URL to keep links short.
 */
export interface State {
  site: string | null
  range: Preset
  /** Only with `range: custom`. */
  from: string | null
  to: string | null
  compare: boolean
  filters: Filters
  view: ViewId
  /** The KPI the overview charts. */
  metric: Metric
  /** null: the range's default interval. */
  interval: Interval | null
  /** The tab of each breakdown card. */
  tabs: Record<GroupId, Dimension>
  /** `aida`, or the funnel's steps as the API takes them (`pageview,cart_add@/cart,custom:x`). */
  funnel: string
  window: string
  model: string
  by: AttributionBy
  lookback: string
  cohort: 'week' | 'month'
  experiment: string
  goal: string
  person: string
  depth: number
}

export const DEFAULT_STATE: Readonly<State> = Object.freeze({
  site: null,
  range: '30d',
  from: null,
  to: null,
  compare: true,
  filters: {},
  view: 'overview',
  metric: 'visitors',
  interval: null,
  tabs: Object.fromEntries(BREAKDOWN_GROUPS.map((g) => [g.id, g.dims[0]])) as Record<GroupId, Dimension>,
  funnel: 'aida',
  window: '7d',
  model: 'last_non_direct',
  by: 'channel',
  lookback: '30d',
  cohort: 'week',
  experiment: '',
  goal: 'purchase',
  person: '',
  depth: 4,
})

const WINDOW = /^\d{1,4}[mhd]$/
const oneOf = <T extends string>(xs: readonly T[], v: string | null, fallback: T): T => (v !== null && (xs as readonly string[]).includes(v) ? (v as T) : fallback)
const text = (v: string | null, max: number, fallback: string) => (v !== null && v.length > 0 && v.length <= max ? v : fallback)

/** The state a query string (`location.search`) describes. */
export function parseState(search: string): State {
  const q = new URLSearchParams(search)
  const d = DEFAULT_STATE
  const filters: Filters = {}
  for (const k of FILTER_KEYS) {
    const v = q.get(`f.${k}`)
    if (v === null || v === '' || v.length > 2048) continue
    if (k === 'referred' && v !== 'true' && v !== 'false') continue
    if (k === 'path' && !v.startsWith('/')) continue
    filters[k] = v
  }
  const range = oneOf(PRESET_IDS, q.get('range'), d.range)
  const custom = range === 'custom' && isDate(q.get('from')) && isDate(q.get('to'))
  const tabs = { ...d.tabs }
  for (const g of BREAKDOWN_GROUPS) tabs[g.id] = oneOf<Dimension>(g.dims, q.get(`tab.${g.id}`), g.dims[0])
  const depth = Number(q.get('depth'))
  return {
    site: text(q.get('site'), 64, '') || null,
    range: range === 'custom' && !custom ? d.range : range,
    from: custom ? q.get('from') : null,
    to: custom ? q.get('to') : null,
    compare: q.get('compare') !== '0',
    filters,
    view: oneOf(VIEWS.map((v) => v.id), q.get('view'), d.view),
    metric: oneOf(METRIC_KEYS, q.get('metric'), d.metric),
    interval: (INTERVALS as readonly string[]).includes(q.get('interval') ?? '') ? (q.get('interval') as Interval) : null,
    tabs,
    funnel: text(q.get('funnel'), 2000, d.funnel),
    window: WINDOW.test(q.get('window') ?? '') ? q.get('window')! : d.window,
    model: text(q.get('model'), 40, d.model),
    by: oneOf(ATTRIBUTION_BY, q.get('by'), d.by),
    lookback: WINDOW.test(q.get('lookback') ?? '') ? q.get('lookback')! : d.lookback,
    cohort: oneOf(['week', 'month'] as const, q.get('cohort'), d.cohort),
    experiment: text(q.get('experiment'), 200, d.experiment),
    goal: text(q.get('goal'), 130, d.goal),
    person: text(q.get('person'), 128, d.person),
    depth: Number.isInteger(depth) && depth >= 1 && depth <= 10 ? depth : d.depth,
  }
}

/** The query string of a state (with `?`, or '' for all defaults), in a stable order. */
export function stateToSearch(s: State): string {
  const d = DEFAULT_STATE
  const q = new URLSearchParams()
  const put = (k: string, v: string | number | null, dv: string | number | null) => {
    if (v !== null && v !== dv && v !== '') q.set(k, String(v))
  }
  put('site', s.site, null)
  put('view', s.view, d.view)
  put('range', s.range, d.range)
  if (s.range === 'custom') {
    put('from', s.from, null)
    put('to', s.to, null)
  }
  if (!s.compare) q.set('compare', '0')
  for (const k of FILTER_KEYS) put(`f.${k}`, s.filters[k] ?? null, null)
  put('metric', s.metric, d.metric)
  put('interval', s.interval, null)
  for (const g of BREAKDOWN_GROUPS) put(`tab.${g.id}`, s.tabs[g.id], d.tabs[g.id])
  put('funnel', s.funnel, d.funnel)
  put('window', s.window, d.window)
  put('model', s.model, d.model)
  put('by', s.by, d.by)
  put('lookback', s.lookback, d.lookback)
  put('cohort', s.cohort, d.cohort)
  put('experiment', s.experiment, d.experiment)
  put('goal', s.goal, d.goal)
  put('person', s.person, d.person)
  put('depth', s.depth, d.depth)
  const out = q.toString()
  return out ? `?${out}` : ''
}

/** The range and filter parameters every report takes (SPEC §6). */
export function reportParams(s: State, range: DateRange): Record<string, string> {
  return { from: range.from, to: range.to, ...(s.filters as Record<string, string>) }
}

/** The state with one filter set (null: removed). */
export function withFilter(s: State, key: keyof Filters, value: string | null): State {
  const filters = { ...s.filters }
  if (value === null) delete filters[key]
  else filters[key] = value
  return { ...s, filters }
}

/** Attribution models the state may name: the known ones (MODELS), so a link with an unknown one falls back. */
export const modelOf = (s: State, models: readonly string[] = MODELS) => (models.includes(s.model) ? s.model : DEFAULT_STATE.model)
