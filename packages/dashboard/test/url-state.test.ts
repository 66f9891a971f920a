import { describe, expect, it } from 'vitest'
import { DEFAULT_STATE, parseState, reportParams, stateToSearch, withFilter } from '../src/url-state.js'

describe('url-state', () => {
  it('leaves every default out of the URL', () => {
    expect(stateToSearch({ ...DEFAULT_STATE })).toBe('')
    expect(parseState('')).toEqual({ ...DEFAULT_STATE })
  })

  it('round-trips a whole view: range, compare, filters, view and its choices', () => {
    const s = {
      ...DEFAULT_STATE,
      site: 'shop',
      view: 'funnel' as const,
      range: 'custom' as const,
      from: '2026-10-01',
      to: '2026-10-31',
      compare: false,
      filters: { channel: 'Paid Search', path: '/pricing', referred: 'true' },
      metric: 'revenue' as const,
      interval: 'week' as const,
      tabs: { ...DEFAULT_STATE.tabs, sources: 'campaign' as const },
      funnel: 'pageview,cart_add@/cart,custom:demo request',
      window: '14d',
      experiment: 'hero-cta',
      person: 'ann@example.com',
      depth: 3,
    }
    const search = stateToSearch(s)
    expect(search).toContain('f.channel=Paid+Search')
    expect(search).toContain('compare=0')
    expect(parseState(search)).toEqual(s)
  })

  it('falls back to the default for unknown or malformed values, never throws', () => {
    const s = parseState('?view=nope&range=custom&from=2026-02-30&to=x&metric=evil&interval=year&f.path=nopath&f.referred=maybe&depth=99&window=7weeks&tab.pages=channel')
    expect(s.view).toBe('overview')
    expect(s.range).toBe('30d') // custom without two real dates
    expect(s.from).toBeNull()
    expect(s.metric).toBe('visitors')
    expect(s.interval).toBeNull()
    expect(s.filters).toEqual({})
    expect(s.depth).toBe(4)
    expect(s.window).toBe('7d')
    expect(s.tabs.pages).toBe('page')
  })

  it('adds and removes filters without touching the rest', () => {
    const a = withFilter({ ...DEFAULT_STATE }, 'channel', 'Email')
    expect(a.filters).toEqual({ channel: 'Email' })
    expect(withFilter(a, 'channel', null).filters).toEqual({})
    expect(reportParams(a, { from: '2026-11-01', to: '2026-11-23' })).toEqual({ from: '2026-11-01', to: '2026-11-23', channel: 'Email' })
  })
})
