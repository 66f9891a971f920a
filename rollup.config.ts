import { builtinModules, createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import type { RollupOptions, Plugin } from 'rollup'
import typescript from '@rollup/plugin-typescript'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { dts } from 'rollup-plugin-dts'

/**
 * Workspace packages resolve to their sources, so one build needs no built sibling. The protocol
 * package declares `sideEffects: false`; resolving around node-resolve loses that, so it is restated
 * (else importing one constant keeps the schemas' top-level `Object.entries(...).map(...)`).
 */
const workspaceSources = (): Plugin => ({
  name: 'trackway-workspace-sources',
  resolveId: (id) =>
    id === '@trackway/protocol' ? { id: 'packages/protocol/src/index.ts', moduleSideEffects: false } : null,
})

const pkgJson = (dir: string) => JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'))

/** Transpile only; type checking is `npm run typecheck`, so a build never waits on it. */
const ts = (): Plugin =>
  typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { noEmit: false, declaration: false, noEmitOnError: false, sourceMap: false },
    include: ['packages/*/src/**/*.ts'],
    noForceEmit: false,
  }) as Plugin

/** Node builtins and a package's dependencies stay imports of the library bundles. */
const externalOf = (dir: string) => {
  const deps = Object.keys(pkgJson(dir).dependencies ?? {})
  return (id: string) =>
    id.startsWith('node:') ||
    builtinModules.includes(id) ||
    deps.some((d) => id === d || id.startsWith(`${d}/`))
}

/** Declarations: the protocol's types are inlined (it is bundled into the JS too), so installs need no sibling. */
const types = (dir: string): RollupOptions => ({
  input: `${dir}/src/index.ts`,
  output: { file: `${dir}/dist/index.d.ts`, format: 'es' },
  external: (id) => id !== '@trackway/protocol' && externalOf(dir)(id),
  plugins: [
    dts({
      tsconfig: './tsconfig.json',
      compilerOptions: { paths: { '@trackway/protocol': ['packages/protocol/src/index.ts'] } },
    }),
  ],
})

const library = (dir: string): RollupOptions => ({
  input: `${dir}/src/index.ts`,
  output: [
    { file: `${dir}/dist/index.js`, format: 'es' },
    { file: `${dir}/dist/index.cjs`, format: 'cjs', exports: 'named' },
  ],
  external: externalOf(dir),
  plugins: [workspaceSources(), resolve(), ts()],
})

/**
 * Terser settings for the browser bundles: the size budget is design goal #1 (see sdk/ARCHITECTURE.md).
 * `debug: false` compiles the SDK's debug logging out (`TRACKWAY_DEBUG`, sdk/src/debug.ts).
 */
const minify = (debug: boolean) =>
  terser({
    ecma: 2020,
    module: false,
    compress: { passes: 3, pure_getters: true, unsafe_arrows: true, global_defs: { TRACKWAY_DEBUG: debug } },
    mangle: { properties: { regex: /^_/ } },
    format: { comments: false },
  })

/**
 * The dashboard's static files beside its bundle: index.html (its script and stylesheet URLs
 * carry a content hash, so a new build is never mixed with a cached one), one stylesheet (uPlot's
 * own CSS, then ours, in order) and the licence of what the bundle inlines.
 */
const dashboardAssets = (): Plugin => {
  const dir = 'packages/dashboard/src'
  const styles = ['base', 'layout', 'components', 'views'].map((n) => `${dir}/styles/${n}.css`)
  const uplot = createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css')
  const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 10)
  return {
    name: 'trackway-dashboard-assets',
    buildStart() {
      for (const f of [`${dir}/index.html`, ...styles]) this.addWatchFile(f)
    },
    generateBundle(_options, bundle) {
      const js = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry)
      const css = [readFileSync(uplot, 'utf8'), ...styles.map((f) => readFileSync(f, 'utf8'))].join('\n')
      const html = readFileSync(`${dir}/index.html`, 'utf8')
        .replace('href="dashboard.css"', `href="dashboard.css?v=${hash(css)}"`)
        .replace('src="dashboard.js"', `src="dashboard.js?v=${hash(js && js.type === 'chunk' ? js.code : '')}"`)
      this.emitFile({ type: 'asset', fileName: 'dashboard.css', source: css })
      this.emitFile({ type: 'asset', fileName: 'index.html', source: html })
      this.emitFile({
        type: 'asset',
        fileName: 'THIRD-PARTY-LICENSES.txt',
        source: `dashboard.js includes uPlot (https://github.com/leeoniya/uPlot):\n\n${readFileSync(createRequire(import.meta.url).resolve('uplot/LICENSE'), 'utf8')}`,
      })
    },
  }
}

const builds: [pkg: string, options: RollupOptions][] = [
  ['protocol', library('packages/protocol')],
  ['protocol', types('packages/protocol')],
  ['sdk', library('packages/sdk')],
  ['sdk', types('packages/sdk')],
  ['sdk', {
    // The script-tag bundle: dependencies inlined, one global (`window.trackway`), minified.
    input: 'packages/sdk/src/script-tag.ts',
    output: { file: 'packages/sdk/dist/trackway.min.js', format: 'iife' },
    plugins: [workspaceSources(), resolve({ browser: true }), ts(), minify(false)],
  }],
  ['sdk', {
    // The same with debug logging (`data-debug`): what to load while finding out why an event is not sent.
    input: 'packages/sdk/src/script-tag.ts',
    output: { file: 'packages/sdk/dist/trackway.debug.js', format: 'iife' },
    plugins: [workspaceSources(), resolve({ browser: true }), ts(), minify(true)],
  }],
  ['dashboard', {
    // A browser ES module: the collector serves dist/ at /dashboard/ (src/paths.ts).
    input: 'packages/dashboard/src/main.ts',
    output: { file: 'packages/dashboard/dist/dashboard.js', format: 'es' },
    plugins: [
      workspaceSources(),
      resolve({ browser: true }),
      ts(),
      terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } }),
      dashboardAssets(),
    ],
  }],
  ['collector', {
    input: {
      index: 'packages/collector/src/index.ts',
      cli: 'packages/collector/src/cli.ts',
    },
    output: { dir: 'packages/collector/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    // The protocol package is bundled in, so the collector's dist runs without building it separately.
    external: (id) => id !== '@trackway/protocol' && externalOf('packages/collector')(id),
    plugins: [workspaceSources(), resolve({ preferBuiltins: true }), ts()],
  }],
]

/** `rollup -c --environment ONLY:sdk` builds one package (comma-separate several). */
const only = process.env.ONLY?.split(',')
export default builds.filter(([pkg]) => !only || only.includes(pkg)).map(([, options]) => options)
