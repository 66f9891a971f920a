import { describe, expect, it, vi } from 'vitest'
import { createRunner, poll } from '../src/refresh.js'

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('refresh', () => {
  it('never overlaps a periodic refresh with a load in flight', async () => {
    const gates: ReturnType<typeof deferred>[] = []
    const task = vi.fn(() => {
      const d = deferred()
      gates.push(d)
      return d.promise
    })
    const r = createRunner(task)
    const first = r.tick()
    const second = r.tick() // still loading: the same load, not a new one
    expect(task).toHaveBeenCalledTimes(1)
    expect(second).toBe(first)
    gates[0]!.resolve()
    await first
    expect(r.busy).toBe(false)
    void r.tick()
    expect(task).toHaveBeenCalledTimes(2)
  })

  it('aborts the load in flight when the state changes', async () => {
    const signals: AbortSignal[] = []
    const r = createRunner(async (signal) => {
      signals.push(signal)
    })
    void r.run()
    void r.run()
    expect(signals[0]!.aborted).toBe(true)
    expect(signals[1]!.aborted).toBe(false)
  })

  it('schedules the next poll only after the previous one settled, and skips while hidden', async () => {
    vi.useFakeTimers()
    try {
      let hidden = false
      let running = 0
      let maxRunning = 0
      const fn = vi.fn(async () => {
        maxRunning = Math.max(maxRunning, ++running)
        await new Promise((r) => setTimeout(r, 25_000)) // slower than the interval
        running--
      })
      const stop = poll(fn, 10_000, { hidden: () => hidden })
      await vi.advanceTimersByTimeAsync(100_000)
      expect(maxRunning).toBe(1)
      expect(fn.mock.calls.length).toBeLessThanOrEqual(3) // 10 s wait + 25 s run each
      hidden = true
      const before = fn.mock.calls.length
      await vi.advanceTimersByTimeAsync(100_000)
      expect(fn.mock.calls.length).toBeLessThanOrEqual(before + 1)
      stop()
    } finally {
      vi.useRealTimers()
    }
  })
})
