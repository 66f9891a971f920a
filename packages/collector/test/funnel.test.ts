import { describe, expect, it } from 'vitest'
import { AIDA, computeFunnel, median, type FunnelStep } from '../src/core/funnel.js'
import { derive } from '../src/core/derive.js'
import { parseSteps, parseWindow } from '../src/reports/funnel-route.js'
import { row } from './fixtures/rows.js'

const T0 = Date.UTC(2026, 0, 10)
const H = 3_600_000
const range = { fromMs: T0, toMs: T0 + 24 * H }
const steps = (...types: string[]): FunnelStep[] => types.map((t) => ({ step: t, type: t, name: null, path: null }))

describe('computeFunnel (SPEC §5, greedy)', () => {
  it('follows each person from their first step-1 event in range, step by step', () => {
    const events = [
      row({ anonymousId: 'a', t: T0 - H, type: 'pageview' }), // before the range: not the start
      row({ anonymousId: 'a', t: T0 + H, type: 'pageview' }),
      row({ anonymousId: 'a', t: T0 + 2 * H, type: 'cart_add' }),
      row({ anonymousId: 'a', t: T0 + 30 * H, type: 'purchase', orderId: 'o' }), // after `to`: still counts
      row({ anonymousId: 'b', t: T0 + H, type: 'cart_add' }), // cart before any pageview
      row({ anonymousId: 'b', t: T0 + 3 * H, type: 'pageview' }),
      row({ anonymousId: 'c', t: T0 + 5 * H, type: 'pageview' }),
      row({ anonymousId: 'c', t: T0 + 9 * H, type: 'cart_add' }),
    ]
    expect(computeFunnel(derive(events), range, steps('pageview', 'cart_add', 'purchase'), 7 * 24 * H)).toEqual([
      { step: 'pageview', persons: 3, conversionFromStart: 1, conversionFromPrevious: 1, medianMsFromPrevious: null },
      { step: 'cart_add', persons: 2, conversionFromStart: 2 / 3, conversionFromPrevious: 2 / 3, medianMsFromPrevious: 2.5 * H },
      { step: 'purchase', persons: 1, conversionFromStart: 1 / 3, conversionFromPrevious: 0.5, medianMsFromPrevious: 28 * H },
    ])
  })

  it('measures the window from step 1, inclusive', () => {
    const events = [
      row({ anonymousId: 'a', t: T0 + H, type: 'pageview' }),
      row({ anonymousId: 'a', t: T0 + 3 * H, type: 'cart_add' }),
      row({ anonymousId: 'b', t: T0 + H, type: 'pageview' }),
      row({ anonymousId: 'b', t: T0 + 3 * H + 1, type: 'cart_add' }),
    ]
    expect(computeFunnel(derive(events), range, steps('pageview', 'cart_add'), 2 * H)[1]!.persons).toBe(1)
  })

  it('needs a further event for a repeated step and breaks ties in t by id', () => {
    const events = [
      row({ id: 'evt-b', anonymousId: 'a', t: T0 + H, type: 'pageview' }),
      row({ id: 'evt-a', anonymousId: 'a', t: T0 + H, type: 'pageview' }),
      row({ anonymousId: 'b', t: T0 + H, type: 'pageview' }),
    ]
    const aida = computeFunnel(derive(events), range, AIDA, 7 * 24 * H)
    expect(aida.map((s) => [s.step, s.persons])).toEqual([['Awareness', 2], ['Interest', 1], ['Desire', 0], ['Action', 0]])
    expect(aida[2]).toMatchObject({ conversionFromPrevious: 0, medianMsFromPrevious: null })
    expect(aida[3]).toMatchObject({ conversionFromPrevious: null })
  })

  it('matches custom names and path filters', () => {
    const events = [
      row({ anonymousId: 'a', t: T0 + H, type: 'pageview', path: '/pricing' }),
      row({ anonymousId: 'a', t: T0 + 2 * H, type: 'custom', name: 'demo_request' }),
      row({ anonymousId: 'b', t: T0 + H, type: 'pageview', path: '/' }),
      row({ anonymousId: 'b', t: T0 + 2 * H, type: 'custom', name: 'demo_request' }),
    ]
    const rows = computeFunnel(derive(events), range, parseSteps('pageview@/pricing,custom:demo_request'), 7 * 24 * H)
    expect(rows.map((r) => r.persons)).toEqual([1, 1])
  })

  it('reports nulls, not NaN, for an empty funnel', () => {
    expect(computeFunnel(derive([]), range, steps('pageview', 'purchase'), H)[0]).toEqual({
      step: 'pageview',
      persons: 0,
      conversionFromStart: null,
      conversionFromPrevious: null,
      medianMsFromPrevious: null,
    })
  })
})

describe('median / parseSteps / parseWindow', () => {
  it('takes the mean of the two middle values for an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([5])).toBe(5)
    expect(median([])).toBeNull()
  })

  it.each([['pageview'], ['pageview,sale'], ['custom,purchase'], ['pageview@pricing,purchase']])('rejects steps %j', (s) => {
    expect(() => parseSteps(s)).toThrow(/steps/)
  })

  it('parses windows and rejects bad ones', () => {
    expect(parseWindow('7d')).toBe(7 * 86_400_000)
    expect(parseWindow('30m')).toBe(1_800_000)
    for (const w of ['0d', '7', '91d', 'week']) expect(() => parseWindow(w)).toThrow(/window/)
  })
})
