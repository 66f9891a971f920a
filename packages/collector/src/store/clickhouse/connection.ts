import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client'
import type { Sql } from './sql.js'
import type { ClickHouseTarget } from './url.js'

/** Settings sent with one request (ClickHouse 18.16 takes INSERT settings only this way). */
export type Settings = Record<string, string | number>

/**
 * What the adapter needs of ClickHouse: statements, SELECTs read as objects, streamed SELECTs,
 * and JSONEachRow inserts. Over HTTP in production (`@clickhouse/client`); the tests also run
 * the same SQL on the current engine in-process (chDB) through this interface.
 */
export interface ClickHouseConnection {
  /** A statement without rows (DDL, INSERT … SELECT). */
  command(sql: Sql, settings?: Settings): Promise<void>
  /** The rows of a SELECT; 64-bit integers come back as numbers. */
  query<T = Record<string, unknown>>(sql: Sql, settings?: Settings): Promise<T[]>
  /** The rows of a SELECT in pages, in order; the next page waits for `onRows`. */
  stream<T = Record<string, unknown>>(sql: Sql, onRows: (rows: T[]) => void | Promise<void>, settings?: Settings): Promise<void>
  /** Inserts rows into a table as JSONEachRow; resolves when ClickHouse has written them. */
  insert(table: string, rows: readonly object[], settings?: Settings): Promise<void>
  close(): Promise<void>
}

/** A ClickHouse error with its numeric code (the HTTP client leaves it in the message: `Code: 60, …`). */
export class ClickHouseError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message)
    this.name = 'ClickHouseError'
  }
}

/** Error codes the adapter tells apart (ClickHouse's ErrorCodes). */
export const CH_ERROR = { unknownTable: 60, unknownDatabase: 81, memoryLimit: 241, timeout: 159 } as const

export function asClickHouseError(err: unknown): ClickHouseError {
  if (err instanceof ClickHouseError) return err
  const message = err instanceof Error ? err.message : String(err)
  const m = /Code: (\d+)/.exec(message)
  return new ClickHouseError(message, m ? Number(m[1]) : null)
}

/** Every SELECT reads 64-bit integers as JSON numbers (safe below 2^53: times in ms, counts). */
const READ: Settings = { output_format_json_quote_64bit_integers: 0 }

/** The HTTP connection of a running collector. */
export class HttpConnection implements ClickHouseConnection {
  private readonly client: ClickHouseClient

  constructor(target: ClickHouseTarget, database: string | null = target.database) {
    this.client = createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      ...(database ? { database } : {}),
      // errors are the caller's to report, once, with context
      log: { level: ClickHouseLogLevel.OFF },
      request_timeout: 300_000,
      max_open_connections: 16,
      // no gzip: ClickHouse runs beside the collectors on a fast network; compressing costs both CPU
      compression: { request: false, response: false },
    })
  }

  async command(sql: Sql, settings: Settings = {}): Promise<void> {
    try {
      await this.client.command({ query: sql.text, clickhouse_settings: settings })
    } catch (err) {
      throw asClickHouseError(err)
    }
  }

  async query<T = Record<string, unknown>>(sql: Sql, settings: Settings = {}): Promise<T[]> {
    try {
      const rs = await this.client.query({ query: sql.text, format: 'JSONEachRow', clickhouse_settings: { ...READ, ...settings } })
      return (await rs.json()) as T[]
    } catch (err) {
      throw asClickHouseError(err)
    }
  }

  async stream<T = Record<string, unknown>>(sql: Sql, onRows: (rows: T[]) => void | Promise<void>, settings: Settings = {}): Promise<void> {
    try {
      const rs = await this.client.query({ query: sql.text, format: 'JSONEachRow', clickhouse_settings: { ...READ, ...settings } })
      for await (const batch of rs.stream()) {
        const rows = (batch as { json(): unknown }[]).map((r) => r.json() as T)
        if (rows.length) await onRows(rows)
      }
    } catch (err) {
      throw asClickHouseError(err)
    }
  }

  async insert(table: string, rows: readonly object[], settings: Settings = {}): Promise<void> {
    if (rows.length === 0) return
    try {
      await this.client.insert({ table, values: rows as object[], format: 'JSONEachRow', clickhouse_settings: settings })
    } catch (err) {
      throw asClickHouseError(err)
    }
  }

  async close(): Promise<void> {
    await this.client.close()
  }
}
