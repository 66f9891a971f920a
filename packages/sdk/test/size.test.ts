import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { rollup } from 'rollup'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { describe, expect, it } from 'vitest'
import { STUB_SNIPPET } from '../src/stub.js'

/*
 * The size budget (STYLE §5, ARCHITECTURE.md "Size"), per entry point, on the built dist: what
 * ships is what is measured. Bytes are brotli at quality 11 (what a CDN or the collector's
 * reverse proxy serves); gzip -9 is printed beside it.
 */
const BUDGET = {
  /** `/sdk.js`, the script-tag bundle. */
  scriptTag: 3000,
  /** The stub snippet a site pastes before the script tag. */
  stub: 200,
  /** What an npm user who imports `init` and `track` ships, minified and tree-shaken. */
  esmInitTrack: 3500,
}

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url))
const SRC = fileURLToPath(new URL('../src/', import.meta.url))
const README = fileURLToPath(new URL('../../../README.md', import.meta.url))

const brotli = (code: string | Buffer) => brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
const gzip = (code: string | Buffer) => gzipSync(code, { level: 9 }).length
const report = (name: string, code: string | Buffer) => {
  const sizes = { raw: Buffer.byteLength(code), gzip: gzip(code), brotli: brotli(code) }
  console.log(`[size] ${name}: ${sizes.raw} B raw, ${sizes.gzip} B gzip, ${sizes.brotli} B brotli`)
  return sizes
}

/** The built file; a missing or stale build fails with what to run, never measures old code. */
const built = (file: string): string => {
  const path = dist(file)
  if (!existsSync(path)) throw new Error(`packages/sdk/dist/${file} is missing: run \`npm run build\` first`)
  const builtAt = statSync(path).mtimeMs
  const newer = readdirSync(SRC).filter((f) => statSync(SRC + f).mtimeMs > builtAt)
  if (newer[0]) throw new Error(`packages/sdk/dist/${file} is older than src/${newer[0]}: run \`npm run build\` first`)
  return readFileSync(path, 'utf8')
}

describe('size', () => {
  it(`keeps the script-tag bundle within ${BUDGET.scriptTag} B brotli`, () => {
    expect(report('trackway.min.js (/sdk.js)', built('trackway.min.js')).brotli).toBeLessThanOrEqual(BUDGET.scriptTag)
  })

  it('compiles debug logging out of the script-tag bundle only', () => {
    const min = built('trackway.min.js')
    const debug = built('trackway.debug.js')
    report('trackway.debug.js (debug variant, no budget)', debug)
    for (const code of ['[trackway]', '"misuse"', '"full"']) {
      expect(min).not.toContain(code)
      expect(debug).toContain(code)
    }
  })

  it(`keeps the stub snippet within ${BUDGET.stub} B, and the README shows that very text`, () => {
    expect(report('stub snippet', STUB_SNIPPET).raw).toBeLessThanOrEqual(BUDGET.stub)
    expect(readFileSync(README, 'utf8')).toContain(STUB_SNIPPET)
  })

  it(`keeps an npm import of init and track within ${BUDGET.esmInitTrack} B brotli`, async () => {
    built('index.js')
    const entry = `export { init, track } from ${JSON.stringify(dist('index.js'))}`
    const bundle = await rollup({
      input: 'entry',
      plugins: [
        { name: 'entry', resolveId: (id) => (id == 'entry' ? id : null), load: (id) => (id == 'entry' ? entry : null) },
        resolve({ browser: true }),
        terser({ format: { comments: false } }),
      ],
      onwarn: () => {},
    })
    const { output } = await bundle.generate({ format: 'es' })
    await bundle.close()
    expect(report('ESM { init, track }', output[0].code).brotli).toBeLessThanOrEqual(BUDGET.esmInitTrack)
  })
})
