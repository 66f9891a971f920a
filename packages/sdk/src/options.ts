import { LIMITS } from '@trackway/protocol'

/** Options of `init()` (SPEC §8). */
export interface Options {
  /** Site id, as registered on the collector. Required. */
  site: string
  /**
   * Collector origin, e.g. `https://collect.example.com`; events go to `${endpoint}/v1/batch`.
   * Required with npm; the script tag defaults it to the origin of its own `src`.
   */
  endpoint: string
  /** Record a `pageview` at `init()` and on SPA navigations (`history.pushState`, back/forward). @default true */
  autoPageviews?: boolean
  /** Send `engagement` events with the page's visible time on tab hide, `pagehide` and route change. @default true */
  engagement?: boolean
  /** Events per request, 1–500 (the collector's batch limit). @default 20 */
  batchSize?: number
  /** How long a queued event may wait for its batch to fill, in ms (100 – 3 600 000). @default 5000 */
  flushIntervalMs?: number
  /** Most events kept queued (1 – 100 000); beyond it the oldest are dropped and counted. @default 1000 */
  maxQueue?: number
  /** Track nothing when the browser sends Do Not Track or Global Privacy Control. @default true */
  respectDnt?: boolean
  /**
   * `'pending'` queues nothing until `optIn()`; anything but `'granted'` (a typo, `'denied'`) counts
   * as pending: privacy first. A decision made with `optIn()`/`optOut()` is persisted and wins over
   * this option on later page loads. @default 'granted'
   */
  consent?: 'granted' | 'pending'
  /** Keep no identifier in the browser; the collector derives a daily-rotating one (SPEC §3). @default false */
  cookieless?: boolean
  /**
   * Log dropped events, failed requests and rejected events to the console (codes in
   * ARCHITECTURE.md). The script tag's `/sdk.js` is built without logging: load the debug bundle
   * (`@trackway/sdk/sdk.debug.js`) with `data-debug` instead. @default false
   */
  debug?: boolean
  /** Hostnames on which nothing is tracked, e.g. `['staging.example.com']`. @default [] */
  ignoreHosts?: string[]
}

/** Options after validation: every field set, frozen. */
export type Config = Readonly<Required<Options>>

const defaults: Omit<Config, 'site' | 'endpoint'> = {
  autoPageviews: true,
  engagement: true,
  batchSize: 20,
  flushIntervalMs: 5000,
  maxQueue: 1000,
  respectDnt: true,
  consent: 'granted',
  cookieless: false,
  debug: false,
  ignoreHosts: [],
}

/**
 * Numbers are clamped into range rather than rejected (with no warning: a size hack, ~30 B).
 * `Math.max` also turns the script tag's `data-*` strings (`"50"`) into numbers; what is not a
 * number (NaN) becomes `min`. Fractions stay: every use of these options tolerates them.
 */
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v) || min)

/**
 * Validates `init()` options once and freezes them. A missing `site` or `endpoint` throws a
 * TypeError (misuse that would otherwise track nothing, silently); `undefined` means the default.
 */
export const resolveOptions = (options: Options): Config => {
  if (!options?.site || !options.endpoint) throw new TypeError('trackway: init() needs `site` and `endpoint`')
  const config: Record<string, any> = { ...defaults }
  for (const k in options) if (options[k as keyof Options] != null) config[k] = options[k as keyof Options]
  config.endpoint = config.endpoint.replace(/\/+$/, '')
  // The collector takes at most 500 events per batch; a timer under 100 ms would spin.
  config.batchSize = clamp(config.batchSize, 1, LIMITS.maxBatchEvents)
  config.flushIntervalMs = clamp(config.flushIntervalMs, 100, 3_600_000)
  config.maxQueue = clamp(config.maxQueue, 1, 100_000)
  return Object.freeze(config) as Config
}
