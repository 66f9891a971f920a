import type { Tables } from '../schema.js'
import type { Sql } from '../sql.js'
import { personsQuery } from './query.js'

/** Every session of a site with its attributes (SPEC §4), in start order. */
export const sessionsSql = (t: Tables, site: string): Sql =>
  personsQuery(t, site, {}, {
    select: `p.person AS person, first_id, start, end, pageviews, channel, source, medium, campaign, referrer_domain, entry_page,
  exit_page, device, browser, os, country`,
    arrayJoin: `p.s_first_id AS first_id, p.s_start AS start, p.s_end AS end, p.s_pageviews AS pageviews, p.s_channel AS channel,
  p.s_source AS source, p.s_medium AS medium, p.s_campaign AS campaign, p.s_referrer_domain AS referrer_domain, p.s_entry AS entry_page,
  p.s_exit AS exit_page, p.s_device AS device, p.s_browser AS browser, p.s_os AS os, p.s_country AS country`,
    orderBy: 'start, person, first_id',
  })
