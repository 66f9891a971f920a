import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

/*
 * The dashboard's size budget, on the built dist (what the collector serves is what is measured).
 * Bytes are brotli at quality 11; gzip -9 is printed beside it. uPlot is ~19.8 KB of the script
 * (BENCHMARKS.md, "Dashboard chart library"); the rest is the dashboard's own code.
 */
const BUDGET = {
  /** dashboard.js: every view, the API client and uPlot. */
  script: 40_000,
  /** dashboard.css: uPlot's stylesheet and ours. */
  styles: 5_000,
  /** index.html */
  html: 600,
}

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const SRC = fileURLToPath(new URL('../src/', import.meta.url))

const brotli = (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
const report = (name: string, b: Buffer) => {
  const sizes = { raw: b.length, gzip: gzipSync(b, { level: 9 }).length, brotli: brotli(b) }
  console.log(`[size] ${name}: ${sizes.raw} B raw, ${sizes.gzip} B gzip, ${sizes.brotli} B brotli`)
  return sizes
}

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))

/** The built file; a missing or stale build fails with what to run, never measures old code. */
const built = (file: string): Buffer => {
  const path = DIST + file
  if (!existsSync(path)) throw new Error(`packages/dashboard/dist/${file} is missing: run \`npm run build\` first`)
  const builtAt = statSync(path).mtimeMs
  const newer = files(SRC).find((f) => statSync(f).mtimeMs > builtAt)
  if (newer) throw new Error(`packages/dashboard/dist/${file} is older than ${newer.slice(SRC.length)}: run \`npm run build\` first`)
  return readFileSync(path)
}

describe('dashboard size', () => {
  it(`keeps the script within ${BUDGET.script} B brotli`, () => {
    expect(report('dashboard.js', built('dashboard.js')).brotli).toBeLessThanOrEqual(BUDGET.script)
  })

  it(`keeps the stylesheet within ${BUDGET.styles} B brotli and the page within ${BUDGET.html} B`, () => {
    expect(report('dashboard.css', built('dashboard.css')).brotli).toBeLessThanOrEqual(BUDGET.styles)
    expect(report('index.html', built('index.html')).brotli).toBeLessThanOrEqual(BUDGET.html)
  })

  it('passes a strict Content-Security-Policy: no inline script, handler or style in the page', () => {
    const html = built('index.html').toString()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/\son[a-z]+=/i)
    expect(html).not.toMatch(/\sstyle=/i)
    expect(html).not.toMatch(/<style/i)
    const js = built('dashboard.js').toString()
    expect(js).not.toMatch(/\beval\(|new Function\(/)
    expect(js).not.toMatch(/\.innerHTML\s*=/)
  })
})
