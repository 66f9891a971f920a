// The enriched EventRow (packages/collector/src/store/types.ts) of each wire event, built the
// way the collector's enrich() does (SPEC §3), for the raw DuckDB append measurement (b).
// run.mjs compares these rows with the ones the collector stored in (A), column by column.
import { AGENT } from './events.mjs'

const SITE_HOSTS = ['bench.example']
const stripWww = (h) => (h.startsWith('www.') ? h.slice(4) : h)

function referrerDomainOf(referrer) {
  if (!referrer) return null
  let host
  try {
    host = new URL(referrer).hostname.toLowerCase()
  } catch {
    return null
  }
  if (!host) return null
  const domain = stripWww(host.endsWith('.') ? host.slice(0, -1) : host)
  for (const siteHost of SITE_HOSTS) {
    const own = stripWww(siteHost)
    if (domain === own || domain.endsWith(`.${own}`)) return null
  }
  return domain
}

/** Rows of one request body, as if received at `receivedAt`. */
export function rowsOfBody(body, receivedAt) {
  const batch = JSON.parse(body.toString('utf8'))
  const rows = []
  for (const e of batch.events) {
    const url = new URL(e.url)
    const q = url.searchParams
    rows.push({
      site: batch.site,
      id: e.id,
      type: e.type,
      name: e.name ?? null,
      t: e.ts + (receivedAt - batch.sentAt),
      ts: e.ts,
      receivedAt,
      anonymousId: e.anonymousId,
      userId: e.userId ?? null,
      url: e.url,
      path: url.pathname,
      referrer: e.referrer || null,
      referrerDomain: referrerDomainOf(e.referrer),
      title: e.title ?? null,
      props: e.props && Object.keys(e.props).length > 0 ? JSON.stringify(e.props) : null,
      orderId: e.orderId ?? null,
      revenue: e.revenue ?? null,
      currency: e.currency ?? null,
      items: e.items ? JSON.stringify(e.items) : null,
      referralCode: e.referralCode ?? null,
      urlRef: q.get('ref') || null,
      score: e.score ?? null,
      experiment: e.experiment ?? null,
      variant: e.variant ?? null,
      engagedMs: e.engagedMs ?? null,
      browser: AGENT.browser,
      os: AGENT.os,
      device: AGENT.device,
      isBot: AGENT.isBot,
      country: null,
      utmSource: q.get('utm_source') || null,
      utmMedium: q.get('utm_medium') || null,
      utmCampaign: q.get('utm_campaign') || null,
      utmTerm: q.get('utm_term') || null,
      utmContent: q.get('utm_content') || null,
      utmId: q.get('utm_id') || null,
      gclid: q.get('gclid') || null,
      fbclid: q.get('fbclid') || null,
      msclkid: q.get('msclkid') || null,
    })
  }
  return rows
}
