import { EVENT_TYPES } from '@trackway/protocol'
import { CHANNELS } from '../../core/channels.js'
import { EVENT_COLUMNS, type Kind } from '../event-columns.js'
import { raw, type Sql } from './sql.js'

/**
 * The tables of a ClickHouse store. On one server a name is a MergeTree table. With a cluster,
 * `name` is a Distributed table over `name_local` on every shard (created ON CLUSTER, which needs
 * ZooKeeper); reads and writes go through `name`, and a subquery that must stay on its shard
 * (co-located data) reads `local(name)`.
 */
export class Tables {
  constructor(
    readonly database: string,
    readonly cluster: string | null,
  ) {}

  /** The table to read and write: Distributed with a cluster. */
  name(t: TableName): Sql {
    return raw(`${this.database}.${t}`)
  }

  /** The shard-local table (the table itself on one server). */
  local(t: TableName): Sql {
    return raw(`${this.database}.${this.cluster ? `${t}_local` : t}`)
  }

  get onCluster(): string {
    return this.cluster ? ` ON CLUSTER ${this.cluster}` : ''
  }
}

export type TableName = 'events' | 'event_ids' | 'links' | 'orders' | 'persons' | 'sites' | 'settings' | 'spend' | 'meta' | 'write_keys' | 'api_keys' | 'erasures'

const TYPE: Record<Kind, string> = { varchar: 'String', bigint: 'Int64', double: 'Float64', integer: 'Int32', boolean: 'UInt8' }

/** The events columns as ClickHouse types: NULL-able where the log allows null. */
export const EVENT_COLUMN_TYPES = EVENT_COLUMNS.map(([column, , kind, notNull]) => [column, notNull ? TYPE[kind] : `Nullable(${TYPE[kind]})`] as const)

/** Event types and channels as 1-byte enums: reports compare them on every event of a range. */
const enumOf = (names: readonly string[]) => `Enum8(${names.map((n, i) => `'${n}' = ${i + 1}`).join(', ')})`
const EVENT_TYPE = enumOf(EVENT_TYPES)
const CHANNEL = enumOf(CHANNELS)

/*
 * No column has a DEFAULT: ClickHouse 18.16 fills a column a JSONEachRow insert leaves out with
 * zero, not with its DEFAULT expression (input_format_defaults_for_omitted_fields came later).
 */

/** `event_ids` groups ids by the hour of the event's client time. */
export const ID_HOUR_MS = 3_600_000

/** Bump when a table below changes in a way existing stores must be migrated for. */
export const SCHEMA_VERSION = 1

interface TableSpec {
  name: TableName
  columns: string
  engine: string
  /** Sharding key of the Distributed table (cluster only). */
  shard: string
}

const received = 'toYYYYMM(toDateTime(intDiv(received_at, 1000)))'

/**
 * - events: the log, sorted by browser so a person's events are read by key ranges; a copy sent
 *   twice at once (two collectors) is stored twice and counted once (derive/).
 * - event_ids, links, orders: look-up tables filled by materialized views at insert: ids for
 *   dedup (sorted by id), (user, browser) pairs and purchases by order id for the derivation.
 * - persons: one row per derivation of a person (derive/person-row.ts): sessions and events as
 *   arrays; `pno` is a 64-bit hash of the person (integer keys group fast), `tiebreak` a random
 *   64-bit row id; of a person's rows, the one with the highest version is current (current.ts).
 * - sites, settings, spend, meta, write_keys: the catalog; the highest version of a key wins.
 */
