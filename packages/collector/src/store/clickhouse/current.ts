import type { Tables } from './schema.js'
import { sql, type Sql } from './sql.js'

/**
 * The condition that keeps, of a site's `persons` rows (alias `p`), the current derivation of
 * each person: its row with the highest version (of equal versions, one). Each row has a random
 * 64-bit `tiebreak`, so the current rows are a set of integers grouped by the integer person key
 * — several times cheaper than matching (person, version) tuples. The subquery reads the
 * shard-local table: a person's rows all live on one shard (sharded by `pno`), so every shard
 * filters its own rows.
 */
export const currentPersons = (t: Tables, site: string): Sql => sql`p.site = ${site}
  AND p.tiebreak IN (SELECT argMax(tiebreak, version) FROM ${t.local('persons')} WHERE site = ${site} GROUP BY pno)`

/** The same over every site (the catch-up sweep and tests). */
export const currentPersonsOfAllSites = (t: Tables): Sql => sql`p.tiebreak IN (SELECT argMax(tiebreak, version) FROM ${t.local('persons')} GROUP BY site, pno)`
