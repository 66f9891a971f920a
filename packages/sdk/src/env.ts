import { nanoid } from 'nanoid'
import { idbStore, type Store } from './store.js'

/** The parts of the Web Locks API the SDK uses. */
export interface Locks {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => unknown): Promise<unknown>
}

/**
 * The parts of `window` the SDK reads. In a browser it is `window` itself; tests pass a
 * window-shaped object (a `URL` as `location`, `EventTarget`s as window and document).
 */
export interface Win {
  location: { href: string; hostname: string; search: string }
  document: EventTarget & { referrer: string; title: string; visibilityState: string }
  navigator: {
    doNotTrack?: string | null
    globalPrivacyControl?: boolean
    onLine?: boolean
    sendBeacon?(url: string, data: string): boolean
    locks?: Locks
  }
  history: { pushState(...args: any[]): void }
  addEventListener(type: string, listener: (event: any) => void): void
}

/** `fetch` as the SDK calls it. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>

/** The tracker's collaborators (STYLE §4): tests swap any of them without mocking globals. */
export interface Deps {
  win: Win
  store: Store
  fetch: Fetch
  /** Client clock, ms since epoch (`ts`, `sentAt`, backoff). */
  now(): number
  /** Uniform in [0, 1): retry jitter. */
  random(): number
  /** Event and anonymous ids (nanoid, 21 URL-safe chars). */
  id(): string
  /**
   * The debug logger; only called when `debug` is on. Size hack: messages are terse argument
   * lists (`'HTTP', 503`), not sentences — full sentences cost ~130 B of the bundle.
   */
  log(...args: unknown[]): void
}

/** The browser's collaborators. Only called from `init()`, so importing the SDK touches no global (SSR-safe). */
export const defaultDeps = (): Deps => ({
  win: window as unknown as Win,
  store: idbStore(),
  // Wrapped: calling a detached `fetch` as `deps.fetch(...)` throws "Illegal invocation".
  fetch: (url, init) => fetch(url, init),
  now: Date.now,
  random: Math.random,
  id: nanoid,
  log: (...args) => console.warn('[trackway]', ...args),
})
