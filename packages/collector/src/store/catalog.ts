import type { SpendRow } from '../core/query.js'

/** A site (SPEC §6 `POST /v1/sites`). */
export interface Site {
  id: string
  name: string
  origins: string[]
  timezone: string
  currency: string
}

/** What a store keeps besides events: sites, settings (e.g. the admin token) and ad spend. */
export interface Catalog {
  listSites(): Promise<Site[]>
  upsertSite(site: Site): Promise<void>
  getSetting(key: string): Promise<string | null>
  setSetting(key: string, value: string): Promise<void>
  /** Stores ad spend rows (SPEC §6) at once: a row replaces the stored one with the same date, channel, source and campaign. */
  upsertSpend(site: string, rows: readonly SpendRow[]): Promise<void>
  /** Every spend row of a site as stored (the latest upload of each date, channel, source and campaign), by date, channel, source, campaign; absent names (null) first. */
  listSpend(site: string): Promise<SpendRow[]>
  /** Spend per channel over the site-local dates [fromDate, toDate]; rows without a channel are left out (SPEC §5 Acquisition). */
  spendByChannel(site: string, fromDate: string, toDate: string): Promise<Map<string, number>>
}
