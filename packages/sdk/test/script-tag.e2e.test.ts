import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Batch } from '@trackway/protocol'

/*
 * The built script-tag bundle in real Chromium, against a stub collector (SPEC §8 "tested in real
 * Chromium"). Needs `npm run build` first; Chromium from CHROMIUM_PATH, /usr/bin/chromium or
 * Playwright's own download.
 */
const BUNDLE = fileURLToPath(new URL('../dist/trackway.min.js', import.meta.url))
const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))

describe('script tag in Chromium', () => {
  let browser: Browser
  let collectorUrl: string
  let siteUrl: string
  const received: { contentType?: string; batch: Batch }[] = []
  let status = 200
  const servers: Server[] = []

  beforeAll(async () => {
    const bundle = readFileSync(BUNDLE, 'utf8')
    const collector = createServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*')
      if (req.url == '/sdk.js') return res.setHeader('content-type', 'text/javascript'), res.end(bundle)
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        received.push({ contentType: req.headers['content-type'], batch: JSON.parse(body) })
        res.statusCode = status
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(status < 300 ? { accepted: 1, duplicates: 0, rejected: [] } : { error: { code: 'overloaded', message: '' } }))
      })
    })
    collectorUrl = await listen(collector)
    const site = createServer((req, res) => {
      res.setHeader('content-type', 'text/html')
      if (req.url == '/blank') return res.end('<!doctype html><title>Blank</title>')
      res.end(`<!doctype html><title>Shop</title>
<script>window.trackway=window.trackway||function(){(trackway.q=trackway.q||[]).push(arguments)}</script>
<script defer src="${collectorUrl}/sdk.js" data-site="shop" data-flush-interval-ms="60000"></script>
<script>trackway('purchase', { orderId: 'o-1', revenue: 42.5 })</script>`)
    })
    siteUrl = await listen(site)
    servers.push(collector, site)
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    for (const server of servers) server.close()
  })

  it('queues in IndexedDB at once, beacons on pagehide, and the next page load resends until acknowledged', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${siteUrl}/?ref=FRIEND`)
    await page.waitForFunction(() => typeof (window as unknown as { trackway: { q?: unknown } }).trackway.q == 'undefined')
    // One global: what the bundle added to a blank page's window is `trackway` alone (the stub's).
    const blank = await context.newPage()
    await blank.goto(`${siteUrl}/blank`)
    const globals = (p: typeof page) => p.evaluate(() => Object.keys(window))
    const base = new Set(await globals(blank))
    expect((await globals(page)).filter((k) => !base.has(k))).toEqual(['trackway'])
    await blank.close()
    const keys = await page.evaluate(async () => {
      ;(window as unknown as { trackway: (...a: unknown[]) => void }).trackway('track', 'clicked')
      await new Promise((resolve) => setTimeout(resolve, 100))
      return new Promise<string[]>((resolve) => {
        const open = indexedDB.open('trackway')
        open.onsuccess = () => {
          const request = open.result.transaction('queue').objectStore('queue').getAllKeys()
          request.onsuccess = () => resolve(request.result.map(String))
        }
      })
    })
    expect(keys.filter((k) => k.startsWith('q:v1:shop:'))).toHaveLength(3)
    expect(received).toEqual([])

    status = 503 // the beacon's answer is never read: the events stay queued regardless
    await page.goto('about:blank')
    await expect.poll(() => received.length).toBe(1)
    const [beacon] = received
    expect(beacon.contentType).toBe('text/plain;charset=UTF-8')
    expect(beacon.batch.site).toBe('shop')
    expect(beacon.batch.events.map((e) => e.type)).toEqual(['pageview', 'purchase', 'custom', 'engagement'])
    expect(beacon.batch.events.every((e) => e.referralCode == 'FRIEND')).toBe(true)

    status = 200
    const next = await context.newPage()
    await next.goto(`${siteUrl}/next`)
    await next.evaluate(() => (window as unknown as { trackway: (m: string) => Promise<void> }).trackway('flush'))
    const resent = received.slice(1).flatMap((r) => r.batch.events.map((e) => e.id))
    // The events queued before the page was left; the engagement event made by `pagehide` itself
    // rides on the beacon (an unloading page's IndexedDB write may not land).
    const queuedBefore = beacon.batch.events.filter((e) => e.type != 'engagement').map((e) => e.id)
    expect(resent).toEqual(expect.arrayContaining(queuedBefore))
    await context.close()
  })
})
