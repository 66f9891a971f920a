import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { TOKEN, readStore, tempDir } from './fixtures/helpers.js'
import { startCollector, type Collector } from './fixtures/process.js'
import { chromiumAvailable, desktopContext, launchChromium } from './fixtures/browser.js'

const run = chromiumAvailable()

describe.skipIf(!run)('demo shop in real Chromium → real collector → DuckDB', () => {
  let dir: { dir: string; cleanup: () => Promise<void> }
  let path: string
  let collector: Collector
  let browser: Browser

  beforeAll(async () => {
    dir = await tempDir()
    path = join(dir.dir, 'e2e.duckdb')
    // No synthetic history: this test counts exactly the events its clicks send.
    collector = await startCollector(['--demo', '--demo-persons', '0', '--store', `duckdb:${path}`, '--admin-token', TOKEN])
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (collector && collector.child.exitCode === null) {
      collector.child.kill('SIGTERM')
      await collector.exited
    }
    await dir?.cleanup()
  })

  it('stores every event the shop\'s pages send, once each, and the overview shows them', async () => {
    const context = await desktopContext(browser)
    const page = await context.newPage()
    const sentIds = new Set<string>()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('request', (req) => {
      if (!req.url().endsWith('/v1/batch')) return
      const body = JSON.parse(req.postData() ?? '{}') as { events?: { id: string }[] }
      for (const e of body.events ?? []) sentIds.add(e.id)
    })
    const click = async (p: Page, testId: string) => {
      await p.getByTestId(testId).click()
    }

    await page.goto(`${collector.url}/demo/`)
    await page.waitForFunction(() => typeof (window as unknown as { trackway?: unknown }).trackway === 'function' && !('q' in (window as any).trackway))
    await click(page, 'add-to-cart-mug')
    await click(page, 'invite')
    await click(page, 'feedback-5')
    await click(page, 'view-cap')
    await page.waitForURL(/product\.html/)
    await click(page, 'add-to-cart-cap')
    await click(page, 'go-cart')
    await page.waitForURL(/cart\.html/)
    await click(page, 'remove-mug')
    await click(page, 'checkout')
    await page.waitForURL(/checkout\.html/)
    await click(page, 'place-order')
    await page.waitForURL(/thank-you\.html/)
    await click(page, 'download-invoice')
    await click(page, 'create-account')
    await page.waitForURL(/signup\.html/)
    await page.getByTestId('signup-email').fill('jane@example.com')
    await click(page, 'signup-submit')
    await page.getByTestId('signup-done').waitFor()
    // Leave the last page so its pending events go out on pagehide, then give the SDK a flush.
    await page.goto(`${collector.url}/demo/index.html`)
    await page.evaluate(() => (window as unknown as { trackway: (m: string) => void }).trackway('flush'))
    await expect
      .poll(async () => {
        const res = await fetch(`${collector.url}/v1/sites/demo/stats/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })
        return (await res.json()) as { pageviews: number; orders: number }
      }, { timeout: 20_000, interval: 500 })
      .toMatchObject({ orders: 1, pageviews: 7, signups: 1, revenue: 29, visitors: 1 })
    await page.close({ runBeforeUnload: true })
    await context.close()
    expect(pageErrors).toEqual([])

    collector.child.kill('SIGTERM')
    expect(await collector.exited).toBe(0)
    const rows = await readStore<{ id: string; type: string; is_bot: boolean }>(path, 'SELECT id, type, is_bot FROM events')
    const stored = new Map(rows.map((r) => [r.id, r]))
    expect(rows.length).toBe(stored.size) // each id once
    expect([...sentIds].filter((id) => !stored.has(id))).toEqual([]) // everything sent arrived
    const types = rows.reduce<Record<string, number>>((n, r) => ((n[r.type] = (n[r.type] ?? 0) + 1), n), {})
    expect(types).toMatchObject({
      pageview: 7,
      cart_add: 2,
      cart_remove: 1,
      checkout: 1,
      purchase: 1,
      custom: 1,
      signup: 1,
      identify: 1,
      referral_invite: 1,
      feedback: 1,
    })
    expect(types.experiment).toBeGreaterThanOrEqual(1)
    expect(rows.every((r) => !r.is_bot)).toBe(true)
  })
})
