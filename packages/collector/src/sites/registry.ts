import { normalizeOrigin, type SiteSeed } from '../config.js'
import type { Catalog, Site } from '../store/catalog.js'
import { hostsOf } from '../ingest/url-fields.js'

export interface SiteEntry extends Site {
  /** Hostnames of its origins, for the same-site referrer rule. */
  hosts: string[]
}

/**
 * Sites, cached in memory (ingest looks one up per request) and persisted in the store.
 * `--site` seeds create a site with defaults or replace the origins of an existing one.
 */
export class SiteRegistry {
  private readonly sites = new Map<string, SiteEntry>()

  constructor(private readonly store: Catalog) {}

  async load(seeds: readonly SiteSeed[]): Promise<void> {
    for (const s of await this.store.listSites()) this.cache(s)
    for (const seed of seeds) {
      const existing = this.sites.get(seed.id)
      await this.upsert({
        id: seed.id,
        name: existing?.name ?? seed.id,
        origins: seed.origins,
        timezone: existing?.timezone ?? 'UTC',
        currency: existing?.currency ?? 'USD',
      })
    }
  }

  get(id: string): SiteEntry | undefined {
    return this.sites.get(id)
  }

  list(): SiteEntry[] {
    return [...this.sites.values()]
  }

  async upsert(site: Site): Promise<SiteEntry> {
    const clean: Site = { ...site, origins: site.origins.map((o) => normalizeOrigin(o)) }
    await this.store.upsertSite(clean)
    return this.cache(clean)
  }

  /** Is a browser Origin allowed to send this site's events? A request without one is a server: allowed. */
  allows(site: SiteEntry, origin: string | undefined): boolean {
    if (origin === undefined) return true
    if (site.origins.includes('*')) return true
    let normalized: string
    try {
      normalized = new URL(origin).origin
    } catch {
      return false
    }
    return site.origins.includes(normalized)
  }

  private cache(site: Site): SiteEntry {
    const entry = { ...site, hosts: hostsOf(site.origins) }
    this.sites.set(site.id, entry)
    return entry
  }
}
