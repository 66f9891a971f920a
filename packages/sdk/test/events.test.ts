import { describe, expect, it } from 'vitest'
import { misuse, pickItem } from '../src/events.js'

describe('events', () => {
  it('names a missing required argument', () => {
    expect(misuse({ name: undefined }, {})).toBe('name')
    expect(misuse({ orderId: 'o', revenue: undefined }, {})).toBe('revenue')
    expect(misuse({ orderId: 'o', revenue: 0 }, { currency: undefined, items: undefined, props: undefined })).toBeUndefined()
  })

  it('names an argument of the wrong type or range', () => {
    expect(misuse({ score: 6 }, {})).toBe('score')
    expect(misuse({ score: 2.5 }, {})).toBe('score')
    expect(misuse({ score: 1 }, {})).toBeUndefined()
    expect(misuse({ userId: 42 as never }, {})).toBe('userId')
    expect(misuse({ name: '' }, {})).toBe('name')
    expect(misuse({ orderId: 'o', revenue: -1 }, {})).toBe('revenue')
    expect(misuse({ orderId: 'o', revenue: '5' as never }, {})).toBe('revenue')
    expect(misuse({ items: {} as never }, {})).toBe('items')
    expect(misuse({ name: 'x' }, { props: 'x' as never })).toBe('props')
  })

  it('keeps only the wire fields of an item', () => {
    expect(pickItem({ sku: 'A', price: 1, quantity: 2, color: 'red' } as never)).toEqual({ sku: 'A', name: undefined, price: 1, quantity: 2 })
  })
})
