/**
 * Loading without overlap. A view's load runs under an AbortController: a new state aborts the
 * load in flight and starts its own (`run`); a periodic refresh (`tick`) starts only when
 * nothing is loading, so a slow collector never piles up requests. `poll` waits for a tick to
 * finish before it schedules the next, and skips ticks while the tab is hidden.
 */
export interface Runner {
  /** Aborts what is loading and runs `task` now. */
  run(): Promise<void>
  /** Runs `task` unless a run is in flight. */
  tick(): Promise<void>
  readonly busy: boolean
  abort(): void
}

export function createRunner(task: (signal: AbortSignal) => Promise<void>): Runner {
  let current: AbortController | null = null
  let inFlight: Promise<void> | null = null
  const start = () => {
    const ctrl = new AbortController()
    current = ctrl
    const p = task(ctrl.signal).finally(() => {
      if (current === ctrl) {
        current = null
        inFlight = null
      }
    })
    inFlight = p
    return p
  }
  return {
    run() {
      current?.abort()
      return start()
    },
    tick() {
      return inFlight ?? start()
    },
    get busy() {
      return inFlight !== null
    },
    abort() {
      current?.abort()
      current = null
      inFlight = null
    },
  }
}

export interface PollOptions {
  hidden?: () => boolean
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (id: unknown) => void
}

/** Calls `fn` every `everyMs` after the previous call settled; returns stop(). */
export function poll(fn: () => Promise<unknown>, everyMs: number, o: PollOptions = {}): () => void {
  const hidden = o.hidden ?? (() => typeof document !== 'undefined' && document.hidden)
  const setTimer = o.setTimer ?? ((f, ms) => setTimeout(f, ms))
  const clearTimer = o.clearTimer ?? ((id) => clearTimeout(id as ReturnType<typeof setTimeout>))
  let stopped = false
  let timer: unknown = null
  const loop = () => {
    timer = setTimer(async () => {
      if (stopped) return
      if (!hidden()) await fn().catch(() => undefined)
      if (!stopped) loop()
    }, everyMs)
  }
  loop()
  return () => {
    stopped = true
    if (timer !== null) clearTimer(timer)
  }
}
