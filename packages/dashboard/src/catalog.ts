import { EVENT_TYPES } from '@trackway/protocol'

/**
 * What the read API offers (SPEC §6), as the dashboard names and formats it: overview metrics,
 * breakdown dimensions and the filter each one sets, attribution models, funnel step types.
 * Pure data, so url-state and the unit tests use it without a DOM.
 */

/** How a number is shown (format.ts). */
export type Kind = 'int' | 'money' | 'percent' | 'decimal' | 'duration' | 'score' | 'coefficient' | 'pct100' | 'days'

export interface MetricInfo<K extends string = string> {
  key: K
  label: string
  kind: Kind
  /** A rise is bad news (bounce, abandonment, churn): the delta is coloured the other way. */
  lowerIsBetter?: boolean
}

export const OVERVIEW_METRICS = [
  { key: 'visitors', label: 'Visitors', kind: 'int' },
  { key: 'sessions', label: 'Sessions', kind: 'int' },
  { key: 'pageviews', label: 'Pageviews', kind: 'int' },
  { key: 'bounceRate', label: 'Bounce rate', kind: 'percent', lowerIsBetter: true },
  { key: 'pagesPerSession', label: 'Pages / session', kind: 'decimal' },
  { key: 'avgSessionMs', label: 'Session duration', kind: 'duration' },
  { key: 'conversionRate', label: 'Conversion rate', kind: 'percent' },
  { key: 'orders', label: 'Orders', kind: 'int' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'aov', label: 'AOV', kind: 'money' },
  { key: 'cartAbandonmentRate', label: 'Cart abandonment', kind: 'percent', lowerIsBetter: true },
  { key: 'checkoutCompletionRate', label: 'Checkout completion', kind: 'percent' },
  { key: 'signups', label: 'Signups', kind: 'int' },
] as const satisfies readonly MetricInfo[]

export type Metric = (typeof OVERVIEW_METRICS)[number]['key']
export const METRIC_KEYS = OVERVIEW_METRICS.map((m) => m.key) as readonly Metric[]

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

/** The common report filters (SPEC §6), in the order chips show them. */
export const FILTER_KEYS = ['channel', 'source', 'medium', 'campaign', 'device', 'browser', 'os', 'country', 'path', 'referred'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]
export type Filters = Partial<Record<FilterKey, string>>

export const FILTER_LABEL: Record<FilterKey, string> = {
  channel: 'Channel',
  source: 'Source',
  medium: 'Medium',
  campaign: 'Campaign',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  country: 'Country',
  path: 'Page',
  referred: 'Referred',
}

export const DIMENSIONS = ['channel', 'source', 'medium', 'campaign', 'referrerDomain', 'entryPage', 'exitPage', 'page', 'device', 'browser', 'os', 'country'] as const
export type Dimension = (typeof DIMENSIONS)[number]

export const DIMENSION_LABEL: Record<Dimension, string> = {
  channel: 'Channel',
  source: 'Source',
  medium: 'Medium',
  campaign: 'Campaign',
  referrerDomain: 'Referrer',
  entryPage: 'Entry page',
  exitPage: 'Exit page',
  page: 'Page',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  country: 'Country',
}

/**
 * The filter a breakdown row sets when clicked. The API has no filter for a referrer domain or
 * an entry/exit page (`path` selects sessions that viewed a page anywhere), so those rows do not
 * filter rather than filter by something else.
 */
export const FILTER_OF: Record<Dimension, FilterKey | null> = {
  channel: 'channel',
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  referrerDomain: null,
  entryPage: null,
  exitPage: null,
  page: 'path',
  device: 'device',
  browser: 'browser',
  os: 'os',
  country: 'country',
}

/** The overview's breakdown cards, each a bar list with a tab per dimension. */
export const BREAKDOWN_GROUPS = [
  { id: 'sources', title: 'Acquisition', dims: ['channel', 'source', 'medium', 'campaign', 'referrerDomain'] },
  { id: 'pages', title: 'Pages', dims: ['page', 'entryPage', 'exitPage'] },
  { id: 'devices', title: 'Devices', dims: ['device', 'browser', 'os'] },
  { id: 'locations', title: 'Locations', dims: ['country'] },
] as const satisfies readonly { id: string; title: string; dims: readonly Dimension[] }[]
export type GroupId = (typeof BREAKDOWN_GROUPS)[number]['id']

/**
 * Attribution models, in the order the side-by-side table shows them: the six rule-based ones,
 * then the data-driven `markov` (SPEC §5 Markov attribution). Every view reads this list.
 */
export const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'markov'] as const
export type Model = string

export const MODEL_LABEL: Record<string, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  last_non_direct: 'Last non-direct',
  linear: 'Linear',
  time_decay: 'Time decay',
  position_based: 'Position based',
  markov: 'Markov chain',
}

export const ATTRIBUTION_BY = ['channel', 'source', 'campaign'] as const
export type AttributionBy = (typeof ATTRIBUTION_BY)[number]

/** Event types a funnel step or a goal can name (the protocol's list; `custom` takes `custom:<name>`). */
export const STEP_TYPES: readonly string[] = EVENT_TYPES

export const VIEWS = [
  { id: 'overview', title: 'Overview' },
  { id: 'funnel', title: 'Funnel' },
  { id: 'acquisition', title: 'Acquisition' },
  { id: 'revenue', title: 'Revenue & customers' },
  { id: 'referrals', title: 'Referrals & CSAT' },
  { id: 'experiments', title: 'Experiments' },
  { id: 'journeys', title: 'Paths & journeys' },
] as const
export type ViewId = (typeof VIEWS)[number]['id']
