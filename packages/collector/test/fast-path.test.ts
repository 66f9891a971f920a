import { describe, expect, it } from 'vitest'
import { compareText, plan, type NewEvent, type PersonState } from '../src/store/duckdb/derive/fast-path.js'
import { numberEvents, sessionFigures } from '../src/store/duckdb/derive/session-numbering.js'

const MIN = 60_000
const ev = (over: Partial<NewEvent>): NewEvent => ({
  site: 's', id: 'e', type: 'pageview', name: null, t: 0, path: '/', order_id: null, revenue: null, engaged_ms: null, referral_code: null,
  score: null, experiment: null, variant: null, anonymous_id: 'a', user_id: null, referrer_domain: null, url_ref: null, device: 'desktop',
  browser: null, os: null, country: null, utm_source: null, utm_medium: null, utm_campaign: null, utm_term: null, utm_content: null,
  utm_id: null, gclid: null, fbclid: null, msclkid: null, ckey: '', cpv: false, ...over,
})
const state = (over: Partial<PersonState> = {}): PersonState => ({ pno: 1, solo: true, lastSid: 10, lastT: 0, lastId: 'e0', lastSeq: 3, ckeyEnd: '', ...over })

describe('the refresh fast path', () => {
  it('orders text as DuckDB does (UTF-8 bytes), not as UTF-16 code units', () => {
    // U+FF5E is above every surrogate in UTF-16 but below U+1F600 in code points (and UTF-8 bytes)
    expect(compareText('\uff5e', '\u{1f600}')).toBeLessThan(0)
    expect('\uff5e' < '\u{1f600}').toBe(false)
    expect(compareText('a', 'b')).toBeLessThan(0)
    expect(compareText('b', 'b')).toBe(0)
  })

  it('continues the last session within 30 minutes, starts one after a gap or a campaign landing with other parameters', () => {
    const p = { site: 's', person: 'a', state: state({ lastT: 0, ckeyEnd: 'google' }), renamedFrom: null, soloNew: true, events: [
      ev({ id: 'e1', t: 10 * MIN }),
      ev({ id: 'e2', t: 12 * MIN, cpv: true, ckey: 'google' }), // same parameters as the session's: continues
      ev({ id: 'e3', t: 13 * MIN, cpv: true, ckey: 'news' }), // other parameters: a new session
      ev({ id: 'e4', t: 14 * MIN, cpv: true, ckey: 'news' }),
      ev({ id: 'e5', t: 50 * MIN }), // 36 minutes later
    ] }
    expect(numberEvents(p).map((r) => [r.sessionNo, r.seq, r.starts])).toEqual([[0, 4, false], [0, 5, false], [1, 6, true], [1, 7, false], [2, 8, true]])
    // a new person's first event starts session 1 at position 1
    expect(numberEvents({ ...p, state: null, events: [ev({ t: 5 })] }).map((r) => [r.sessionNo, r.seq])).toEqual([[1, 1]])
  })

  it('sends late events and moved links to the slow path, renames a first signup of a solo browser', () => {
    const persons = new Map([['s\u0000a', state({ lastT: 100, lastId: 'x' })], ['s\u0000b', state({ pno: 2, lastT: 100, lastId: 'x' })]])
    const late = plan([ev({ anonymous_id: 'a', id: 'w', t: 100 })], new Map(), persons) // (100, 'w') is before (100, 'x')
    expect(late.slow).toEqual([{ site: 's', person: 'a' }])
    const signup = plan([ev({ anonymous_id: 'b', id: 'y', t: 200, type: 'signup', user_id: 'u1' })], new Map(), persons)
    expect(signup.slow).toEqual([])
    expect(signup.fast.map((f) => [f.person, f.renamedFrom, f.state?.pno])).toEqual([['u1', 'b', 2]])
    // the browser identifies as a user who has events already: both persons are derived again
    const merge = plan([ev({ anonymous_id: 'b', id: 'y', t: 200, type: 'identify', user_id: 'a' })], new Map(), persons)
    expect(merge.slow.map((d) => d.person).sort()).toEqual(['a', 'b'])
    expect(merge.moved).toEqual([{ site: 's', anonymousId: 'b', oldUser: null, newUser: 'a', t: 200, id: 'y' }])
  })

  it('sums a session\'s figures as the whole derivation does', () => {
    const rows = numberEvents({ site: 's', person: 'a', state: null, renamedFrom: null, soloNew: true, events: [
      ev({ id: '1', t: 1, path: '/a' }), ev({ id: '2', t: 2, type: 'engagement', engaged_ms: 500 }), ev({ id: '3', t: 3, path: '/b' }),
      ev({ id: '4', t: 4, type: 'engagement', engaged_ms: 700 }), ev({ id: '5', t: 5, type: 'custom', name: 'video' }),
      ev({ id: '6', t: 6, type: 'custom', name: null }), ev({ id: '7', t: 7, type: 'cart_add' }), ev({ id: '8', t: 8, type: 'cart_add' }),
    ] })
    const f = sessionFigures(rows, 1)
    expect(f).toMatchObject({ endT: 8, pageviews: 2, exitPage: '/b', others: 4, lastPv: 3, firstCart: 7, pages: ['/a'], engaged: 1200, tail: 700, lastId: '8', lastSeq: 8, cpvKey: null })
    expect(f.goals.sort()).toEqual(['cart_add', 'custom:video', 'engagement', 'pageview'])
  })
})
