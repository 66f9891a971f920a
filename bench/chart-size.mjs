// Measures the chart library candidates for the dashboard as the dashboard would ship them:
// bundled by rollup for the browser, minified by terser, compressed with brotli (quality 11)
// and gzip -9. Chart.js is measured tree-shaken to what a line chart needs, and whole.
//
//   npm install --no-save chart.js@4.6.1   # uPlot is already a dashboard dependency
//   node bench/chart-size.mjs
import { rollup } from 'rollup'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
/** The installed version (walking up from the entry: Chart.js does not export its package.json). */
const version = (name) => {
  let dir
  try {
    dir = dirname(require.resolve(name))
  } catch {
    return null
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === name) return JSON.parse(readFileSync(pkg, 'utf8')).version
  }
  return null
}
const candidates = {
  uplot: { 'uPlot (whole library; it does not tree-shake)': `import uPlot from 'uplot'; window.x = uPlot` },
  'chart.js': {
    'Chart.js, tree-shaken to a line chart (line, point, linear + category scales, tooltip, legend, filler)': `import { Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler } from 'chart.js'; Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler); window.x = Chart`,
    'Chart.js, chart.js/auto (everything)': `import Chart from 'chart.js/auto'; window.x = Chart`,
  },
}
console.log('| library | version | what | min B | gzip B | brotli B |\n|---|---|---|---:|---:|---:|')
for (const [pkg, entries] of Object.entries(candidates)) {
  const v = version(pkg)
  if (!v) {
    console.log(`| ${pkg} | not installed | run \`npm install --no-save ${pkg}\` | | | |`)
    continue
  }
  for (const [name, code] of Object.entries(entries)) {
    const bundle = await rollup({
      input: 'entry',
      plugins: [{ name: 'entry', resolveId: (id) => (id === 'entry' ? id : null), load: (id) => (id === 'entry' ? code : null) }, resolve({ browser: true }), terser({ format: { comments: false } })],
      onwarn: () => {},
    })
    const { output } = await bundle.generate({ format: 'iife' })
    await bundle.close()
    const c = output[0].code
    const br = brotliCompressSync(c, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
    console.log(`| ${pkg} | ${v} | ${name} | ${Buffer.byteLength(c)} | ${gzipSync(c, { level: 9 }).length} | ${br} |`)
  }
}
