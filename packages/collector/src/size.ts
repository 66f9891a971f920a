/** Sizes as DuckDB reads them (`--memory-limit`): a number and a unit, e.g. '384MB', '1.5 GiB'. */
const SIZE = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i

const UNITS: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 }

/** Bytes of a size; null for null; throws on anything that is not a size. */
export function sizeBytes(size: string | null): number | null {
  if (size === null) return null
  const m = SIZE.exec(size)
  if (!m) throw new Error(`not a size: "${size}"`)
  return Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!)
}
