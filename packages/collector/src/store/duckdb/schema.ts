import type { EventRow } from '../event-log.js'

type Kind = 'varchar' | 'bigint' | 'double' | 'integer' | 'boolean'

/** The events table, column by column; DDL and the appender are both derived from this list. */
export const EVENT_COLUMNS: readonly (readonly [column: string, field: keyof EventRow, kind: Kind, notNull?: boolean])[] = [
  ['site', 'site', 'varchar', true],
  ['id', 'id', 'varchar', true],
  ['type', 'type', 'varchar', true],
  ['name', 'name', 'varchar'],
  ['t', 't', 'bigint', true],
  ['ts', 'ts', 'bigint', true],
  ['received_at', 'receivedAt', 'bigint', true],
  ['anonymous_id', 'anonymousId', 'varchar', true],
  ['user_id', 'userId', 'varchar'],
  ['url', 'url', 'varchar', true],
  ['path', 'path', 'varchar', true],
  ['referrer', 'referrer', 'varchar'],
  ['referrer_domain', 'referrerDomain', 'varchar'],
  ['title', 'title', 'varchar'],
  ['props', 'props', 'varchar'],
  ['order_id', 'orderId', 'varchar'],
  ['revenue', 'revenue', 'double'],
  ['currency', 'currency', 'varchar'],
  ['items', 'items', 'varchar'],
  ['referral_code', 'referralCode', 'varchar'],
  ['url_ref', 'urlRef', 'varchar'],
  ['score', 'score', 'integer'],
  ['experiment', 'experiment', 'varchar'],
  ['variant', 'variant', 'varchar'],
  ['engaged_ms', 'engagedMs', 'double'],
  ['browser', 'browser', 'varchar'],
  ['os', 'os', 'varchar'],
  ['device', 'device', 'varchar', true],
  ['is_bot', 'isBot', 'boolean', true],
  ['country', 'country', 'varchar'],
  ['utm_source', 'utmSource', 'varchar'],
  ['utm_medium', 'utmMedium', 'varchar'],
  ['utm_campaign', 'utmCampaign', 'varchar'],
  ['utm_term', 'utmTerm', 'varchar'],
  ['utm_content', 'utmContent', 'varchar'],
  ['utm_id', 'utmId', 'varchar'],
  ['gclid', 'gclid', 'varchar'],
  ['fbclid', 'fbclid', 'varchar'],
  ['msclkid', 'msclkid', 'varchar'],
]

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
  `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`,
]

export const SCHEMA_VERSION = 1
