import { describe, expect, it } from 'vitest'
import { ScalableBloom } from '../src/ingest/dedup/bloom.js'
import { IdFilter } from '../src/ingest/dedup/id-filter.js'

describe('ScalableBloom', () => {
  it('never forgets a key it was given, across segment growth', () => {
    const bloom = new ScalableBloom(1000)
    const keys = Array.from({ length: 20_000 }, (_, i) => `shop\u0000id-${i}-${(i * 7919) % 104729}`)
    for (const k of keys) bloom.add(k)
    expect(keys.every((k) => bloom.mightContain(k))).toBe(true)
    expect(bloom.size).toBe(20_000)
  })

  it('keeps false positives near the configured rate', () => {
    const bloom = new ScalableBloom(1 << 14, 1e-3)
    for (let i = 0; i < 50_000; i++) bloom.add(`present-${i}`)
    let hits = 0
    for (let i = 0; i < 100_000; i++) if (bloom.mightContain(`absent-${i}`)) hits++
    // 3 segments at 1e-3 each: at most ~3e-3; allow noise.
    expect(hits / 100_000).toBeLessThan(0.006)
  })
})

describe('IdFilter', () => {
  it('answers stored for recent keys, new for unseen ones, maybe once a key left the exact set', () => {
    const f = new IdFilter(1000, 2, 0)
    f.add('k1')
    f.add('k2')
    f.add('k3') // evicts k1 from the exact set
    expect(f.check('k3')).toBe('stored')
    expect(f.check('k1')).toBe('maybe')
    expect(f.check('never')).toBe('new')
  })

  it('evicts exactly the oldest exact keys once full (its speed is measured by npm run bench)', () => {
    const f = new IdFilter(86_400_000, 100_000, 0)
    for (let i = 0; i < 300_000; i++) f.add(`shop\u0000key-${i}`)
    expect(f.check('shop\u0000key-299999')).toBe('stored')
    expect(f.check('shop\u0000key-200000')).toBe('stored')
    expect(f.check('shop\u0000key-199999')).toBe('maybe')
  })

  it('still knows keys of the previous generation after one rotation and forgets them after two', () => {
    const f = new IdFilter(1000, 0, 0)
    f.add('old')
    f.rotate(500)
    expect(f.check('old')).toBe('maybe')
    f.rotate(1000)
    expect(f.check('old')).toBe('maybe')
    f.add('new')
    f.rotate(2000)
    expect(f.check('old')).toBe('new')
    expect(f.check('new')).toBe('maybe')
  })
})
