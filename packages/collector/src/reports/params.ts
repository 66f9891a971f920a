import { EVENT_TYPES } from '@trackway/protocol'
import type { Filters } from '../core/filters.js'

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const
const value = { type: 'string', minLength: 1, maxLength: 300 } as const

/** Query-string properties every report takes: the range and the common filters of SPEC §6. */
export const commonQuery = {
  from: date,
  to: date,
  channel: value,
  source: value,
  medium: value,
  campaign: value,
  device: value,
  browser: value,
  os: value,
  country: value,
  path: { type: 'string', pattern: '^/', maxLength: 2048 },
  referred: { type: 'string', enum: ['true', 'false'] },
} as const

/** A goal: an event type, or `custom:<name>`. */
export const goalParam = { type: 'string', pattern: `^(${EVENT_TYPES.filter((t) => t !== 'custom').join('|')}|custom:.{1,120})$` } as const

export type CommonQuery = { from?: string; to?: string; referred?: 'true' | 'false' } & Omit<Filters, 'referred'>

/** The filters of a validated query. */
export function filtersOf(q: CommonQuery): Filters {
  const f: Filters = {}
  for (const k of ['channel', 'source', 'medium', 'campaign', 'device', 'browser', 'os', 'country', 'path'] as const) {
    if (q[k] !== undefined) f[k] = q[k]
  }
  if (q.referred !== undefined) f.referred = q.referred === 'true'
  return f
}
