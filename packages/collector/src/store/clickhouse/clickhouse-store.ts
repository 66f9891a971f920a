import type { Store, StoreOptions } from '../store.js'
import { HttpConnection, type ClickHouseConnection, type Settings } from './connection.js'
import { ClickHouseCatalog } from './catalog.js'
import { ClickHouseDerivation } from './derivation.js'
import { ClickHouseEventLog } from './event-log.js'
import { DERIVED_VERSION, PersonDeriver } from './derive/deriver.js'
import { ClickHouseReports } from './reports.js'
import { ClickHousePersonData } from './person-data.js'
import { ddl, SCHEMA_VERSION, Tables } from './schema.js'
import { list, sql } from './sql.js'
import { readMeta, writeMeta, type ImportMark } from './meta.js'
import { ConfigError } from '../../errors.js'
import type { ClickHouseTarget } from './url.js'

/** How often a collector looks for events stored but never derived (derivation.ts refresh). */
const SWEEP_EVERY_MS = 5 * 60_000

/**
 * The ClickHouse store (SPEC §7 scale-out): one server, or a cluster of shards with any number of
 * stateless collectors in front. Nothing lives only in one collector: dedup looks ids up in
 * ClickHouse, and persons are derived into versioned rows any collector may write
 * (derive/deriver.ts).
 */
export class ClickHouseStore implements Store {
  readonly log: ClickHouseEventLog
  readonly catalog: ClickHouseCatalog
  readonly reports: ClickHouseReports
  readonly derivation: ClickHouseDerivation
  readonly persons: ClickHousePersonData
  private readonly t: Tables
  private sweep: NodeJS.Timeout | null = null

  constructor(
    private readonly conn: ClickHouseConnection,
    database: string,
    cluster: string | null,
    private readonly options: StoreOptions = {},
  ) {
    this.t = new Tables(database, cluster)
    // acknowledge only what every shard holds: a Distributed insert waits for them all
    const write: Settings = cluster ? { insert_distributed_sync: 1 } : {}
    const deriver = new PersonDeriver(conn, this.t, write)
    const imports: ImportMark = { marked: false }
    this.log = new ClickHouseEventLog(conn, this.t, write, deriver, imports)
    this.catalog = new ClickHouseCatalog(conn, this.t, write)
    this.reports = new ClickHouseReports(conn, this.t)
    this.derivation = new ClickHouseDerivation(conn, this.t, deriver, options, imports)
    this.persons = new ClickHousePersonData(conn, this.t, write, deriver)
  }

  /** Opens a store over HTTP (`clickhouse://…`). */
  static connect(target: ClickHouseTarget, options: StoreOptions = {}): ClickHouseStore {
    return new ClickHouseStore(new HttpConnection(target, null), target.database, target.cluster, options)
  }

  async init(): Promise<void> {
    if (this.options.readOnly) return this.checkReadable()
    for (const statement of ddl(this.t)) await this.conn.command(statement)
    const meta = await readMeta(this.conn, this.t)
    if (meta.schema !== String(SCHEMA_VERSION)) await writeMeta(this.conn, this.t, 'schema', String(SCHEMA_VERSION))
    if (this.options.deriveOnInit !== false) {
      // a store derived by an older definition (or never, or with imports not yet derived) is
      // derived again (rebuild() records the version); else catch up
      if (meta.derived !== String(DERIVED_VERSION)) await this.derivation.rebuild()
      else await this.derivation.refresh()
    }
    if (this.options.backgroundRefresh !== false) {
      this.sweep = setInterval(() => void this.derivation.refresh().catch(() => undefined), SWEEP_EVERY_MS)
      this.sweep.unref()
    }
  }

  /** A store to read from: its tables must be there; nothing is created, written or derived. */
  private async checkReadable(): Promise<void> {
    const names = ['events', 'sites', 'settings', 'spend']
    const found = await this.conn.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${this.t.database} AND name IN (${list(names)})`)
    if (found.length !== names.length) {
      throw new ConfigError(`ClickHouse database "${this.t.database}" holds no Trackway store (it has no ${names.join(', ')} tables)`)
    }
  }

  /** The server keeps its own consistency (a failed INSERT stored nothing): nothing to tell. */
  onFault(): void {}

  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep)
    this.sweep = null
    await this.conn.close()
  }
}