const TABLES: TableSpec[] = [
  {
    name: 'events',
    columns: EVENT_COLUMN_TYPES.map(([c, t]) => `${c} ${t}`).join(', '),
    engine: `MergeTree PARTITION BY ${received} ORDER BY (site, anonymous_id, t, id)`,
    shard: 'cityHash64(anonymous_id)',
  },
  {
    name: 'event_ids',
    columns: 'site String, hour UInt32, id String, received_at Int64',
    // by the hour of the client's ts (a retry carries the same), small granules: a group commit
    // looks up the scattered ids of a few hours
    engine: `MergeTree PARTITION BY ${received} ORDER BY (site, hour, id) SETTINGS index_granularity = 1024`,
    shard: 'cityHash64(id)',
  },
  {
    name: 'links',
    columns: 'site String, user_id String, anonymous_id String',
    engine: 'ReplacingMergeTree ORDER BY (site, user_id, anonymous_id)',
    shard: 'cityHash64(anonymous_id)',
  },
  {
    name: 'orders',
    columns: 'site String, order_id String, id String, t Int64, received_at Int64, anonymous_id String, user_id Nullable(String)',
    engine: 'MergeTree ORDER BY (site, order_id)',
    shard: 'cityHash64(anonymous_id)',
  },
  {
    name: 'persons',
    columns: [
      'site String, pno UInt64, person String, version UInt64, tiebreak UInt64, derived_ms Int64, events UInt32, first_t Int64, last_t Int64, ref_code Nullable(String)',
      `s_first_id Array(String), s_start Array(Int64), s_end Array(Int64), s_channel Array(${CHANNEL}), s_source Array(String)`,
      's_medium Array(String), s_campaign Array(String), s_referrer_domain Array(Nullable(String)), s_entry Array(String)',
      's_exit Array(Nullable(String)), s_device Array(String), s_browser Array(Nullable(String)), s_os Array(Nullable(String))',
      's_country Array(Nullable(String)), s_pageviews Array(UInt32), s_others Array(UInt32), s_tail Array(Float64)',
      's_cart Array(UInt8), s_cart_bought Array(UInt8), s_checkout Array(UInt8), s_checkout_bought Array(UInt8), s_pages Array(Array(String))',
      's_last Array(UInt32), s_goals Array(Array(String)), s_order_revenue Array(Float64)',
      `e_sess Array(UInt32), e_id Array(String), e_type Array(${EVENT_TYPE}), e_name Array(Nullable(String)), e_t Array(Int64), e_path Array(String)`,
      'e_order Array(Nullable(String)), e_revenue Array(Nullable(Float64)), e_first Array(UInt8), e_engaged Array(Nullable(Float64))',
      'e_ref Array(Nullable(String)), e_score Array(Nullable(Int32)), e_exp Array(Nullable(String)), e_var Array(Nullable(String))',
    ].join(', '),
    engine: 'ReplacingMergeTree(version) ORDER BY (site, pno)',
    shard: 'pno',
  },
  {
    name: 'sites',
    columns: 'id String, name String, origins Array(String), timezone String, currency String, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY id',
    shard: 'cityHash64(id)',
  },
  {
    name: 'settings',
    columns: 'key String, value String, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY key',
    shard: 'cityHash64(key)',
  },
  {
    // ClickHouse 18.16 keys cannot be Nullable: an absent channel, source or campaign is ''
    name: 'spend',
    columns: 'site String, date String, channel String, source String, campaign String, amount Float64, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY (site, date, channel, source, campaign)',
    shard: 'cityHash64(site)',
  },
  {
    // the write key of each site (SPEC §2.1): a rotation is a new version
    name: 'write_keys',
    columns: 'site String, key String, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY site',
    shard: 'cityHash64(site)',
  },
  {
    name: 'meta',
    columns: 'key String, value String, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY key',
    shard: 'cityHash64(key)',
  },
  {
    // read-only API keys (catalog.ts ApiKey): a revocation is a newer version with revoked = 1
    name: 'api_keys',
    columns: 'id String, site String, name String, hash String, prefix String, created_at Int64, revoked UInt8, version UInt64',
    engine: 'ReplacingMergeTree(version) ORDER BY (site, id)',
    shard: 'cityHash64(site)',
  },
  {
    // erasures as done (SPEC §1.6): who, when, how many events — never whose
    name: 'erasures',
    columns: 'site String, kind String, actor String, erased_at Int64, events UInt64, version UInt64',
    engine: 'MergeTree ORDER BY (site, erased_at)',
    shard: 'cityHash64(site)',
  },
]

/** Materialized views fill the look-up tables from each shard's own events. */
const VIEWS: { name: string; to: TableName; select: (events: Sql) => string }[] = [
  { name: 'event_ids_mv', to: 'event_ids', select: (e) => `SELECT site, toUInt32(intDiv(ts, ${ID_HOUR_MS})) AS hour, id, received_at FROM ${e}` },
  {
    name: 'links_mv',
    to: 'links',
    select: (e) => `SELECT site, assumeNotNull(user_id) AS user_id, anonymous_id FROM ${e} WHERE user_id IS NOT NULL AND is_bot = 0`,
  },
  {
    name: 'orders_mv',
    to: 'orders',
    select: (e) =>
      `SELECT site, assumeNotNull(order_id) AS order_id, id, t, received_at, anonymous_id, user_id FROM ${e}
       WHERE type = 'purchase' AND order_id IS NOT NULL AND is_bot = 0`,
  },
]

/** The DDL of every table and view, idempotent (IF NOT EXISTS), in creation order. */
export function ddl(t: Tables): Sql[] {
  const out: Sql[] = [raw(`CREATE DATABASE IF NOT EXISTS ${t.database}${t.onCluster}`)]
  for (const spec of TABLES) {
    out.push(raw(`CREATE TABLE IF NOT EXISTS ${t.local(spec.name)}${t.onCluster} (${spec.columns}) ENGINE = ${spec.engine}`))
    if (t.cluster) {
      out.push(
        raw(
          `CREATE TABLE IF NOT EXISTS ${t.name(spec.name)}${t.onCluster} AS ${t.local(spec.name)}
           ENGINE = Distributed(${t.cluster}, ${t.database}, ${spec.name}_local, ${spec.shard})`,
        ),
      )
    }
  }
  for (const v of VIEWS) {
    out.push(raw(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.${v.name}${t.onCluster} TO ${t.local(v.to)} AS ${v.select(t.local('events'))}`))
  }
  return out
}
