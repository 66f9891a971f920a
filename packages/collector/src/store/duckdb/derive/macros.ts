import { SEARCH_ENGINES, SOCIAL_NETWORKS } from '../../../core/channels.js'

const list = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`
const labels = (xs: readonly string[]) => xs.filter((x) => !x.includes('.'))
const dotted = (xs: readonly string[]) => xs.filter((x) => x.includes('.'))

/** `x` names one of these networks: a whole label matches, a dotted name matches the domain or its subdomains. */
const network = (name: string, xs: readonly string[]) =>
  `CREATE OR REPLACE MACRO ${name}(x) AS x IS NOT NULL AND (
     list_has_any(string_split_regex(lower(x), '[.\\s]+'), ${list(labels(xs))})
     OR list_has_any([lower(x)], ${list(dotted(xs))})
     OR list_bool_or(list_transform(${list(dotted(xs))}, n -> ends_with(lower(x), '.' || n))))`

/**
 * SQL macros of SPEC §4's channel rules; core/channels.ts is the reference and
 * the store contract suite (test/contract) requires both to agree.
 */
export const MACROS = [
  network('tw_search', SEARCH_ENGINES),
  network('tw_social', SOCIAL_NETWORKS),
  `CREATE OR REPLACE MACRO tw_paid(medium) AS regexp_full_match(lower(medium), '(.*cp.*|ppc|retargeting|paid.*)')`,
  `CREATE OR REPLACE MACRO tw_emailish(x) AS regexp_matches(lower(x), 'email|e-mail|e_mail|e mail|newsletter')`,
  `CREATE OR REPLACE MACRO tw_channel(utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id, gclid, fbclid, msclkid, referrer_domain, url_ref) AS
     CASE
       WHEN gclid IS NOT NULL OR msclkid IS NOT NULL
         OR (tw_paid(utm_medium) AND tw_search(coalesce(utm_source, referrer_domain))) THEN 'Paid Search'
       WHEN tw_paid(utm_medium) AND (tw_social(coalesce(utm_source, referrer_domain)) OR fbclid IS NOT NULL) THEN 'Paid Social'
       WHEN lower(utm_medium) IN ('display', 'banner', 'expandable', 'interstitial', 'cpm') THEN 'Display'
       WHEN tw_emailish(coalesce(utm_source, referrer_domain)) OR tw_emailish(utm_medium) THEN 'Email'
       WHEN lower(utm_medium) = 'affiliate' THEN 'Affiliates'
       WHEN url_ref IS NOT NULL THEN 'Referral Program'
       WHEN lower(utm_medium) = 'organic' OR tw_search(utm_source) OR tw_search(referrer_domain) THEN 'Organic Search'
       WHEN lower(utm_medium) IN ('social', 'social-network', 'social-media', 'sm', 'social network', 'social media')
         OR tw_social(utm_source) OR tw_social(referrer_domain) THEN 'Organic Social'
       WHEN lower(utm_medium) = 'referral' OR referrer_domain IS NOT NULL THEN 'Referral'
       WHEN coalesce(utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id, gclid, fbclid, msclkid) IS NULL THEN 'Direct'
       ELSE 'Unassigned' END`,
]
