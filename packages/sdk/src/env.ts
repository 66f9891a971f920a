import { idbStore, type Store } from './store.js'
import { DEBUG } from './debug.js'

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
  history: { pushState(...args: any[]): void; replaceState(...args: any[]): void }
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
  /** Event and anonymous ids (`randomId`). */
  id(): string
  /**
   * The debug logger; only called when `debug` is on. Size hack: a message is a one-word code and
   * its data (`'http', 503`), not a sentence; ARCHITECTURE.md lists the codes. Sentences cost
   * ~100 B of the 3 KB budget.
   */
  log(...args: unknown[]): void
}

export const noop = () => {}

/**
 * A random id: 18 bytes from the CSPRNG in base64 without `+` and `/` — ~22 chars of
 * `[A-Za-z0-9]`, ~130 bits, inside the protocol's `^[A-Za-z0-9_-]{8,64}$`. Size hack: nanoid's
 * 64-char alphabet is incompressible; this line is ~60 B less of the 3 KB budget.
 */
export const randomId = (): string => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18)))).replace(/\W/g, '')

/** The browser's collaborators. Only called from `init()`, so importing the SDK touches no global (SSR-safe). */
export const defaultDeps = (): Deps => ({
  win: window as unknown as Win,
  store: idbStore(),
  // Wrapped: calling a detached `fetch` as `deps.fetch(...)` throws "Illegal invocation".
  fetch: (url, init) => fetch(url, init),
  now: Date.now,
  random: Math.random,
  id: randomId,
  log: DEBUG ? (...args) => console.warn('[trackway]', ...args) : noop,
})
