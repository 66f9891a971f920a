import { SESSIONS_CTE } from './sessions-sql.js'
import { SELECTED_SESSIONS_CTE } from './overview-sql.js'

/** core/paths.ts in SQL: the first $depth pageview paths of each session in range, counted. */
export const PATHS_SQL = `
WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE},
seqs AS (
  SELECT e.person, e.session_no, list(e.path ORDER BY e.t, e.id)[1:$depth] AS pages
  FROM sev e JOIN sel s USING (person, session_no)
  WHERE e.type = 'pageview' AND s.start_t >= $from AND s.start_t < $to
  GROUP BY e.person, e.session_no
)
SELECT pages, count(*) AS sessions FROM seqs GROUP BY pages
ORDER BY sessions DESC, array_to_string(pages, chr(0)) ASC
LIMIT $limit`
