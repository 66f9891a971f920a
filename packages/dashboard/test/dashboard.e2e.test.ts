import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFile, readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { chromiumAvailable, launchChromium } from '../../collector/test/fixtures/browser.js'
import type { Collector } from '../../collector/test/fixtures/process.js'
import { README_SHOT, SHOTS, TOKEN, apiGet, context, demoCollector, settled, shoot, watchErrors } from './fixtures/demo-collector.js'

const run = chromiumAvailable()
const SITE = '/v1/sites/demo/'
const DAY = 86_400_000
/** The last 30 days in the demo site's zone (UTC), as the dashboard's default range. */
const today = () => new Date().toISOString().slice(0, 10)
const range30 = () => ({ from: new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10), to: today() })

/** The raw values (`data-value`) of a table's column, row by row. */
const column = (page: Page, table: string, key: string) =>
  page.locator(`[data-testid="${table}"] tbody tr [data-key="${key}"]`).evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.value))
const value = (page: Page, testid: string) => page.getByTestId(testid).first().getAttribute('data-value')
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v))
/**
 * The shown raw values equal the API's: text exactly, numbers to 12 significant digits — DuckDB
 * sums in parallel, so two identical requests may differ in the last bit of a fractional credit.
 */
function same(shown: readonly (string | null | undefined)[], api: readonly unknown[], what = '') {
  expect(shown.length, `${what} rows`).toBe(api.length)
  shown.forEach((v, i) => {
    const a = api[i]
    if (typeof a === 'number' && v !== '' && v !== null && v !== undefined) expect(Number(v), `${what}[${i}]`).toBeCloseTo(a, Math.max(0, 11 - Math.ceil(Math.log10(Math.abs(a) + 1))))
    else expect(v ?? '', `${what}[${i}]`).toBe(str(a))
  })
}

