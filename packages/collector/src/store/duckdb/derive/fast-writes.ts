import { MAX_PATH_DEPTH } from '../../../core/paths.js'
import { listSql } from './staging.js'
import { SESSION_COLUMNS, sessionSourceSql } from './tables.js'

/*
 * The fast path's writes (incremental.ts): SQL reading the staging tables (staging.ts) and, by
 * rowid, the new events' columns in the log.
 */

/** The rowids in (from, to] of the events table `e`. */
export const inRange = (e: string, from: number, to: number) => `${e}.rowid > ${Math.trunc(from)} AND ${e}.rowid <= ${Math.trunc(to)}`

/**
 * Continued sessions: the whole derivation's figures, computed from the stored ones and the new
 * events'. Written as a new row in place of the stored one: DuckDB's UPDATE of VARCHAR and list
 * columns cost ~8× a DELETE and an append of the same rows (1,000 sessions of 1.2M: 170 vs 23 ms).
 */
export const CONTINUE_SQL = [
  `CREATE OR REPLACE TEMP TABLE tw_cses AS
   SELECT s.site, s.sid, s.pno, s.first_id, s.start_t, c.end_t, s.pageviews + c.pageviews AS pageviews,
     coalesce(c.exit_page, s.exit_page) AS exit_page, s.channel, s.source, s.medium, s.campaign, s.referrer_domain, s.entry_page,
     s.device, s.browser, s.os, s.country, s.others + c.others AS others, coalesce(c.last_pv, s.last_pv) AS last_pv,
     coalesce(s.first_cart, c.first_cart) AS first_cart, coalesce(s.first_checkout, c.first_checkout) AS first_checkout,
     coalesce(c.last_purchase, s.last_purchase) AS last_purchase,
     -- engagement after the last pageview: the new events' own when they hold a pageview
     CASE WHEN c.last_pv IS NOT NULL THEN c.tail WHEN s.last_pv IS NULL THEN 0 ELSE s.tail + c.engaged END AS tail,
     list_sort(list_distinct(list_concat(s.goals, ${listSql('c.goals')}))) AS goals, list_concat(s.pages, ${listSql('c.pages')})[1:${MAX_PATH_DEPTH}] AS pages,
     c.last_id, c.last_seq, c.ckey_end
   FROM tw_sessions s JOIN tw_cont c ON s.sid = c.sid`,
  `DELETE FROM tw_sessions WHERE sid IN (SELECT sid FROM tw_cont)`,
  `INSERT INTO tw_sessions (${SESSION_COLUMNS}) SELECT ${SESSION_COLUMNS} FROM tw_cses`,
]

/** New sessions, with their first event's columns (joined by rowid) and the channel columns of the whole derivation (tables.ts). */
export const newSessionsSql = (from: number, to: number) => `
INSERT INTO tw_sessions (${SESSION_COLUMNS})
SELECT e.site, f.sid, f.pno, e.id, e.t, f.end_t, f.pageviews, f.exit_page, ${sessionSourceSql('e')},
  e.referrer_domain, e.path, e.device, e.browser, e.os, e.country, f.others, f.last_pv, f.first_cart, f.first_checkout,
  f.last_purchase, f.tail, list_sort(${listSql('f.goals')}), ${listSql('f.pages')}, f.last_id, f.last_seq, f.ckey_end
FROM tw_jses f JOIN events e ON e.rowid = f.first_rid
WHERE ${inRange('e', from, to)}
ORDER BY e.site, e.t`

/** The new events with their person, session and position (tw_pm, staged in the order to write), their columns joined by rowid. */
export const peSql = (from: number, to: number) => `
INSERT INTO tw_pe
SELECT e.site, m.pno, m.sid, m.seq, e.id, e.type, e.name, e.t, e.path, e.order_id, e.revenue, e.engaged_ms,
  e.referral_code, e.score, e.experiment, e.variant, e.anonymous_id, e.user_id
FROM tw_pm m JOIN events e ON e.rowid = m.rid
WHERE ${inRange('e', from, to)}
ORDER BY m.rowid`

/** Persons whose row changes: deleted here, appended again (see CONTINUE_SQL). */
export const PERSONS_DELETE_SQL = `DELETE FROM tw_persons WHERE pno IN (SELECT pno FROM tw_jp)`

/** Orders of new purchases: the earliest of the stored row and the new purchases (SPEC §5). */
export const ORDERS_SQL = [
  `CREATE OR REPLACE TEMP TABLE tw_ford AS
   WITH cand AS (
     SELECT o.site, o.order_id, o.first_id AS id, o.first_t AS t, o.revenue, o.sid, o.pno, o.seq
     FROM tw_orders o SEMI JOIN tw_jo np ON np.site = o.site AND np.order_id = o.order_id
     UNION ALL SELECT site, order_id, id, t, revenue, sid, pno, seq FROM tw_jo
   )
   SELECT site, order_id, arg_min(id, (t, id)) AS first_id, min(t) AS first_t, arg_min(revenue, (t, id)) AS revenue,
     arg_min(sid, (t, id)) AS sid, arg_min(pno, (t, id)) AS pno, arg_min(seq, (t, id)) AS seq
   FROM cand GROUP BY site, order_id`,
  `DELETE FROM tw_orders o WHERE EXISTS (SELECT 1 FROM tw_ford d WHERE d.site = o.site AND d.order_id = o.order_id)`,
  `INSERT INTO tw_orders SELECT * FROM tw_ford`,
]

/** Each person's last session as tw_persons keeps it (what the next refresh continues from), from the sessions of `from`. */
export const personLastSql = (from: string) => `
UPDATE tw_persons SET last_sid = d.sid, last_t = d.end_t, last_id = d.last_id, last_seq = d.last_seq, ckey_end = d.ckey_end
FROM (
  SELECT pno, arg_max(sid, last_seq) AS sid, arg_max(end_t, last_seq) AS end_t, arg_max(last_id, last_seq) AS last_id,
    max(last_seq) AS last_seq, arg_max(ckey_end, last_seq) AS ckey_end
  FROM (${from}) GROUP BY pno
) d
WHERE tw_persons.pno = d.pno`

/** Browsers whose batch holds an earlier identify/signup than their stored link (tw_nl): the link is that one now. */
export const LINKS_UPDATE_SQL = [
  `DELETE FROM tw_links l WHERE EXISTS (SELECT 1 FROM tw_nl n WHERE n.moved AND n.old_user IS NOT NULL AND n.site = l.site AND n.anonymous_id = l.anonymous_id)`,
  `INSERT INTO tw_links SELECT site, anonymous_id, new_user, link_t, link_id FROM tw_nl WHERE moved`,
]
