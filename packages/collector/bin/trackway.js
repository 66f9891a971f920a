#!/usr/bin/env node
// The `trackway` CLI. The TypeScript sources are built into dist/ by `npm install` (root `prepare`).
import('../dist/cli.js').then(
  async ({ main }) => {
    const code = await main(process.argv.slice(2))
    process.exitCode = code
  },
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist\/cli\.js/.test(String(err.message))) {
      console.error('trackway: the collector is not built yet. Run `npm install` (or `npm run build`) at the repository root.')
      process.exit(1)
    }
    throw err
  },
)
