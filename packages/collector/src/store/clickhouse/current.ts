import type { Tables } from './schema.js'
import { sql, type Sql } from './sql.js'

/**
 * The condition that keeps, of a site's `persons` rows (alias `p`), the current derivation of
 * each person: its highest version, and of equal versions the one tiebreak. The subquery reads
 * the shard-local table: a person's rows all live on one shard (sharded by person), so every
 * shard filters its own rows.
 */
export const currentPersons = (t: Tables, site: string): Sql => sql`p.site = ${site}
  AND (p.person, p.version, p.tiebreak) IN (
    SELECT person, max(version), argMax(tiebreak, version) FROM ${t.local('persons')} WHERE site = ${site} GROUP BY person)`
