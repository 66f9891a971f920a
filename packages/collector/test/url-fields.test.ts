import { describe, expect, it } from 'vitest'
import { campaignOf, referralParamOf, referrerDomainOf } from '../src/ingest/url-fields.js'

const site = ['shop.example']

describe('referrerDomainOf', () => {
  it.each([
    ['https://www.google.co.uk/x', 'google.co.uk'],
    ['https://l.facebook.com/l.php', 'l.facebook.com'],
    ['https://WWW.Bing.COM/search', 'bing.com'],
    ['https://www.www.example.org/', 'www.example.org'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
  ])('%s → %s', (referrer, domain) => {
    expect(referrerDomainOf(referrer, site)).toBe(domain)
  })

  it.each(['', 'not a url', 'https://shop.example/cart', 'https://www.shop.example/', 'https://blog.shop.example/p'])(
    'treats %j as no referrer (empty, invalid or same-site)',
    (referrer) => {
      expect(referrerDomainOf(referrer, site)).toBeNull()
    },
  )

  it('does not take a look-alike domain for the site', () => {
    expect(referrerDomainOf('https://evilshop.example/', site)).toBe('evilshop.example')
  })
})

describe('campaignOf / referralParamOf', () => {
  it('reads the nine campaign parameters case-sensitively, empty values absent', () => {
    const c = campaignOf(new URL('https://s.example/?utm_source=g&UTM_MEDIUM=cpc&utm_campaign=&gclid=abc&fbclid=f&msclkid=m&utm_id=7'))
    expect(c).toEqual({
      utm_source: 'g',
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      utm_id: '7',
      gclid: 'abc',
      fbclid: 'f',
      msclkid: 'm',
    })
    expect(referralParamOf(new URL('https://s.example/?ref=ANNA-7'))).toBe('ANNA-7')
    expect(referralParamOf(new URL('https://s.example/?ref='))).toBeNull()
  })
})
