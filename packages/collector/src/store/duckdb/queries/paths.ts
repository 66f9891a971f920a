import type { Fragment } from '../selection.js'

/**
 * core/paths.ts over the derived tables: the first $depth pageview paths of each selected session
 * started in range (sessions keep their first MAX_PATH_DEPTH paths), counted.
 */
export const pathsSql = (sel: Fragment) => `
WITH ${sel.sql},
seqs AS (
  SELECT pages[1:$depth] AS pages FROM sel
  WHERE start_t >= $from AND start_t < $to AND len(pages) > 0
)
SELECT pages, count(*) AS sessions FROM seqs GROUP BY pages
ORDER BY sessions DESC, array_to_string(pages, chr(0)) ASC
LIMIT $limit`
