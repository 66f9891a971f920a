import type { Catalog } from './catalog.js'
import type { DeriveEvent, Derivation } from './derivation.js'
import type { EventLog } from './event-log.js'
import type { PersonData } from './person-data.js'
import type { ReportQueries } from './report-queries.js'

/**
 * A store, by concern: the event log (the truth), the catalog (sites, settings, spend), the report
 * queries (counts over derived persons and sessions) and the derivation that keeps those current.
 * An adapter (store/duckdb, store/clickhouse) implements all four; SQL dialects stay inside it.
 */
export interface Store {
  readonly log: EventLog
  readonly catalog: Catalog
  readonly reports: ReportQueries
  readonly derivation: Derivation
  /** Export and erasure of a person's data, retention (SPEC §1.6). */
  readonly persons: PersonData
  /**
   * Writes a consistent snapshot of the whole store to a new file at `path` while it runs (DuckDB:
   * `COPY FROM DATABASE` in one transaction). Absent on stores whose server has its own backups.
   */
  backup?(path: string): Promise<BackupResult>
  /**
   * Calls `listener` when the store can no longer take writes safely until the process restarts
   * (DuckDB: a COMMIT failed, its outcome unknown — handle.ts quarantine). Writes answer
   * store_unavailable from then on. ClickHouse's server keeps its own consistency: never called.
   */
  onFault(listener: (err: Error) => void): void
  /** Creates or migrates tables; idempotent. */
  init(): Promise<void>
  /** Flushes and closes; no call may follow. */
  close(): Promise<void>
}

/** What `Store.backup` wrote. */
export interface BackupResult {
  path: string
  /** Events in the snapshot. */
  events: number
  bytes: number
  ms: number
}

export interface StoreOptions {
  /** Bring derived tables up to date when opening (default); `trackway rebuild` skips it. */
  deriveOnInit?: boolean
  /** Refresh derived tables in the background after appends (default); bulk loads turn it off. */
  backgroundRefresh?: boolean
  onDerive?: (e: DeriveEvent) => void
  /**
   * Open for reading the log and catalog only (`trackway copy`'s source; default false): DuckDB
   * opens the file read-only (so it still refuses a file a collector holds), ClickHouse runs no
   * DDL; both check that a Trackway store is there (ConfigError if not) and derive nothing.
   */
  readOnly?: boolean
  /** The engine's memory cap (DuckDB's memory_limit, e.g. '1GB'; default DuckDB's own, 80 % of RAM). ClickHouse ignores it. */
  memoryLimit?: string
}
