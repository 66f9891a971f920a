import { SESSIONS_CTE } from './sessions-sql.js'
import { SELECTED_SESSIONS_CTE } from './overview-sql.js'

const matches = (k: number) =>
  `e.type = $type_${k} AND ($name_${k}::VARCHAR IS NULL OR e.name = $name_${k}) AND ($path_${k}::VARCHAR IS NULL OR e.path = $path_${k})`

/**
 * The greedy funnel of core/funnel.ts for `n` steps, one CTE per step: step 1 is each person's
 * first matching event in range; step k the earliest matching event after step k−1 (by t, then
 * id) within $window ms of step 1. Parameters: $type_k, $name_k, $path_k per step (k from 1).
 */
export function funnelSql(n: number): string {
  const steps = [
    `s1 AS (
  SELECT e.person, arg_min(e.t, (e.t, e.id)) AS t, arg_min(e.id, (e.t, e.id)) AS id, arg_min(e.t, (e.t, e.id)) AS t1
  FROM sev e WHERE e.t >= $from AND e.t < $to AND ${matches(1)}
  GROUP BY e.person
)`,
  ]
  for (let k = 2; k <= n; k++) {
    steps.push(`s${k} AS (
  SELECT p.person, arg_min(e.t, (e.t, e.id)) AS t, arg_min(e.id, (e.t, e.id)) AS id, any_value(p.t1) AS t1,
    arg_min(e.t, (e.t, e.id)) - any_value(p.t) AS gap
  FROM s${k - 1} p JOIN sev e ON e.person = p.person
  WHERE (e.t > p.t OR (e.t = p.t AND e.id > p.id)) AND e.t - p.t1 <= $window AND ${matches(k)}
  GROUP BY p.person
)`)
  }
  const rows = Array.from({ length: n }, (_, i) =>
    i === 0
      ? `SELECT 1 AS k, count(*) AS persons, NULL::DOUBLE AS median_gap FROM s1`
      : `SELECT ${i + 1}, count(*), median(gap) FROM s${i + 1}`,
  )
  return `WITH ${SESSIONS_CTE},
${SELECTED_SESSIONS_CTE},
${steps.join(',\n')}
${rows.join('\nUNION ALL ')}
ORDER BY k`
}
