import { describe, expect, it } from 'vitest'
import { resolveOptions, type Options } from '../src/options.js'

const base = { site: 'shop', endpoint: 'https://collect.example.com/' }

describe('options', () => {
  it('fills every default and trims the endpoint', () => {
    expect(resolveOptions(base)).toEqual({
      site: 'shop',
      endpoint: 'https://collect.example.com',
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
    })
  })

  it('treats undefined as the default and freezes the result', () => {
    const config = resolveOptions({ ...base, batchSize: undefined, autoPageviews: false })
    expect(config.batchSize).toBe(20)
    expect(config.autoPageviews).toBe(false)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('clamps numbers into range', () => {
    const config = resolveOptions({ ...base, batchSize: 5000, flushIntervalMs: 0, maxQueue: -3 })
    expect([config.batchSize, config.flushIntervalMs, config.maxQueue]).toEqual([500, 100, 1])
  })

  it('makes numbers of the script tag\'s strings, and the minimum of what is not a number', () => {
    const config = resolveOptions({ ...base, batchSize: '50', flushIntervalMs: 'soon', maxQueue: '1e9' } as never)
    expect([config.batchSize, config.flushIntervalMs, config.maxQueue]).toEqual([50, 100, 100_000])
  })

  it('throws a TypeError without site or endpoint', () => {
    expect(() => resolveOptions({ site: 'shop' } as Options)).toThrow(TypeError)
    expect(() => resolveOptions({ endpoint: 'https://c' } as Options)).toThrow(/site/)
    expect(() => resolveOptions(undefined as never)).toThrow(TypeError)
  })
})