describe.skipIf(!run)('dashboard in real Chromium → real collector with demo data', () => {
  let collector: Collector
  let cleanup: () => Promise<void>
  let browser: Browser
  let base: string

  beforeAll(async () => {
    ;({ collector, cleanup } = await demoCollector(300))
    base = collector.url
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await cleanup?.()
  })

  /** A signed-in page (the printed `#token=` link) at `search`, settled. */
  async function open(width: 1280 | 375, search = '') {
    const ctx = await context(browser, width)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${base}/dashboard/${search}#token=${TOKEN}`)
    await settled(page)
    return { page, errors, close: () => ctx.close() }
  }

  it('signs in from the printed #token= link, keeps the token for the tab and takes it out of the URL', async () => {
    const { page, errors, close } = await open(1280)
    expect(page.url()).not.toContain('token')
    expect(await page.evaluate(() => sessionStorage.getItem('trackway-token'))).toBe(TOKEN)
    expect(await page.getByTestId('range-from').inputValue()).toBe(range30().from) // the site's today, not the browser's (UTC+14)
    expect(errors).toEqual([])
    await close()
  })

  it('shows in every view the numbers the API answers for the same range and filters', async () => {
    const { page, errors, close } = await open(1280)
    const r = range30()
    // Overview: every KPI, the chart's data, the breakdowns
    const o = await apiGet(base, `${SITE}stats/overview`, { ...r, compare: 'previous' })
    for (const k of ['visitors', 'sessions', 'pageviews', 'bounceRate', 'avgSessionMs', 'conversionRate', 'orders', 'revenue', 'aov', 'cartAbandonmentRate', 'signups']) {
      same([await value(page, `kpi-${k}`)], [o[k]], k)
    }
    expect(o.visitors).toBeGreaterThan(100)
    const series = await apiGet<{ t: string; value: number }[]>(base, `${SITE}stats/timeseries`, { ...r, metric: 'visitors', interval: 'day' })
    same(await column(page, 'timeseries-table', 'value'), series.map((p) => p.value))
    const channels = await apiGet<{ value: string; visitors: number; revenue: number }[]>(base, `${SITE}stats/breakdown`, { ...r, dimension: 'channel', limit: 10 })
    expect(await column(page, 'breakdown-sources-table', 'value')).toEqual(channels.map((c) => c.value))
    same(await column(page, 'breakdown-sources-table', 'visitors'), channels.map((c) => c.visitors))
    same(await column(page, 'breakdown-sources-table', 'revenue'), channels.map((c) => c.revenue))

    // Click a tile to chart it: the URL and the chart's data follow
    await page.locator('button[data-metric="revenue"]').click()
    await settled(page)
    expect(page.url()).toContain('metric=revenue')
    const revenueSeries = await apiGet<{ value: number }[]>(base, `${SITE}stats/timeseries`, { ...r, metric: 'revenue', interval: 'day' })
    same(await column(page, 'timeseries-table', 'value'), revenueSeries.map((p) => p.value))

    // Funnel: AIDA, then custom steps
    await page.getByTestId('nav-funnel').click()
    await settled(page)
    const aida = await apiGet(base, `${SITE}stats/funnel`, { ...r, preset: 'aida', window: '7d' })
    same(await column(page, 'funnel-table', 'persons'), aida.steps.map((s: { persons: number }) => s.persons))
    await page.getByTestId('funnel-preset').selectOption('custom')
    await page.getByTestId('step-1-path').fill('/demo/product.html')
    await page.getByTestId('funnel-apply').click()
    await settled(page)
    const steps = 'pageview,cart_add@/demo/product.html,checkout,purchase'
    expect(new URL(page.url()).searchParams.get('funnel')).toBe(steps)
    const custom = await apiGet(base, `${SITE}stats/funnel`, { ...r, steps, window: '7d' })
    same(await column(page, 'funnel-table', 'persons'), custom.steps.map((s: { persons: number }) => s.persons))
    same(await column(page, 'funnel-table', 'medianMsFromPrevious'), custom.steps.map((s: { medianMsFromPrevious: number | null }) => s.medianMsFromPrevious))

    // Acquisition with spend (the demo uploads it), attribution models side by side
    await page.getByTestId('nav-acquisition').click()
    await settled(page)
    const acq = await apiGet<Record<string, unknown>[]>(base, `${SITE}stats/acquisition`, { ...r, model: 'last_non_direct' })
    for (const k of ['channel', 'visitors', 'newCustomers', 'spend', 'cac', 'cpa', 'roas', 'roi', 'clv', 'ltvToCac', 'paybackDays']) same(await column(page, 'acquisition-table', k), acq.map((x) => x[k]), k)
    expect(acq.find((x) => x.channel === 'Paid Search')!.roas).toBeGreaterThan(0)
    // LTV:CAC and payback: the rule of thumb labels the column and marks each value against 3:1
    const paid = acq.filter((x) => typeof x.ltvToCac === 'number')
    expect(paid.length).toBeGreaterThan(0)
    expect(acq.some((x) => typeof x.paybackDays === 'number')).toBe(true)
    expect(await page.locator('[data-testid="acquisition-table"] thead th').allTextContents()).toEqual(expect.arrayContaining(['LTV:CAC (≥ 3)', 'Payback']))
    const marks = await page.getByTestId('ltv-cac-mark').evaluateAll((m) => m.map((e) => (e as HTMLElement).title))
    expect(marks).toEqual(paid.map((x) => `${(x.ltvToCac as number) >= 3 ? 'Meets' : 'Below'} the 3:1 rule of thumb`))
    const low = paid.filter((x) => (x.ltvToCac as number) < 3)
    expect(await page.getByTestId('hint-ltv-cac').count()).toBe(low.length ? 1 : 0)
    if (low.length) expect(await page.getByTestId('hint-ltv-cac').textContent()).toContain(`${low[0]!.channel} (`)
    // the six rule-based models and Markov side by side, each column the API's credits
    const shown = Object.fromEntries((await column(page, 'attribution-table', 'value')).map((v, i) => [v, i]))
    for (const model of ['linear', 'markov']) {
      const credits = await apiGet<{ value: string; revenue: number }[]>(base, `${SITE}stats/attribution`, { ...r, model, by: 'channel', lookback: '30d' })
      expect(credits.length, model).toBeGreaterThan(2)
      const col = await column(page, 'attribution-table', model)
      for (const row of credits) same([col[shown[row.value]!]], [row.revenue], `${model} ${row.value}`)
    }
    expect(await page.locator('[data-testid="attribution-table"] thead th').allTextContents()).toContain('Markov chain')
    // acquisition under Markov: the model picker's credits are the API's
    await page.getByTestId('acquisition-model').selectOption('markov')
    await settled(page)
    expect(new URL(page.url()).searchParams.get('model')).toBe('markov')
    const markovAcq = await apiGet<Record<string, unknown>[]>(base, `${SITE}stats/acquisition`, { ...r, model: 'markov' })
    for (const k of ['channel', 'conversions', 'revenue', 'clv', 'paybackDays']) same(await column(page, 'acquisition-table', k), markovAcq.map((x) => x[k]), `markov ${k}`)

    // Revenue & retention
    await page.getByTestId('nav-revenue').click()
    await settled(page)
    const rev = await apiGet(base, `${SITE}stats/revenue`, r)
    for (const k of ['revenue', 'orders', 'aov', 'customers', 'newCustomers', 'repeatPurchaseRate', 'clv', 'clvToAov']) same([await value(page, `revenue-${k}`)], [rev[k]], k)
    const ret = await apiGet(base, `${SITE}stats/retention`, { ...r, cohort: 'week', periods: 8 })
    expect(await page.locator('[data-testid=retention-row] td:nth-child(2)').evaluateAll((t) => t.map((c) => (c as HTMLElement).dataset.value))).toEqual(ret.cohorts.map((c: { size: number }) => str(c.size)))
    same([await value(page, 'churn-rate')], [ret.churnRate], 'churnRate')

    // Referrals & CSAT
    await page.getByTestId('nav-referrals').click()
    await settled(page)
    const ref = await apiGet(base, `${SITE}stats/referrals`, { ...r, limit: 20 })
    for (const k of ['invites', 'referrers', 'referredVisitors', 'referredSignups', 'kFactor']) same([await value(page, `referrals-${k}`)], [ref[k]], k)
    expect(await column(page, 'top-referrers', 'referralCode')).toEqual(ref.topReferrers.map((x: { referralCode: string }) => x.referralCode))
    const csat = await apiGet(base, `${SITE}stats/csat`, r)
    same([await value(page, 'csat-csat'), await value(page, 'csat-avgScore')], [csat.csat, csat.avgScore], 'csat')

    // Experiments: typed name, variants, intervals
    await page.getByTestId('nav-experiments').click()
    await page.getByTestId('experiment-name').fill('hero-cta')
    await page.getByTestId('experiment-apply').click()
    await settled(page)
    const x = await apiGet(base, `${SITE}stats/experiments`, { ...r, experiment: 'hero-cta', goal: 'purchase' })
    for (const k of ['variant', 'exposed', 'converted', 'rate', 'pValue']) same(await column(page, 'variants', k), x.variants.map((v: Record<string, unknown>) => v[k]), k)
    expect(await page.getByTestId('ci-row').count()).toBe(x.variants.filter((v: { ci95: unknown }) => v.ci95).length)
    expect(await page.getByTestId('srm-warning').count()).toBe(x.srmPValue < 0.01 ? 1 : 0)

    // Paths and a journey, by anonymousId (resolves to Jane's account)
    await page.getByTestId('nav-journeys').click()
    await settled(page)
    const paths = await apiGet<{ pages: string[]; sessions: number }[]>(base, `${SITE}stats/paths`, { ...r, depth: 4, limit: 20 })
    same(await column(page, 'paths-table', 'sessions'), paths.map((p) => p.sessions))
    await page.getByTestId('journey-person').fill('anon-jane')
    await page.getByTestId('journey-apply').click()
    await settled(page)
    const j = await apiGet(base, `${SITE}journeys/anon-jane`)
    expect(j.personId).toBe('jane@example.com')
    expect(await page.getByTestId('journey-summary').textContent()).toContain('jane@example.com')
    expect(await page.getByTestId('journey-channel').allTextContents()).toEqual(j.sessions.map((s: { channel: string }) => s.channel))
    expect(await page.getByTestId('recent-person').count()).toBe(0) // listed from the next lookup on
    expect(errors).toEqual([])
    await close()
  })

  it('filters everything by a clicked breakdown row, puts it in the URL, and a copied URL restores the view', async () => {
    const { page, errors, close } = await open(1280)
    await page.locator('[data-testid="breakdown-sources-table"] button.row-link', { hasText: /^Email$/ }).click()
    await settled(page)
    const url = new URL(page.url())
    expect(url.searchParams.get('f.channel')).toBe('Email')
    await expect.poll(() => page.getByTestId('chip-channel').textContent()).toContain('Email')
    const filtered = await apiGet(base, `${SITE}stats/overview`, { ...range30(), channel: 'Email' })
    same([await value(page, 'kpi-visitors')], [filtered.visitors])
    expect(await column(page, 'breakdown-sources-table', 'value')).toEqual(['Email'])
    // a page row sets the path filter; both apply
    await page.getByTestId('nav-acquisition').click()
    await settled(page)
    expect(await column(page, 'acquisition-table', 'channel')).toEqual((await apiGet<{ channel: string }[]>(base, `${SITE}stats/acquisition`, { ...range30(), channel: 'Email' })).map((x) => x.channel))
    const link = page.url()
    expect(link).toContain('view=acquisition')

    // The link in a new tab (no token there yet): sign in, and the same view comes back
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const tab = await other.newPage()
    await tab.goto(link)
    await tab.getByTestId('token').fill(TOKEN)
    await tab.getByTestId('sign-in').click()
    await settled(tab)
    expect(tab.url()).toBe(link)
    expect(await tab.getByTestId('chip-channel').textContent()).toContain('Email')
    expect(await tab.getByTestId('view-acquisition').count()).toBe(1)
    same(await column(tab, 'acquisition-table', 'spend'), (await column(page, 'acquisition-table', 'spend')).map(Number), 'spend')
    await other.close()

    // removing the chip removes the filter
    await page.getByTestId('chip-channel').click()
    await settled(page)
    expect(new URL(page.url()).searchParams.get('f.channel')).toBeNull()
    expect(errors).toEqual([])
    await close()
  })

  it('exports each table as CSV with exactly the rows it shows', async () => {
    const { page, errors, close } = await open(1280, '?view=acquisition')
    for (const table of ['acquisition-table', 'attribution-table']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${table}-csv`).click()])
      const csv = await readFile((await download.path())!, 'utf8')
      const lines = csv.trimEnd().split('\r\n').map((l) => l.split(','))
      const header = await page.locator(`[data-testid="${table}"] thead th`).allTextContents()
      const cells = await page.locator(`[data-testid="${table}"] tbody tr`).evaluateAll((rows) => rows.map((tr) => [...tr.children].map((c) => (c as HTMLElement).dataset.value ?? '')))
      expect(lines[0]).toEqual(header)
      expect(lines.slice(1)).toEqual(cells)
      expect(download.suggestedFilename()).toMatch(/^trackway-demo-.+\.csv$/)
    }
    expect(errors).toEqual([])
    await close()
  })

  it('uploads spend from the page, and CAC changes to what the API then answers', async () => {
    const { page, errors, close } = await open(1280, '?view=acquisition')
    const row = async () => {
      const channels = await column(page, 'acquisition-table', 'channel')
      const i = channels.indexOf('Paid Social')
      return { spend: (await column(page, 'acquisition-table', 'spend'))[i], cac: (await column(page, 'acquisition-table', 'cac'))[i] }
    }
    const before = await row()
    await page.getByTestId('spend').locator('summary').click()
    await page.getByTestId('spend-file').setInputFiles({ name: 'ads.csv', mimeType: 'text/csv', buffer: Buffer.from(`Date,Channel,Campaign,Amount\n${today()},Paid Social,"e2e, upload",250\n`) })
    await page.getByTestId('spend-submit').click()
    await expect.poll(() => page.getByTestId('spend-status').textContent()).toContain('Stored 1 spend row')
    await expect.poll(async () => (await row()).spend).not.toBe(before.spend)
    const after = (await apiGet<{ channel: string; spend: number; cac: number }[]>(base, `${SITE}stats/acquisition`, { ...range30() })).find((x) => x.channel === 'Paid Social')!
    expect(Number(after.spend)).toBeCloseTo(Number(before.spend) + 250, 6)
    const now = await row()
    same([now.spend, now.cac], [after.spend, after.cac], 'Paid Social')
    expect(after.cac).not.toBe(Number(before.cac))
    // a bad upload shows the API's message
    await page.getByTestId('spend-text').fill('date,amount\nyesterday,1\n')
    await page.getByTestId('spend-submit').click()
    await expect.poll(() => page.getByTestId('spend-status').textContent()).toMatch(/Upload failed: .*line 2\.date/)
    // Chromium logs the 400 answer itself as a console error: that one is expected
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await close()
  })

  it('goes back to sign-in on a 401, with a message, and signs in again', async () => {
    const { page, close } = await open(1280)
    const ROTATED = 'a-token-that-was-rotated'
    // A busy collector answers the rotated token's realtime request late, after the user signed in
    // again: that stale request (aborted when the view was left, or its 401 if it still arrives)
    // must not sign the new session out (CI, under load, hit exactly this).
    let signedIn!: () => void
    const again = new Promise<void>((r) => (signedIn = r))
    let stale = 0
    let staleRequest: unknown = null
    await page.route('**/stats/realtime*', async (route) => {
      if ((await route.request().allHeaders()).authorization !== `Bearer ${ROTATED}`) return route.continue()
      stale++
      staleRequest = route.request()
      await again
      await route.continue().catch(() => undefined) // the page may have aborted it meanwhile
    })
    // listening from the start: Chromium reports an aborted request as failed at once
    const isStale = (r: unknown) => r === staleRequest
    const settledStale = new Promise<void>((done) => {
      page.on('requestfailed', (r) => isStale(r) && done())
      page.on('requestfinished', (r) => isStale(r) && done())
    })
    await page.evaluate((t) => sessionStorage.setItem('trackway-token', t), ROTATED)
    await page.getByTestId('nav-funnel').click()
    await page.getByTestId('login').waitFor()
    expect(await page.getByTestId('login-error').textContent()).toMatch(/not accepted/)
    expect(await page.evaluate(() => sessionStorage.getItem('trackway-token'))).toBeNull()
    await page.getByTestId('token').fill(TOKEN)
    await page.getByTestId('sign-in').click()
    await settled(page)
    expect(stale).toBe(1)
    signedIn()
    await settledStale
    await page.waitForTimeout(300)
    expect(await page.getByTestId('login').count()).toBe(0)
    expect(await page.getByTestId('view-funnel').count()).toBe(1)
    expect(await page.evaluate(() => sessionStorage.getItem('trackway-token'))).toBe(TOKEN)
    await close()
  })

  it('draws every view at 1280 px and at 375 px without console errors or sideways scrolling (screenshots in test/screenshots/)', async () => {
    const views = ['overview', 'funnel', 'acquisition', 'revenue', 'referrals', 'experiments', 'journeys']
    const extra: Record<string, string> = { experiments: '&experiment=hero-cta', journeys: '&person=jane%40example.com' }
    for (const width of [1280, 375] as const) {
      const { page, errors, close } = await open(width)
      for (const v of views) {
        await page.goto(`${base}/dashboard/?view=${v}${extra[v] ?? ''}`)
        await settled(page)
        await page.waitForTimeout(150) // uPlot draws on the next frame
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${v} at ${width}px`).toBeLessThanOrEqual(width)
        await shoot(page, v)
      }
      if (width === 1280 && process.env.TRACKWAY_README_SCREENSHOT) {
        // README's quick start: the overview of the last 7 days against the 7 before
        await page.goto(`${base}/dashboard/?range=7d`)
        await settled(page)
        await page.waitForTimeout(150)
        await page.screenshot({ path: README_SHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1160 } })
        await copyFile(README_SHOT, `${SHOTS}readme.png`)
      }
      expect(errors).toEqual([])
      await close()
    }
  })
})
