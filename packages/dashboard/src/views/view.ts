import type { Api } from '../api-client.js'
import type { Site } from '../api-types.js'
import type { ViewId } from '../catalog.js'
import type { DateRange } from '../dates.js'
import type { Format } from '../format.js'
import type { State } from '../url-state.js'

/** What a view gets: the API, the state (from the URL), the site, its range and formats. */
export interface ViewContext {
  api: Api
  state: State
  site: Site
  range: DateRange
  fmt: Format
  /** `from`, `to` and the active filters: what every report takes. */
  params: Record<string, string>
  /** Changes the state (and the URL); the view is mounted again. */
  navigate(patch: Partial<State>): void
  /** Loads the mounted view's data again now (after a change it made, e.g. a spend upload). */
  refresh(): void
  /** A CSV file name for an export of `what`. */
  file(what: string): string
  /** The width a chart in the view starts with. */
  width(): number
}

/** Loads (or reloads, on refresh) the data of a mounted view. */
export type Load = (signal: AbortSignal) => Promise<void>

/**
 * A view builds its controls and cards once per state (`mount`) and returns its `load`, which
 * fills the cards and runs again on each periodic refresh without touching the controls.
 */
export interface View {
  id: ViewId
  mount(root: HTMLElement, ctx: ViewContext): Load
}
