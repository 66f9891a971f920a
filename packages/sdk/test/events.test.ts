import { describe, expect, it } from 'vitest'
import { misuse, pickItem } from '../src/events.js'

describe('events', () => {
  it('names a required argument that is missing, null or empty', () => {
    expect(misuse({ name: undefined })).toBe('name')
    expect(misuse({ name: '' })).toBe('name')
    expect(misuse({ orderId: 'o', revenue: undefined })).toBe('revenue')
    expect(misuse({ orderId: null as never, revenue: 5 })).toBe('orderId')
    expect(misuse({ experiment: 'hero', variant: undefined })).toBe('variant')
  })

  it('accepts present arguments, 0 and false included, and leaves finer checks to the collector', () => {
    expect(misuse({ orderId: 'o', revenue: 0 })).toBeUndefined()
    expect(misuse({ score: 6 })).toBeUndefined()
    expect(misuse({ items: [] })).toBeUndefined()
    expect(misuse({})).toBeUndefined()
  })

  it('takes only a string as userId: it is stamped on every later event', () => {
    expect(misuse({ userId: 42 as never })).toBe('userId')
    expect(misuse({ userId: 'u-42' })).toBeUndefined()
  })

  it('keeps only the wire fields of an item', () => {
    expect(pickItem({ sku: 'A', price: 1, quantity: 2, color: 'red' } as never)).toEqual({ sku: 'A', name: undefined, price: 1, quantity: 2 })
  })
})
