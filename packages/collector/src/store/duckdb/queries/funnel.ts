import type { Fragment } from '../selection.js'

const matches = (k: number) =>
  `e.type = $type_${k} AND ($name_${k}::VARCHAR IS NULL OR e.name = $name_${k}) AND ($path_${k}::VARCHAR IS NULL OR e.path = $path_${k})`

/**
 * The greedy funnel of core/funnel.ts for `n` steps, over the derived events of the selected
 * sessions, one CTE per step: step 1 is each person's first matching event in range; step k the
 * earliest matching event after step k−1 (by t, then id: the person's `seq`) within $window ms of
 * step 1. Parameters: $type_k, $name_k, $path_k per step (k from 1).
 */
export function funnelSql(n: number, sel: Fragment): string {
  const steps = [
    `s1 AS (
  SELECT e.pno, min(e.seq) AS seq, arg_min(e.t, e.seq) AS t, arg_min(e.t, e.seq) AS t1
  FROM sev e WHERE e.t >= $from AND e.t < $to AND ${matches(1)}
  GROUP BY e.pno
)`,
  ]
  for (let k = 2; k <= n; k++) {
    steps.push(`s${k} AS (
  SELECT p.pno, min(e.seq) AS seq, arg_min(e.t, e.seq) AS t, any_value(p.t1) AS t1,
    arg_min(e.t, e.seq) - any_value(p.t) AS gap
  FROM s${k - 1} p JOIN sev e ON e.pno = p.pno
  WHERE e.seq > p.seq AND e.t - p.t1 <= $window AND ${matches(k)}
  GROUP BY p.pno
)`)
  }
  const rows = Array.from({ length: n }, (_, i) =>
    i === 0
      ? `SELECT 1 AS k, count(*) AS persons, NULL::DOUBLE AS median_gap FROM s1`
      : `SELECT ${i + 1}, count(*), median(gap) FROM s${i + 1}`,
  )
  return `WITH ${sel.sql},
${steps.join(',\n')}
${rows.join('\nUNION ALL ')}
ORDER BY k`
}
