import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './fixtures/helpers.js'
import { BIN, freePort, startCollector } from './fixtures/process.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

let dir: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  dir = await tempDir()
})
afterEach(async () => {
  await dir.cleanup()
})

async function waitFor(url: string, ms = 20_000): Promise<Response> {
  const until = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(url)
      if (res.ok) return res
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

describe('trackway CLI', () => {
  it('README command 1: `npm start` serves the demo shop and dashboard and prints the admin token', async () => {
    const port = await freePort()
    const store = join(dir.dir, 'start.duckdb')
    const child = spawn('npm', ['start', '--', '--port', String(port), '--store', `duckdb:${store}`, '--demo-persons', '60'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // npm runs node as a child: signal the whole group
    })
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    const exited = new Promise((r) => child.once('exit', r))
    try {
      const base = `http://127.0.0.1:${port}`
      expect(await (await waitFor(`${base}/demo/`)).text()).toContain('data-site="demo"')
      await waitFor(`${base}/dashboard/`)
      await expect.poll(() => out, { timeout: 5000 }).toMatch(/admin token: {2}\S{20,}/)
      const token = /admin token: {2}(\S+)/.exec(out)![1]
      expect(out).toContain(`${base}/demo/`)
      // An empty demo site is filled with synthetic history, so the reports are never empty.
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/demo site filled with \d+ events/)
      const overview = await fetch(`${base}/v1/sites/demo/stats/overview`, { headers: { authorization: `Bearer ${token}` } })
      expect((await overview.json()).visitors).toBeGreaterThan(30)
      // Readable at the default level: the demo's ~100 ingest requests print no line each.
      expect(out).not.toMatch(/incoming request|request completed/)
    } finally {
      process.kill(-child.pid!, 'SIGTERM')
      await exited
    }
  })

  it('serves with the flags of SPEC §7 and keeps a generated admin token across restarts', async () => {
    const store = `duckdb:${join(dir.dir, 'cli.duckdb')}`
    const first = await startCollector(['--store', store, '--site', 'shop:https://shop.example'])
    await expect.poll(() => first.output(), { timeout: 5000 }).toMatch(/generated now/)
    const token = /admin token: {2}(\S+)/.exec(first.output())![1]!
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const second = await startCollector(['--store', store])
    const res = await fetch(`${second.url}/v1/sites`, { headers: { authorization: `Bearer ${token}` } })
    const sites = await res.json()
    expect(sites.map((s: { id: string }) => s.id)).toEqual(['shop'])
    // the write key of the Segment endpoints is printed at start, the same on every start
    const printed = /write key: {4}shop (wk_\S+) {2}\(Segment clients: host (\S+)\/v1\/segment\)/
    expect(printed.exec(first.output())?.[1]).toBe(sites[0].writeKey)
    await expect.poll(() => printed.exec(second.output())?.[1], { timeout: 5000 }).toBe(sites[0].writeKey)
    expect(printed.exec(second.output())?.[2]).toBe(second.url)
    expect(second.output()).toContain(`plausible:    endpoint ${second.url}/api/event`)
    second.child.kill('SIGTERM')
    await second.exited
  })

  it('runs the acceptance command `trackway serve --admin-token T …` and warns that T is weak', async () => {
    const c = await startCollector(['--store', `duckdb:${join(dir.dir, 't.duckdb')}`, '--admin-token', 'T', '--site', 'shop:https://shop.example'])
    await expect.poll(() => c.output(), { timeout: 5000 }).toMatch(/warning: .*shorter than 16/)
    const res = await fetch(`${c.url}/v1/sites/shop/stats/overview`, { headers: { authorization: 'Bearer T' } })
    expect(res.status).toBe(200)
    c.child.kill('SIGTERM')
    expect(await c.exited).toBe(0)
  })

  it.each([
    [['serve', '--port', 'x'], /--port must be an integer/],
    [['serve', '--site', 'nope'], /expected id:origin/],
    [['serve', '--what'], /Unknown option '--what'/],
    [['launch'], /unknown command "launch"/],
    [['serve', '--store', 'postgres://x'], /--store must be duckdb:<path> or clickhouse:/],
    [['serve', '--store', 'clickhouse://u:pw@127.0.0.1/bad-name'], /database "bad-name" must match/],
  ])('exits 2 with a clear message for %j', (argv, message) => {
    const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('exits 1 naming the store, its password hidden, when the store cannot be opened', async () => {
    const port = await freePort() // nothing listens there
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', String(await freePort()), '--store', `clickhouse://tw:s3cret@127.0.0.1:${port}/trackway`], { encoding: 'utf8', timeout: 30_000 })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^trackway: cannot open the store clickhouse://tw:\\*\\*\\*@127.0.0.1:${port}/trackway: .*ECONNREFUSED`, 'm'))
    expect(r.stderr).not.toContain('s3cret')
    expect(r.stderr).not.toMatch(/\bat \w+ \(/) // a message, not a stack trace
  })
})
