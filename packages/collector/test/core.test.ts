import { describe, expect, it } from 'vitest'
import { linkedUsers, personOf } from '../src/core/persons.js'
import { derive } from '../src/core/derive.js'
import { computeFullOverview } from '../src/core/metrics.js'
import type { EventRow } from '../src/store/event-log.js'

const computeOverview = (events: EventRow[], range: { fromMs: number; toMs: number }) => computeFullOverview(derive(events), range)
import { row } from './fixtures/rows.js'

const H = 3_600_000
const T0 = Date.UTC(2026, 0, 10)
const jan10 = { fromMs: T0, toMs: T0 + 24 * H }

describe('linkedUsers / personOf', () => {
  it('joins a browser\'s earlier anonymous history to the account it signs up with', () => {
    const events = [
      row({ anonymousId: 'a', t: T0 + 1 * H }),
      row({ anonymousId: 'a', t: T0 + 2 * H, type: 'signup', userId: 'u1' }),
    ]
    const links = linkedUsers(events)
    expect(events.map((e) => personOf(e, links))).toEqual(['u1', 'u1'])
  })

  it('links an anonymousId to the userId of its earliest identify/signup, ties broken by id', () => {
    const events = [
      row({ id: 'evt-b', anonymousId: 'a', t: T0 + H, type: 'identify', userId: 'late-by-id' }),
      row({ id: 'evt-a', anonymousId: 'a', t: T0 + H, type: 'identify', userId: 'first-by-id' }),
      row({ anonymousId: 'a', t: T0, type: 'pageview' }),
    ]
    expect(linkedUsers(events).get('a')).toBe('first-by-id')
  })

  it('does not link on other events carrying a userId, nor on bots', () => {
    const events = [
      row({ anonymousId: 'a', type: 'purchase', userId: 'u1', orderId: 'o' }),
      row({ anonymousId: 'b', type: 'signup', userId: 'u2', isBot: true }),
    ]
    expect(linkedUsers(events).size).toBe(0)
  })

  it('makes two devices of one user one person', () => {
    const events = [
      row({ anonymousId: 'phone', type: 'identify', userId: 'u1' }),
      row({ anonymousId: 'laptop', type: 'identify', userId: 'u1' }),
      row({ anonymousId: 'phone' }),
      row({ anonymousId: 'laptop' }),
    ]
    expect(computeOverview(events, jan10).visitors).toBe(1)
  })
})

describe('computeOverview', () => {
  it('counts an order once, at its earliest purchase event, with that event\'s revenue', () => {
    const events = [
      row({ type: 'purchase', orderId: 'o1', revenue: 40, t: T0 + 2 * H }),
      row({ type: 'purchase', orderId: 'o1', revenue: 99, t: T0 + 3 * H }),
      row({ type: 'purchase', orderId: 'o2', revenue: 10, t: T0 - 2 * H }),
      row({ type: 'purchase', orderId: 'o2', revenue: 10, t: T0 + 4 * H }),
    ]
    expect(computeOverview(events, jan10)).toMatchObject({ orders: 1, revenue: 40 })
  })

  it('excludes bots from every figure', () => {
    const events = [row({ isBot: true }), row({ isBot: true, type: 'purchase', orderId: 'x', revenue: 5 })]
    expect(computeOverview(events, jan10)).toMatchObject({ visitors: 0, sessions: 0, pageviews: 0, orders: 0, revenue: 0, signups: 0, bounceRate: null, aov: null })
  })

  it('counts only events in the half-open range', () => {
    const events = [row({ t: T0 - 1 }), row({ t: T0 }), row({ t: T0 + 24 * H - 1 }), row({ t: T0 + 24 * H })]
    expect(computeOverview(events, jan10).pageviews).toBe(2)
  })

  it('counts signups as distinct persons', () => {
    const events = [
      row({ anonymousId: 'a', type: 'signup', userId: 'u1' }),
      row({ anonymousId: 'b', type: 'signup', userId: 'u1' }),
      row({ anonymousId: 'c', type: 'signup', userId: 'u2' }),
    ]
    expect(computeOverview(events, jan10)).toMatchObject({ signups: 2, visitors: 2 })
  })
})
