import { personKey } from '../derive/person-row.js'
import type { Tables } from '../schema.js'
import { raw, sql, type Sql } from '../sql.js'

/** The current row of one person (its journey): by its key, so only that person's rows are read. */
export function personRowSql(t: Tables, site: string, person: string): Sql {
  const pno = raw(personKey(site, person)) // digits only: a UInt64 literal
  return sql`
SELECT p.* FROM ${t.name('persons')} AS p
WHERE p.site = ${site} AND p.pno = ${pno} AND p.person = ${person} AND p.tiebreak IN (
  SELECT argMax(tiebreak, version) FROM ${t.local('persons')} WHERE site = ${site} AND pno = ${pno} GROUP BY pno)`
}

/** Does any non-bot event carry this userId (links holds every (userId, browser) pair seen)? */
export const isUserSql = (t: Tables, site: string, id: string): Sql => sql`
SELECT 1 AS found FROM ${t.name('links')} WHERE site = ${site} AND user_id = ${id} LIMIT 1`

/** The non-bot events of one browser: enough to name its person (core/journey.ts resolvePerson). */
export const browserEventsSql = (t: Tables, site: string, anonymousId: string): Sql => sql`
SELECT id, type, t, received_at, user_id FROM ${t.name('events')}
WHERE site = ${site} AND anonymous_id = ${anonymousId} AND is_bot = 0`
