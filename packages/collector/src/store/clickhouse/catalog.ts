import type { SpendRow } from '../../core/query.js'
import type { ApiKey, Catalog, Site } from '../catalog.js'
import type { ClickHouseConnection, Settings } from './connection.js'
import type { Tables } from './schema.js'
import { sql } from './sql.js'

let last = 0
/**
 * Versions of catalog rows: the latest write of a key wins (ReplacingMergeTree, argMax on read).
 * Microseconds of the wall clock, strictly increasing within this process.
 */
export const nextVersion = () => (last = Math.max(last + 1, Date.now() * 1000))

/** Sites, settings and spend in ClickHouse: every write a new version, every read the latest. */
export class ClickHouseCatalog implements Catalog {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly t: Tables,
    private readonly writeSettings: Settings,
  ) {}

  async listSites(): Promise<Site[]> {
    const rows = await this.conn.query<Site>(
      sql`SELECT id, argMax(name, version) AS name, argMax(origins, version) AS origins, argMax(timezone, version) AS timezone,
            argMax(currency, version) AS currency
          FROM ${this.t.name('sites')} GROUP BY id ORDER BY id`,
    )
    return rows.map((r) => ({ id: r.id, name: r.name, origins: [...r.origins], timezone: r.timezone, currency: r.currency }))
  }

  async upsertSite(site: Site): Promise<void> {
    await this.conn.insert(this.t.name('sites').text, [{ ...site, version: nextVersion() }], this.writeSettings)
  }

  async getSetting(key: string): Promise<string | null> {
    const [r] = await this.conn.query<{ value: string }>(
      sql`SELECT argMax(value, version) AS value FROM ${this.t.name('settings')} WHERE key = ${key} GROUP BY key`,
    )
    return r?.value ?? null
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.conn.insert(this.t.name('settings').text, [{ key, value, version: nextVersion() }], this.writeSettings)
  }

  /** One insert: all rows or none. A row replaces the one with the same date and names (the latest version wins on read). */
  async upsertSpend(site: string, rows: readonly SpendRow[]): Promise<void> {
    const version = nextVersion()
    await this.conn.insert(
      this.t.name('spend').text,
      rows.map((r) => ({ site, date: r.date, channel: r.channel ?? '', source: r.source ?? '', campaign: r.campaign ?? '', amount: r.amount, version })),
      this.writeSettings,
    )
  }

  async listSpend(site: string): Promise<SpendRow[]> {
    const rows = await this.conn.query<{ date: string; channel: string; source: string; campaign: string; amount: number }>(
      sql`SELECT date, channel, source, campaign, argMax(amount, version) AS amount FROM ${this.t.name('spend')}
          WHERE site = ${site} GROUP BY date, channel, source, campaign ORDER BY date, channel, source, campaign`,
    )
    // an absent name is stored as '' (18.16 keys cannot be Nullable): null again, as it was given
    return rows.map((r) => ({ date: r.date, channel: r.channel || null, source: r.source || null, campaign: r.campaign || null, amount: Number(r.amount) }))
  }

  async spendByChannel(site: string, fromDate: string, toDate: string): Promise<Map<string, number>> {
    const rows = await this.conn.query<{ channel: string; amount: number }>(
      sql`SELECT channel, sum(amount) AS amount FROM (
            SELECT channel, argMax(amount, version) AS amount FROM ${this.t.name('spend')}
            WHERE site = ${site} AND date >= ${fromDate} AND date <= ${toDate}
            GROUP BY date, channel, source, campaign
          ) WHERE channel != '' GROUP BY channel`,
    )
    return new Map(rows.map((r) => [r.channel, Number(r.amount)]))
  }

  // --- write keys (SPEC §2.1) ---

  async listWriteKeys(): Promise<Map<string, string>> {
    const rows = await this.conn.query<{ site: string; key: string }>(
      sql`SELECT site, argMax(key, version) AS key FROM ${this.t.name('write_keys')} GROUP BY site ORDER BY site`,
    )
    return new Map(rows.map((r) => [r.site, r.key]))
  }

  async setWriteKey(site: string, key: string): Promise<void> {
    await this.conn.insert(this.t.name('write_keys').text, [{ site, key, version: nextVersion() }], this.writeSettings)
  }

  // --- read-only API keys ---

  async insertApiKey(key: ApiKey): Promise<void> {
    const { createdAt, ...rest } = key
    await this.conn.insert(this.t.name('api_keys').text, [{ ...rest, created_at: createdAt, revoked: 0, version: nextVersion() }], this.writeSettings)
  }

  async listApiKeys(site: string | null): Promise<ApiKey[]> {
    const rows = await this.conn.query<{ id: string; site: string; name: string; hash: string; prefix: string; created_at: string | number }>(
      sql`SELECT id, site, name, hash, prefix, created_at FROM (
            SELECT site, id, argMax(name, version) AS name, argMax(hash, version) AS hash, argMax(prefix, version) AS prefix,
              argMax(created_at, version) AS created_at, argMax(revoked, version) AS revoked
            FROM ${this.t.name('api_keys')} ${site === null ? sql`` : sql`WHERE site = ${site}`} GROUP BY site, id
          ) WHERE revoked = 0 ORDER BY created_at, id`,
    )
    return rows.map((r) => ({ id: r.id, site: r.site, name: r.name, hash: r.hash, prefix: r.prefix, createdAt: Number(r.created_at) }))
  }

  async revokeApiKey(site: string, id: string): Promise<boolean> {
    const key = (await this.listApiKeys(site)).find((k) => k.id === id)
    if (!key) return false
    const { createdAt, ...rest } = key
    await this.conn.insert(this.t.name('api_keys').text, [{ ...rest, created_at: createdAt, revoked: 1, version: nextVersion() }], this.writeSettings)
    return true
  }
}
