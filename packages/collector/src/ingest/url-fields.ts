import { CAMPAIGN_PARAMS, REFERRAL_PARAM, type CampaignParam } from '@trackway/protocol'

export type Campaign = Record<CampaignParam, string | null>

/** Campaign parameters of a URL (SPEC §3): names are case-sensitive, an empty value is absent. */
export function campaignOf(url: URL): Campaign {
  const c = {} as Campaign
  for (const p of CAMPAIGN_PARAMS) c[p] = url.searchParams.get(p) || null
  return c
}

/** The `?ref=` referral code of a URL, if any. */
export function referralParamOf(url: URL): string | null {
  return url.searchParams.get(REFERRAL_PARAM) || null
}

const stripWww = (host: string) => (host.startsWith('www.') ? host.slice(4) : host)

/**
 * `referrerDomain` (SPEC §3): the referrer's hostname, lower-cased, one leading `www.` removed.
 * A referrer on a host of the site's origins, or a subdomain of one, is same-site: null.
 * (Both sides are compared without their `www.`, so www.shop.example and shop.example are one site.)
 */
export function referrerDomainOf(referrer: string | undefined, siteHosts: readonly string[]): string | null {
  if (!referrer) return null
  let host: string
  try {
    host = new URL(referrer).hostname.toLowerCase()
  } catch {
    return null
  }
  if (!host) return null
  const domain = stripWww(host.endsWith('.') ? host.slice(0, -1) : host)
  for (const siteHost of siteHosts) {
    const own = stripWww(siteHost)
    if (domain === own || domain.endsWith(`.${own}`)) return null
  }
  return domain
}

/** Hostnames of a site's origins (`*` has none). */
export function hostsOf(origins: readonly string[]): string[] {
  return origins.filter((o) => o !== '*').map((o) => new URL(o).hostname.toLowerCase())
}
