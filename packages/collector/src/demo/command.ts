import { parseArgs } from 'node:util'
import { ConfigError } from '../errors.js'
import { generateDemo } from './generate.js'
import { sendDemo, type SendSummary } from './send.js'
import { generateSpend, sendSpend } from './spend.js'

export interface DemoRun {
  /** The collector's base URL. */
  url: string
  site: string
  days: number
  persons: number
  seed: number
  /** With the admin token, ad spend per channel and campaign is uploaded too (CAC, ROAS). */
  adminToken?: string
}

export interface DemoSummary extends SendSummary {
  /** Spend rows stored (0 without an admin token). */
  spendRows: number
}

/**
 * Generates the demo history and sends it through the collector's real ingest endpoint; with the
 * admin token, uploads the demo's ad spend as well.
 */
export async function runDemo(o: DemoRun): Promise<DemoSummary> {
  const now = Date.now()
  const requests = generateDemo({
    site: o.site,
    shopUrl: `${o.url}/demo/`,
    days: o.days,
    persons: o.persons,
    seed: o.seed,
    now,
  })
  const sum = await sendDemo(o.url, requests, { seed: o.seed })
  const spendRows = o.adminToken ? await sendSpend(o.url, o.site, o.adminToken, generateSpend({ days: o.days, persons: o.persons, seed: o.seed, now })) : 0
  return { ...sum, spendRows }
}

/** `trackway demo [--url] [--site] [--days] [--persons] [--seed] [--admin-token]` */
export function parseDemoArgs(argv: string[]): DemoRun {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8787' },
        site: { type: 'string', default: 'demo' },
        days: { type: 'string', default: '28' },
        persons: { type: 'string', default: '1500' },
        seed: { type: 'string', default: '42' },
        'admin-token': { type: 'string' },
      },
    }))
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
  const n = (name: string, v: string, min: number, max: number) => {
    const x = Number(v)
    if (!Number.isInteger(x) || x < min || x > max) throw new ConfigError(`--${name} must be an integer in ${min}..${max}, got "${v}"`)
    return x
  }
  let url: URL
  try {
    url = new URL(values.url)
  } catch {
    throw new ConfigError(`--url must be the collector's base URL, got "${values.url}"`)
  }
  return {
    url: url.origin,
    site: values.site,
    // The collector rejects events older than its maximum age (30 days by default).
    days: n('days', values.days, 1, 29),
    persons: n('persons', values.persons, 1, 100_000),
    seed: n('seed', values.seed, 0, 2 ** 31),
    ...(values['admin-token'] ? { adminToken: values['admin-token'] } : {}),
  }
}
