import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { SITE_ID_PATTERN } from '@trackway/protocol'
import { checkStoreUrl, storeUrlOf } from '../config.js'
import { copyStore, type CopyResult, type PageProgress } from '../copy/copy-store.js'
import { ConfigError } from '../errors.js'
import { parseClickHouseUrl, redact } from '../store/clickhouse/url.js'
import { DEFAULT_PAGE_SIZE } from '../store/event-log.js'
import type { Store } from '../store/store.js'
import { openStopped } from './stopped-store.js'

export const COPY_USAGE = `copy options (copies sites, events and ad spend; resumable, and a rerun adds nothing twice):
  --from URL      the store to copy from: TRACKWAY_STORE, else duckdb:./trackway-data/trackway.duckdb
                  (a DuckDB file must not be open in a running collector)
  --to URL        the store to copy into (required), e.g. clickhouse://user:pass@host:8123/trackway
  --site ID       repeatable; default: every site of the source
  --batch N       events per read and write, 1..100000 (${DEFAULT_PAGE_SIZE})
`

export interface CopyArgs {
  from: string
  to: string
  /** null: every site of the source. */
  sites: string[] | null
  batch: number
}

/**
 * `trackway copy --from URL --to URL [--site ID]… [--batch N]`; bad flags are ConfigErrors (exit 2).
 * `env` (default: the process's, read by config.ts) gives `--from` its TRACKWAY_STORE default.
 */
export function parseCopyArgs(argv: string[], env?: Record<string, string | undefined>): CopyArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { from: { type: 'string' }, to: { type: 'string' }, site: { type: 'string', multiple: true }, batch: { type: 'string' } },
    }))
  } catch (err) {
    throw new ConfigError(`copy: ${(err as Error).message}`)
  }
  if (values.to === undefined) throw new ConfigError('copy: --to URL is required (the store to copy into, e.g. clickhouse://user:pass@host:8123/trackway)')
  const from = storeUrlOf(values.from, env)
  checkStoreUrl(from, '--from')
  checkStoreUrl(values.to, '--to')
  if (storeName(from) === storeName(values.to)) throw new ConfigError(`copy: --from and --to name the same store (${redact(values.to)})`)
  const pattern = new RegExp(SITE_ID_PATTERN)
  for (const s of values.site ?? []) if (!pattern.test(s)) throw new ConfigError(`copy: --site "${s}" is not a site id`)
  const batch = values.batch === undefined ? DEFAULT_PAGE_SIZE : Number(values.batch)
  if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new ConfigError(`copy: --batch must be an integer in 1..100000, got "${values.batch}"`)
  return { from, to: values.to, sites: values.site ? [...new Set(values.site)] : null, batch }
}

/**
 * A store's name in the target's progress records and in messages: the URL without its password,
 * a DuckDB path made absolute (the same file from another working directory is the same source).
 */
export function storeName(url: string): string {
  if (url.startsWith('duckdb:')) return `duckdb:${resolve(url.slice('duckdb:'.length))}`
  const t = parseClickHouseUrl(url)
  const scheme = t.url.startsWith('https:') ? 'clickhouses' : 'clickhouse'
  return `${scheme}://${t.username}@${t.url.replace(/^https?:\/\//, '')}/${t.database}${t.cluster ? `?cluster=${t.cluster}` : ''}`
}

export interface CopyIo {
  /** The summary (stdout). */
  out: (line: string) => void
  /** Progress and notices (stderr). */
  err: (line: string) => void
  now: () => number
}

const defaultIo: CopyIo = { out: (l) => console.log(l), err: (l) => console.error(l), now: () => performance.now() }

