import { COOKIELESS_ID, type WireEvent } from '@trackway/protocol'
import type { EventRow } from '../store/event-log.js'
import type { Agent } from './user-agent.js'
import { campaignOf, referralParamOf, referrerDomainOf } from './url-fields.js'

/** What one request tells about all of its events. */
export interface RequestFacts {
  site: string
  siteHosts: readonly string[]
  receivedAt: number
  agent: Agent
  country: string | null
  /** Computes the cookieless visitor id for this request's IP and User-Agent. */
  cookielessId: () => string
}

/** The stored row of a valid event: the wire fields plus SPEC §3's enrichment. */
export function enrich(event: WireEvent, t: number, url: URL, facts: RequestFacts): EventRow {
  const campaign = campaignOf(url)
  const anonymousId = event.anonymousId === COOKIELESS_ID ? facts.cookielessId() : event.anonymousId
  return {
    site: facts.site,
    id: event.id,
    type: event.type,
    name: event.name ?? null,
    t,
    ts: event.ts,
    receivedAt: facts.receivedAt,
    anonymousId,
    userId: event.userId ?? null,
    url: event.url,
    path: url.pathname,
    referrer: event.referrer || null,
    referrerDomain: referrerDomainOf(event.referrer, facts.siteHosts),
    title: event.title ?? null,
    props: event.props && Object.keys(event.props).length > 0 ? JSON.stringify(event.props) : null,
    orderId: event.orderId ?? null,
    revenue: event.revenue ?? null,
    currency: event.currency ?? null,
    items: event.items ? JSON.stringify(event.items) : null,
    referralCode: event.referralCode ?? null,
    urlRef: referralParamOf(url),
    score: event.score ?? null,
    experiment: event.experiment ?? null,
    variant: event.variant ?? null,
    engagedMs: event.engagedMs ?? null,
    browser: facts.agent.browser,
    os: facts.agent.os,
    device: facts.agent.device,
    isBot: facts.agent.isBot,
    country: facts.country,
    utmSource: campaign.utm_source,
    utmMedium: campaign.utm_medium,
    utmCampaign: campaign.utm_campaign,
    utmTerm: campaign.utm_term,
    utmContent: campaign.utm_content,
    utmId: campaign.utm_id,
    gclid: campaign.gclid,
    fbclid: campaign.fbclid,
    msclkid: campaign.msclkid,
  }
}

/** A two-letter country code from the operator's trusted header; anything else (XX, T1) is null. */
export function countryOf(value: string | string[] | undefined): string | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim().toUpperCase()
  return v && /^[A-Z]{2}$/.test(v) && v !== 'XX' ? v : null
}
