import { UAParser } from 'ua-parser-js'
import { isbot } from 'isbot'

export interface Agent {
  browser: string | null
  os: string | null
  /** desktop | mobile | tablet | bot (SPEC §3). */
  device: string
  isBot: boolean
}

const MAX_CACHED = 2000
const cache = new Map<string, Agent>()

/**
 * Parses a User-Agent with ua-parser-js 1.x (MIT; 2.x is AGPL) and flags bots with isbot's
 * maintained list. A missing User-Agent is a bot: browsers always send one.
 * Parsing costs ~20 µs, and a site's traffic repeats a few hundred agents, so results are cached.
 */
export function parseAgent(ua: string | undefined): Agent {
  const key = ua ?? ''
  const hit = cache.get(key)
  if (hit) return hit
  const agent = parse(key)
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
  cache.set(key, agent)
  return agent
}

function parse(ua: string): Agent {
  const bot = ua.trim() === '' || isbot(ua)
  const r = new UAParser(ua).getResult()
  const type = r.device.type
  const device = bot ? 'bot' : type === 'mobile' || type === 'wearable' ? 'mobile' : type === 'tablet' ? 'tablet' : 'desktop'
  return { browser: r.browser.name ?? null, os: r.os.name ?? null, device, isBot: bot }
}
