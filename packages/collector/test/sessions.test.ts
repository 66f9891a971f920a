import { describe, expect, it } from 'vitest'
import { sessionize, SESSION_GAP_MS } from '../src/core/sessions.js'
import { row } from './fixtures/rows.js'

const T0 = Date.UTC(2026, 0, 10, 23, 40)
const MIN = 60_000
const ids = (sessions: { id: string }[][]) => sessions.map((s) => s.map((e) => e.id))

describe('sessionize (SPEC §4)', () => {
  it('splits on a gap of more than 30 minutes, not of exactly 30', () => {
    const s = sessionize([
      row({ id: 'a', t: T0 }),
      row({ id: 'b', t: T0 + SESSION_GAP_MS }),
      row({ id: 'c', t: T0 + 2 * SESSION_GAP_MS + 1 }),
    ])
    expect(ids(s)).toEqual([['a', 'b'], ['c']])
  })

  it('orders by t, ties broken by id, whatever the input order', () => {
    const s = sessionize([row({ id: 'z', t: T0 }), row({ id: 'b', t: T0 + MIN }), row({ id: 'a', t: T0 })])
    expect(ids(s)).toEqual([['a', 'z', 'b']])
  })

  it('crosses midnight', () => {
    const s = sessionize([row({ id: 'a', t: T0 }), row({ id: 'b', t: T0 + 25 * MIN })]) // 23:40 → 00:05
    expect(ids(s)).toHaveLength(1)
  })

  it('starts a new session at a pageview whose campaign differs from the session start', () => {
    const s = sessionize([
      row({ id: 'a', t: T0, utmSource: 'news', utmCampaign: 'spring' }),
      row({ id: 'b', t: T0 + MIN, type: 'cart_add', utmSource: 'ads' }), // not a pageview: no split
      row({ id: 'c', t: T0 + 2 * MIN, utmSource: 'news', utmCampaign: 'spring' }), // same campaign
      row({ id: 'd', t: T0 + 3 * MIN, utmSource: 'news', utmCampaign: 'summer' }),
      row({ id: 'e', t: T0 + 4 * MIN }), // no campaign parameters: continues
    ])
    expect(ids(s)).toEqual([['a', 'b', 'c'], ['d', 'e']])
  })

  it('starts a new session at a campaign pageview when the session began without one', () => {
    const s = sessionize([row({ id: 'a', t: T0 }), row({ id: 'b', t: T0 + MIN, gclid: 'g1' }), row({ id: 'c', t: T0 + 2 * MIN, gclid: 'g1' })])
    expect(ids(s)).toEqual([['a'], ['b', 'c']])
  })

  it('lands a late (offline) event in the session its time belongs to', () => {
    const s = sessionize([row({ id: 'a', t: T0 }), row({ id: 'c', t: T0 + 50 * MIN }), row({ id: 'late', t: T0 + 25 * MIN, receivedAt: T0 + 9e6 })])
    expect(ids(s)).toEqual([['a', 'late', 'c']])
  })
})
