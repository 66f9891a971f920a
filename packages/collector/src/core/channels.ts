/** The channel of a session (SPEC §4), in rule order. */
export const CHANNELS = [
  'Paid Search',
  'Paid Social',
  'Display',
  'Email',
  'Affiliates',
  'Referral Program',
  'Organic Search',
  'Organic Social',
  'Referral',
  'Direct',
  'Unassigned',
] as const

export type Channel = (typeof CHANNELS)[number]

export const SEARCH_ENGINES = ['google', 'bing', 'yahoo', 'duckduckgo', 'yandex', 'baidu', 'ecosia', 'brave', 'qwant', 'naver'] as const
export const SOCIAL_NETWORKS = [
  'facebook',
  'instagram',
  't.co',
  'twitter',
  'x.com',
  'linkedin',
  'pinterest',
  'reddit',
  'tiktok',
  'youtube',
  'vk',
  'threads',
  'snapchat',
  'quora',
] as const

/** What the channel rules read from a session's first event. */
export interface ChannelInput {
  utmSource: string | null
  utmMedium: string | null
  utmCampaign: string | null
  utmTerm: string | null
  utmContent: string | null
  utmId: string | null
  gclid: string | null
  fbclid: string | null
  msclkid: string | null
  /** Referrer domain after SPEC §3 (null: none or same-site). */
  referrerDomain: string | null
  /** The landing URL's `?ref=` code. */
  urlRef: string | null
}

/**
 * Does a domain or source name belong to one of these? Names match whole domain labels
 * (`www.google.co.uk` is google, `googleusercontent.example` is not); a dotted name (`t.co`,
 * `x.com`) matches the domain or its subdomains.
 */
export function matchesNetwork(value: string | null, names: readonly string[]): boolean {
  if (!value) return false
  const v = value.toLowerCase()
  const labels = v.split(/[.\s]+/)
  return names.some((n) => (n.includes('.') ? v === n || v.endsWith(`.${n}`) : labels.includes(n)))
}

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/
const DISPLAY = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm'])
const EMAIL = /email|e-mail|e_mail|e mail|newsletter/
const SOCIAL_MEDIUM = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media'])

/** The nine campaign parameters of SPEC §3, as event fields. */
export const CAMPAIGN_FIELDS = ['utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'utmId', 'gclid', 'fbclid', 'msclkid'] as const

/** Does the event carry at least one campaign parameter? */
export const hasCampaign = (e: ChannelInput) => CAMPAIGN_FIELDS.some((f) => e[f])

/** Classifies a session from its first event: the first matching rule of SPEC §4 wins. */
export function classifyChannel(e: ChannelInput): Channel {
  const source = (e.utmSource ?? e.referrerDomain)?.toLowerCase() ?? null
  const medium = e.utmMedium?.toLowerCase() ?? null
  const paid = medium !== null && PAID_MEDIUM.test(medium)
  const searchSource = matchesNetwork(source, SEARCH_ENGINES)
  const socialSource = matchesNetwork(source, SOCIAL_NETWORKS)
  if (e.gclid || e.msclkid || (paid && searchSource)) return 'Paid Search'
  if (paid && (socialSource || e.fbclid)) return 'Paid Social'
  if (medium !== null && DISPLAY.has(medium)) return 'Display'
  if ((source !== null && EMAIL.test(source)) || (medium !== null && EMAIL.test(medium))) return 'Email'
  if (medium === 'affiliate') return 'Affiliates'
  if (e.urlRef) return 'Referral Program'
  const searchRef = matchesNetwork(e.utmSource, SEARCH_ENGINES) || matchesNetwork(e.referrerDomain, SEARCH_ENGINES)
  if (medium === 'organic' || searchRef) return 'Organic Search'
  const socialRef = matchesNetwork(e.utmSource, SOCIAL_NETWORKS) || matchesNetwork(e.referrerDomain, SOCIAL_NETWORKS)
  if ((medium !== null && SOCIAL_MEDIUM.has(medium)) || socialRef) return 'Organic Social'
  if (medium === 'referral' || e.referrerDomain) return 'Referral'
  if (!e.referrerDomain && !hasCampaign(e)) return 'Direct'
  return 'Unassigned'
}
