import { seeded } from './random.js'

/** One day's ad spend of a channel's campaign, as `POST /v1/sites/:site/spend` takes it. */
export interface DemoSpendRow {
  date: string
  channel: string
  campaign?: string
  amount: number
}

/**
 * Daily spend per paid channel and campaign for 1500 visitors (scaled to `persons`), set against
 * the revenue the demo traffic brings (~$1800 attributed to Paid Search over 28 days) so that
 * acquisition shows a spread worth reading: search and social pay back about 3×, affiliates
 * (commission) and email (the mail service) are cheap, and display spends more than it returns.
 * The campaigns are those of the demo's landing URLs (demo/traffic.ts).
 */
const DAILY: readonly (readonly [channel: string, campaign: string | undefined, amount: number])[] = [
  ['Paid Search', 'brand', 5],
  ['Paid Search', 'generic-mugs', 9.5],
  ['Paid Search', 'black-friday', 6.5],
  ['Paid Social', 'retargeting', 9],
  ['Paid Social', 'black-friday', 7],
  ['Display', 'awareness', 34],
  ['Affiliates', 'partners', 2],
  ['Email', undefined, 1],
]

const DAY = 86_400_000

/** The demo's spend rows for the `days` UTC dates ending today (the demo site's zone is UTC). */
export function generateSpend(o: { days: number; persons: number; seed: number; now: number }): DemoSpendRow[] {
  const r = seeded(o.seed ^ 0x5e4d)
  const scale = o.persons / 1500
  const rows: DemoSpendRow[] = []
  for (let d = o.days; d >= 0; d--) {
    const date = new Date(o.now - d * DAY).toISOString().slice(0, 10)
    for (const [channel, campaign, amount] of DAILY) {
      // ±30 % from day to day, in cents
      const cents = Math.round(amount * scale * (0.7 + 0.6 * r.next()) * 100)
      if (cents > 0) rows.push({ date, channel, ...(campaign ? { campaign } : {}), amount: cents / 100 })
    }
  }
  return rows
}

/** Uploads the rows (`POST /v1/sites/:site/spend`); resolves with how many were stored. */
export async function sendSpend(endpoint: string, site: string, adminToken: string, rows: readonly DemoSpendRow[], fetchImpl = fetch): Promise<number> {
  const res = await fetchImpl(`${endpoint}/v1/sites/${encodeURIComponent(site)}/spend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(rows),
  })
  if (!res.ok) throw new Error(`demo spend upload answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { stored: number }).stored
}
