import { describe, expect, it } from 'vitest'
import { LoadShedder } from '../src/ingest/load-shedding.js'
import { Metrics } from '../src/metrics.js'

describe('LoadShedder', () => {
  it('admits events up to the in-flight bound, answers 503 past it, and admits again once released', () => {
    const metrics = new Metrics()
    const s = new LoadShedder({ maxInflightEvents: 100, siteEventsPerSecond: 0 }, metrics)
    const a = s.admit('shop', 60)
    const b = s.admit('blog', 40)
    expect(s.inflightEvents).toBe(100)
    expect(() => s.admit('shop', 1)).toThrow(expect.objectContaining({ statusCode: 503, code: 'OVERLOADED', retryAfter: 1 }))
    a()
    a() // twice is once
    expect(s.inflightEvents).toBe(40)
    expect(() => s.admit('shop', 60)).not.toThrow()
    b()
    expect(metrics.get('trackway_shed_total', { code: 'overloaded' })).toBe(1)
  })

  it('limits each site to its rate with a burst, with Retry-After = seconds until the batch fits', () => {
    let now = 0
    const metrics = new Metrics()
    const s = new LoadShedder({ maxInflightEvents: 1e9, siteEventsPerSecond: 100, burstSeconds: 2 }, metrics, () => now)
    s.admit('shop', 200)() // the whole burst
    let err: unknown
    try {
      s.admit('shop', 150)
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', retryAfter: 2 })
    expect(() => s.admit('blog', 200)).not.toThrow() // another site has its own bucket
    now = 1500 // 150 tokens back
    expect(() => s.admit('shop', 150)).not.toThrow()
    expect(() => s.admit('shop', 1)).toThrow(expect.objectContaining({ statusCode: 429, retryAfter: 1 }))
    // a batch larger than the burst passes when the bucket is full, so it is never refused forever
    now = 100_000
    expect(() => s.admit('shop', 500)).not.toThrow()
    expect(metrics.get('trackway_shed_total', { code: 'rate_limited' })).toBe(2)
  })
})
