import { LIST, listValue, VARCHAR, type DuckDBValue } from '@duckdb/node-api'
import type { SpendRow } from '../../core/query.js'
import type { ApiKey, Catalog, Site } from '../catalog.js'
import type { DuckDBHandle } from './handle.js'

/** Sites, settings and ad spend in the DuckDB file, written on the management connection. */
export class DuckDBCatalog implements Catalog {
  constructor(private readonly db: DuckDBHandle) {}

  async listSites(): Promise<Site[]> {
    const reader = await this.db.admin.runAndReadAll('SELECT id, name, origins, timezone, currency FROM sites ORDER BY id')
    return reader.getRowObjectsJS().map((r) => ({
      id: r.id as string,
      name: r.name as string,
      origins: [...(r.origins as string[])],
      timezone: r.timezone as string,
      currency: r.currency as string,
    }))
  }

  async upsertSite(site: Site): Promise<void> {
    await this.db.admin.run(
      `INSERT INTO sites VALUES ($id, $name, $origins, $timezone, $currency)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
         timezone = excluded.timezone, currency = excluded.currency`,
      { ...site, origins: listValue(site.origins) } as Record<string, DuckDBValue>,
      // typed: an empty list has no item type of its own
      { origins: LIST(VARCHAR) },
    )
  }

  async getSetting(key: string): Promise<string | null> {
    const reader = await this.db.admin.runAndReadAll('SELECT value FROM settings WHERE key = $key', { key })
    return (reader.getRowsJS()[0]?.[0] as string | undefined) ?? null
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.admin.run('INSERT INTO settings VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value', { key, value })
  }

  /** Stores ad spend rows in one transaction: a row replaces the stored one with the same date and names. */
  async upsertSpend(site: string, rows: readonly SpendRow[]): Promise<void> {
    const conn = this.db.admin
    await this.db.transaction(conn, async () => {
      for (const r of rows) {
        const key = { site, date: r.date, channel: r.channel, source: r.source, campaign: r.campaign }
        await conn.run(
          `DELETE FROM spend WHERE site = $site AND date = $date AND channel IS NOT DISTINCT FROM $channel::VARCHAR
             AND source IS NOT DISTINCT FROM $source::VARCHAR AND campaign IS NOT DISTINCT FROM $campaign::VARCHAR`,
          key,
        )
        await conn.run('INSERT INTO spend VALUES ($site, $date, $channel::VARCHAR, $source::VARCHAR, $campaign::VARCHAR, $amount)', { ...key, amount: r.amount })
      }
    })
  }

  async listSpend(site: string): Promise<SpendRow[]> {
    const rows = await this.db.query(
      `SELECT date, channel, source, campaign, amount FROM spend WHERE site = $site
       ORDER BY date, channel NULLS FIRST, source NULLS FIRST, campaign NULLS FIRST`,
      { site },
    )
    return rows.map((r) => ({
      date: r.date as string,
      channel: r.channel as string | null,
      source: r.source as string | null,
      campaign: r.campaign as string | null,
      amount: Number(r.amount),
    }))
  }

  async spendByChannel(site: string, fromDate: string, toDate: string): Promise<Map<string, number>> {
    const rows = await this.db.query(
      `SELECT channel, sum(amount) AS amount FROM spend
       WHERE site = $site AND channel IS NOT NULL AND date >= $from_date AND date <= $to_date
       GROUP BY channel`,
      { site, from_date: fromDate, to_date: toDate },
    )
    return new Map(rows.map((r) => [r.channel as string, Number(r.amount)]))
  }

  // --- write keys (SPEC §2.1) ---

  async listWriteKeys(): Promise<Map<string, string>> {
    const rows = await this.db.query('SELECT site, key FROM write_keys ORDER BY site')
    return new Map(rows.map((r) => [r.site as string, r.key as string]))
  }

  async setWriteKey(site: string, key: string): Promise<void> {
    await this.db.admin.run('INSERT INTO write_keys VALUES ($site, $key) ON CONFLICT (site) DO UPDATE SET key = excluded.key', { site, key })
  }

  // --- read-only API keys ---

  async insertApiKey(key: ApiKey): Promise<void> {
    await this.db.admin.run('INSERT INTO api_keys VALUES ($id, $site, $name, $hash, $prefix, $created_at, NULL)', {
      id: key.id,
      site: key.site,
      name: key.name,
      hash: key.hash,
      prefix: key.prefix,
      created_at: key.createdAt,
    })
  }

  async listApiKeys(site: string | null): Promise<ApiKey[]> {
    const rows = await this.db.query(
      `SELECT id, site, name, hash, prefix, created_at FROM api_keys
       WHERE revoked_at IS NULL AND ($site::VARCHAR IS NULL OR site = $site::VARCHAR) ORDER BY created_at, id`,
      { site },
    )
    return rows.map((r) => ({
      id: r.id as string,
      site: r.site as string,
      name: r.name as string,
      hash: r.hash as string,
      prefix: r.prefix as string,
      createdAt: Number(r.created_at),
    }))
  }

  async revokeApiKey(site: string, id: string): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE api_keys SET revoked_at = $now WHERE site = $site AND id = $id AND revoked_at IS NULL RETURNING id',
      { site, id, now: Date.now() },
    )
    return rows.length > 0
  }
}
