import { fileURLToPath } from 'node:url'
import type { TestProjectConfiguration } from 'vitest/config'

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

/** Internal packages resolve to their sources in tests, so tests need no build (STYLE §15). */
const alias = {
  '@trackway/protocol': src('protocol'),
  '@trackway/sdk': src('sdk'),
  '@trackway/collector': src('collector'),
}

/** The project list of the vitest workspace; `vitest.config.ts` feeds it to `test.projects`. */
export default [
  {
    resolve: { alias },
    test: { name: 'protocol', root: './packages/protocol', include: ['test/**/*.test.ts'] },
  },
  {
    resolve: { alias },
    test: {
      name: 'sdk',
      root: './packages/sdk',
      include: ['test/**/*.test.ts'],
      exclude: ['test/**/*.e2e.test.ts'],
      environment: 'node',
    },
  },
  {
    // Pure modules (url-state, dates, format, csv, rules, refresh) and the bundle's size budget.
    resolve: { alias },
    test: {
      name: 'dashboard',
      root: './packages/dashboard',
      include: ['test/**/*.test.ts'],
      exclude: ['test/**/*.e2e.test.ts'],
      environment: 'node',
    },
  },
  {
    resolve: { alias },
    test: {
      name: 'collector',
      root: './packages/collector',
      include: ['test/**/*.test.ts'],
      exclude: ['test/**/*.e2e.test.ts', 'test/**/*.clickhouse.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  },
  {
    // Real ClickHouse 18.16 servers (one, and the 2-shard example), started for the run by the
    // global setup; their files run one at a time, the servers share 2 cores.
    resolve: { alias },
    test: {
      name: 'clickhouse',
      root: './packages/collector',
      include: ['test/**/*.clickhouse.test.ts'],
      globalSetup: ['test/fixtures/clickhouse-servers.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  },
  {
    // Real Chromium against a real collector: serial, one browser at a time on 2 cores.
    resolve: { alias },
    test: {
      name: 'e2e',
      root: '.',
      include: ['packages/*/test/**/*.e2e.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  },
] satisfies TestProjectConfiguration[]
