import { EVENT_COLUMNS, type Kind } from '../event-columns.js'

const SQL_TYPE: Record<Kind, string> = {
  varchar: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
}

/**
 * No PRIMARY KEY on events: DuckDB's ART index makes inserts 20× slower (3–6k rows/s measured),
 * so uniqueness of (site, id) is kept by the ingest writer's dedup filter instead.
 */
export const DDL = [
  `CREATE TABLE IF NOT EXISTS events (${EVENT_COLUMNS.map(
    ([c, , k, notNull]) => `${c} ${SQL_TYPE[k]}${notNull ? ' NOT NULL' : ''}`,
  ).join(', ')})`,
  `CREATE TABLE IF NOT EXISTS sites (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, origins VARCHAR[] NOT NULL,
     timezone VARCHAR NOT NULL, currency VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  // Ad spend (SPEC §6): a day's amount per channel/source/campaign (each may be NULL); date is the
  // site-local day as YYYY-MM-DD. Uploads replace rows with the same site, date and names.
  `CREATE TABLE IF NOT EXISTS spend (site VARCHAR NOT NULL, date VARCHAR NOT NULL, channel VARCHAR, source VARCHAR,
     campaign VARCHAR, amount DOUBLE NOT NULL)`,
  // Write keys of the compatibility endpoints (SPEC §2.1): one current key per site.
  `CREATE TABLE IF NOT EXISTS write_keys (site VARCHAR PRIMARY KEY, key VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`,
  // Read-only API keys (catalog.ts ApiKey): the secret's hash only; revoked keys keep their row.
  `CREATE TABLE IF NOT EXISTS api_keys (id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, name VARCHAR NOT NULL,
     hash VARCHAR NOT NULL, prefix VARCHAR NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)`,
]

export const SCHEMA_VERSION = 1
