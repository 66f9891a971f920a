import { describe, expect, it } from 'vitest'
import { classifyChannel, matchesNetwork, SEARCH_ENGINES, SOCIAL_NETWORKS, type ChannelInput } from '../src/core/channels.js'

const none: ChannelInput = {
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmTerm: null,
  utmContent: null,
  utmId: null,
  gclid: null,
  fbclid: null,
  msclkid: null,
  referrerDomain: null,
  urlRef: null,
}
const ch = (e: Partial<ChannelInput>) => classifyChannel({ ...none, ...e })

describe('classifyChannel (SPEC §4, first match wins)', () => {
  it.each<[string, Partial<ChannelInput>, string]>([
    ['gclid', { gclid: 'x' }, 'Paid Search'],
    ['msclkid beats everything after it', { msclkid: 'x', utmMedium: 'email' }, 'Paid Search'],
    ['cpc from a search engine', { utmSource: 'google', utmMedium: 'cpc' }, 'Paid Search'],
    ['paid medium, search referrer, no utm_source', { utmMedium: 'paidsearch', referrerDomain: 'bing.com' }, 'Paid Search'],
    ['ppc is paid, case-insensitively', { utmSource: 'Bing', utmMedium: 'PPC' }, 'Paid Search'],
    ['paid medium from a social network', { utmSource: 'facebook', utmMedium: 'paid_social' }, 'Paid Social'],
    ['paid medium with fbclid', { utmSource: 'partner', utmMedium: 'cpc', fbclid: 'f' }, 'Paid Social'],
    ['retargeting on instagram', { utmSource: 'instagram.com', utmMedium: 'retargeting' }, 'Paid Social'],
    ['display', { utmSource: 'dv360', utmMedium: 'display' }, 'Display'],
    ['cpm is display (not paid search: the source is no search engine)', { utmSource: 'adnet', utmMedium: 'cpm' }, 'Display'],
    ['email medium', { utmSource: 'crm', utmMedium: 'email' }, 'Email'],
    ['newsletter source', { utmSource: 'weekly-newsletter' }, 'Email'],
    ['e-mail spelled with a hyphen', { utmMedium: 'E-Mail' }, 'Email'],
    ['affiliate', { utmSource: 'partner', utmMedium: 'affiliate' }, 'Affiliates'],
    ['a referral code on the landing URL', { urlRef: 'ANNA-7', referrerDomain: 'google.com' }, 'Referral Program'],
    ['organic medium', { utmSource: 'x', utmMedium: 'organic' }, 'Organic Search'],
    ['search referrer with a country TLD', { referrerDomain: 'google.co.uk' }, 'Organic Search'],
    ['search engine as utm_source', { utmSource: 'duckduckgo' }, 'Organic Search'],
    ['social medium', { utmSource: 'x', utmMedium: 'social-media' }, 'Organic Social'],
    ['social referrer subdomain', { referrerDomain: 'l.facebook.com' }, 'Organic Social'],
    ['t.co', { referrerDomain: 't.co' }, 'Organic Social'],
    ['referral medium', { utmSource: 'blog', utmMedium: 'referral' }, 'Referral'],
    ['another external referrer', { referrerDomain: 'news.example.org' }, 'Referral'],
    ['nothing at all', {}, 'Direct'],
    ['an unmatched medium', { utmMedium: 'print' }, 'Unassigned'],
    ['a campaign id alone', { utmId: '42' }, 'Unassigned'],
  ])('%s → %s', (_name, input, channel) => {
    expect(ch(input)).toBe(channel)
  })
})

describe('matchesNetwork', () => {
  it('matches whole labels, not substrings', () => {
    expect(matchesNetwork('www.google.co.uk', SEARCH_ENGINES)).toBe(true)
    expect(matchesNetwork('googleusercontent.example', SEARCH_ENGINES)).toBe(false)
    expect(matchesNetwork('notbing.com', SEARCH_ENGINES)).toBe(false)
  })

  it('matches dotted names as a domain or its subdomains', () => {
    expect(matchesNetwork('x.com', SOCIAL_NETWORKS)).toBe(true)
    expect(matchesNetwork('mobile.x.com', SOCIAL_NETWORKS)).toBe(true)
    expect(matchesNetwork('box.com', SOCIAL_NETWORKS)).toBe(false)
    expect(matchesNetwork('t.company.com', SOCIAL_NETWORKS)).toBe(false)
  })
})
