import { randomBytes } from 'node:crypto'
import { normalizeOrigin, type SiteSeed } from '../config.js'
import type { Catalog, Site } from '../store/catalog.js'
import { hostsOf } from '../ingest/url-fields.js'

export interface SiteEntry extends Site {
  /** Hostnames of its origins, for the same-site referrer rule. */
  hosts: string[]
  /** The secret of the compatibility endpoints (SPEC §2.1). */
  writeKey: string
}

/** A new write key: 192 random bits, prefixed so a leaked one is recognisable in logs and scanners. */
export const newWriteKey = () => `wk_${randomBytes(24).toString('base64url')}`

/**
 * Sites, cached in memory (ingest looks one up per request) and persisted in the store.
 * `--site` seeds create a site with defaults or replace the origins of an existing one.
 */
export class SiteRegistry {
  private readonly sites = new Map<string, SiteEntry>()
  private writeKeys = new Map<string, string>()
  /** site id by write key */
  private readonly byKey = new Map<string, string>()

  constructor(private readonly store: Catalog) {}

  async load(seeds: readonly SiteSeed[]): Promise<void> {
    this.writeKeys = await this.store.listWriteKeys()
    const stored = await this.store.listSites()
    // Sites created before write keys existed get one now. Read back what the store holds: a second
    // collector starting at the same moment may have given them another, and the store's (the latest) wins.
    const keyless = stored.filter((s) => !this.writeKeys.has(s.id))
    for (const s of keyless) await this.store.setWriteKey(s.id, newWriteKey())
    if (keyless.length > 0) this.writeKeys = await this.store.listWriteKeys()
    for (const s of stored) await this.cache(s)
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

  // --- write keys (SPEC §2.1) ---

  /** The site whose write key this is, if any. */
  byWriteKey(key: string): SiteEntry | undefined {
    const id = this.byKey.get(key)
    return id === undefined ? undefined : this.sites.get(id)
  }

  /** Replaces a site's write key with a new one; the old key stops working at once (on this collector). */
  async rotateWriteKey(id: string): Promise<SiteEntry | undefined> {
    const site = this.sites.get(id)
    if (!site) return undefined
    const key = newWriteKey()
    await this.store.setWriteKey(id, key)
    this.byKey.delete(site.writeKey)
    this.writeKeys.set(id, key)
    this.byKey.set(key, id)
    const entry = { ...site, writeKey: key }
    this.sites.set(id, entry)
    return entry
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

  /** Caches a site with its write key; a site without one (new, or created before write keys existed) gets one now. */
  private async cache(site: Site): Promise<SiteEntry> {
    let writeKey = this.writeKeys.get(site.id)
    if (writeKey === undefined) {
      writeKey = newWriteKey()
      await this.store.setWriteKey(site.id, writeKey)
      this.writeKeys.set(site.id, writeKey)
    }
    this.byKey.set(writeKey, site.id)
    const entry = { ...site, hosts: hostsOf(site.origins), writeKey }
    this.sites.set(site.id, entry)
    return entry
  }
}
