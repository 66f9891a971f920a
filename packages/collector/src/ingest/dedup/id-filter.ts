import { ScalableBloom } from './bloom.js'
import type { EventKey } from '../../store/event-log.js'

/** What the filter knows of a key. */
export type Seen = 'stored' | 'maybe' | 'new'

/**
 * The ingest dedup filter: answers "is (site, id) stored already?" without touching the store
 * for new ids — the common case.
 *
 * - An exact set of the most recent keys answers retries of the last minutes ("stored").
 * - Bloom filters hold every key received within `windowMs` ("maybe" or a certain "new").
 *   Two generations rotate every `windowMs`, so memory is bounded by ~2 windows of traffic.
 *
 * Why a window is enough: an event older than the maximum event age is rejected, and a retry
 * carries the same `ts`, so a duplicate can only arrive within that age of the first copy.
 * `windowMs` is that age plus one day of slack for client clocks that move between retries.
 * The writer checks "maybe" keys against the store, which is the authority.
 */
export class IdFilter {
  private current: { start: number; bloom: ScalableBloom }
  private previous: { start: number; bloom: ScalableBloom } | null = null
  private readonly recent = new Set<EventKey>()
  /** Insertion order of `recent`, as a ring: evicting the oldest is O(1). */
  private readonly ring: (EventKey | undefined)[]
  private ringPos = 0

  constructor(
    readonly windowMs: number,
    private readonly recentCapacity = 100_000,
    start = Date.now(),
  ) {
    this.current = { start, bloom: new ScalableBloom() }
    this.ring = new Array<EventKey | undefined>(recentCapacity)
  }

  check(key: EventKey): Seen {
    if (this.recent.has(key)) return 'stored'
    if (this.current.bloom.mightContain(key)) return 'maybe'
    if (this.previous?.bloom.mightContain(key)) return 'maybe'
    return 'new'
  }

  /** Records a stored key. */
  add(key: EventKey): void {
    this.current.bloom.add(key)
    if (this.recentCapacity === 0 || this.recent.has(key)) return
    // Not `recent.delete(recent.values().next().value)`: V8 keeps deleted Set entries as holes
    // that `values()` walks past, which made eviction quadratic (0.5–4.5 s per 50k adds at capacity).
    const oldest = this.ring[this.ringPos]
    if (oldest !== undefined) this.recent.delete(oldest)
    this.ring[this.ringPos] = key
    this.recent.add(key)
    this.ringPos = this.ringPos + 1 === this.recentCapacity ? 0 : this.ringPos + 1
  }

  /** Starts a new generation when the current one is a window old; drops the one before. */
  rotate(now = Date.now()): void {
    if (now - this.current.start < this.windowMs) return
    this.previous = this.current
    this.current = { start: now, bloom: new ScalableBloom() }
  }

  /** Rebuilding from the store at start: the generation begins at the oldest loaded key. */
  startAt(start: number): void {
    this.current.start = Math.min(this.current.start, start)
  }

  stats(): { keys: number; bytes: number } {
    const gens = [this.current, this.previous].filter((g) => g !== null)
    return {
      keys: gens.reduce((n, g) => n + g.bloom.size, 0),
      bytes: gens.reduce((n, g) => n + g.bloom.bytes, 0),
    }
  }
}