/** A progress line after the first page of a site, then at most one a second, and at its end. */
function progressPrinter(io: CopyIo): (p: PageProgress) => void {
  let printed = -Infinity
  let printedRead = -1
  let siteT0 = 0
  let siteRead0 = 0
  return (p) => {
    const now = io.now()
    if (p.phase === 'start') {
      siteT0 = now
      siteRead0 = p.read
      printed = -Infinity
      if (p.earlier === 'stopped') io.err(`copy ${p.site}: resuming after the ${p.read} events an earlier run read`)
      if (p.earlier === 'finished') {
        io.err(`copy ${p.site}: copied before; ${p.read > 0 ? 'reading what the source stored since' : 'reading the source again (this log is read in key order), skipping what the target holds'}`)
      }
      return
    }
    if (p.phase === 'done' ? printedRead === p.read : printed !== -Infinity && now - printed < 1000) return
    printed = now
    printedRead = p.read
    const rate = p.read > siteRead0 ? `, ${Math.round((p.read - siteRead0) / Math.max((now - siteT0) / 1000, 0.001))} events/s` : ''
    const pct = p.total > 0 ? ` (${Math.min(100, Math.floor((100 * p.read) / p.total))} %)` : ''
    io.err(`copy ${p.site}: ${p.read} of ${p.total} events read${pct}, ${p.copied} copied${rate}`)
  }
}

/** Runs `trackway copy`; resolves with the exit code (0 done, 1 failed, 130 interrupted; bad flags throw ConfigError: 2). */
export async function runCopy(argv: string[], io: CopyIo = defaultIo): Promise<number> {
  const args = parseCopyArgs(argv)
  const fromName = storeName(args.from)
  const source = await openStopped(args.from, { readOnly: true }, 'copy --from')
  let target: Store | null = null
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130)
    io.err('copy: stopping after the page in flight (a second signal exits at once)')
    stop.abort()
  }
  try {
    const known = (await source.catalog.listSites()).map((s) => s.id)
    const missing = (args.sites ?? []).filter((s) => !known.includes(s))
    if (missing.length > 0) throw new ConfigError(`copy: the source has no site ${missing.map((s) => `"${s}"`).join(', ')} (it has ${known.join(', ') || 'none'})`)
    const sites = args.sites ?? known
    // the target is opened (and, when new, created) only once everything above is known to be right
    target = await openStopped(args.to, { deriveOnInit: false, backgroundRefresh: false }, 'copy --to')
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const t0 = io.now()
    const progress = progressPrinter(io)
    let result: CopyResult
    try {
      result = await copyStore(source, target, {
        sourceName: fromName,
        sites,
        pageSize: args.batch,
        signal: stop.signal,
        onProgress: (p) => progress(p),
        onNotice: (m) => io.err(`copy ${m}`),
      })
    } catch (err) {
      if (err instanceof ConfigError) throw err
      io.err(`trackway: copy failed: ${(err as Error).message}`)
      io.err('what was copied stays copied: run the same command again to go on')
      return 1
    }
    // the copy's own time: the derivation at the end is told apart
    const seconds = (io.now() - t0 - (result.derived?.ms ?? 0)) / 1000
    for (const s of result.sites) {
      const inTarget = await target.log.count(s.site)
      const before = s.copiedBefore > 0 ? `, ${s.copiedBefore} by earlier runs` : ''
      const skipped = s.skipped > 0 ? `, ${s.skipped} found there already` : ''
      io.out(`${s.site}: ${s.copied} events copied (${s.total} in the source, ${inTarget} in the target${before}${skipped})${s.complete ? `; ${s.spendRows} spend rows` : ' — not finished'}`)
    }
    const copied = result.sites.reduce((n, s) => n + s.copied, 0)
    const rate = copied > 0 ? ` (${Math.round(copied / Math.max(seconds, 0.001))} events/s)` : ''
    const derived = result.derived
      ? `, then derived ${result.derived.persons} persons (${result.derived.events} events) in ${(result.derived.ms / 1000).toFixed(1)} s`
      : result.interrupted
        ? ''
        : '; the derived tables were current'
    io.out(`copied ${copied} events of ${sites.length} site${sites.length === 1 ? '' : 's'} from ${redact(args.from)} to ${redact(args.to)} in ${seconds.toFixed(1)} s${rate}${derived}`)
    if (result.interrupted) {
      io.err('copy interrupted: what was copied stays copied; run the same command again to resume')
      return 130
    }
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await target?.close()
    await source.close()
  }
}
