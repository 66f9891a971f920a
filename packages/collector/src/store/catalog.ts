import type { SpendRow } from '../core/query.js'

/** A site (SPEC §6 `POST /v1/sites`). */
export interface Site {
  id: string
  name: string
  origins: string[]
  timezone: string
  currency: string
}

/**
 * Per-site write keys of the compatibility endpoints (SPEC §2.1), kept apart from the site row:
 * a key is a secret that rotates on its own, and `GET /v1/sites` is the only place it is shown.
 */
export interface WriteKeyCatalog {
  /** Every site's current write key, by site id (sites without one are absent). */
  listWriteKeys(): Promise<Map<string, string>>
  /** Sets a site's write key, replacing the previous one (rotation). */
  setWriteKey(site: string, key: string): Promise<void>
}

/**
 * A read-only API key of one site (docs/security.md): it reads that site's reports, nothing else.
 * Only a SHA-256 hash of the secret is stored; `prefix` (its first characters) lets people tell
 * keys apart in a list.
 */
export interface ApiKey {
  id: string
  site: string
  name: string
  /** Hex SHA-256 of the whole key. */
  hash: string
  prefix: string
  createdAt: number
}

/** What a store keeps besides events: sites, settings (e.g. the admin token), ad spend, write keys and API keys. */
export interface Catalog extends WriteKeyCatalog {
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

  // --- read-only API keys (http/api-keys.ts) ---
  /** Stores a new key. */
  insertApiKey(key: ApiKey): Promise<void>
  /** Keys not revoked, of one site (null: of every site), oldest first. */
  listApiKeys(site: string | null): Promise<ApiKey[]>
  /** Revokes a key of a site; false when the site has no such key (or it was revoked already). */
  revokeApiKey(site: string, id: string): Promise<boolean>
}
