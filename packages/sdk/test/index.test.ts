import { describe, expect, it } from 'vitest'
import * as sdk from '../src/index.js'

const API = [
  'init', 'page', 'track', 'identify', 'signup', 'cartAdd', 'cartRemove', 'checkout', 'purchase',
  'referralInvite', 'feedback', 'exposure', 'flush', 'optOut', 'optIn', 'reset',
]

describe('index', () => {
  it('exports the SPEC §8 functions as plain named exports, no default export', () => {
    expect(Object.keys(sdk).filter((k) => typeof (sdk as Record<string, unknown>)[k] == 'function').sort()).toEqual([...API].sort())
    expect('default' in sdk).toBe(false)
  })

  it('is SSR-safe: without window, init and every call do nothing and throw nothing', async () => {
    expect(typeof window).toBe('undefined')
    expect(() => {
      sdk.init({ site: 'shop', endpoint: 'https://collect.example.com' })
      sdk.page()
      sdk.track('x')
      sdk.identify('u')
      sdk.purchase({ orderId: 'o', revenue: 1 })
      sdk.optOut()
      sdk.optIn()
      sdk.reset()
    }).not.toThrow()
    await expect(sdk.flush()).resolves.toBeUndefined()
  })
})
