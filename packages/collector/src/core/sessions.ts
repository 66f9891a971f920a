import { CAMPAIGN_FIELDS, hasCampaign, type ChannelInput } from './channels.js'
import { byTimeThenId } from './persons.js'

/** A session ends after more than 30 minutes without an event (SPEC §4). */
export const SESSION_GAP_MS = 30 * 60 * 1000

export interface SessionEvent extends ChannelInput {
  id: string
  type: string
  t: number
}

const campaignKey = (e: SessionEvent) => CAMPAIGN_FIELDS.map((f) => e[f] ?? '').join('\u0000')

/**
 * Splits one person's events into sessions (SPEC §4): in order of `t`, then `id`, a session
 * starts at the first event, after a gap of more than 30 minutes, and at a `pageview` that
 * carries campaign parameters differing (any of the nine, names and values) from those of the
 * session's first event — also when that first event had none.
 */
export function sessionize<E extends SessionEvent>(personEvents: readonly E[]): E[][] {
  const events = [...personEvents].sort(byTimeThenId)
  const sessions: E[][] = []
  let current: E[] | null = null
  let prev: E | null = null
  for (const e of events) {
    const gap = prev !== null && e.t - prev.t > SESSION_GAP_MS
    const campaignChange =
      current !== null && e.type === 'pageview' && hasCampaign(e) && campaignKey(e) !== campaignKey(current[0]!)
    if (current === null || gap || campaignChange) {
      current = []
      sessions.push(current)
    }
    current.push(e)
    prev = e
  }
  return sessions
}
