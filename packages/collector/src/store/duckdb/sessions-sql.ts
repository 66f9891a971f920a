/**
 * Common table expressions deriving persons and sessions from a site's events (SPEC §4), for
 * the report queries to build on. Bots are excluded. Parameters: $site.
 *
 * - `pe`: events with `person`, `session_no` (per person) and `sid` (person + session_no).
 * - `sessions`: one row per session with its start/end and first-event attributes.
 * - `person_refs`: a person's referral code.
 *
 * Sessions: a person's events by (t, id) split into gap segments (> 30 min); inside a segment a
 * pageview carrying campaign parameters starts a session when its parameters differ from those
 * of the session's first event. That first event's parameters are the ones of the previous
 * campaign pageview of the segment (each either continued or started the current session), or
 * else of the segment's first event — so plain window functions suffice. A person's sessions
 * depend on their events only, so `onePerson` ($person) filters before the window functions. core/sessions.ts is the
 * reference; test/sessions-agreement.test.ts requires both to agree.
 */
export const sessionsCte = (onePerson = false) => `
ev AS (
  SELECT * FROM events WHERE site = $site AND NOT is_bot
),
links AS (
  SELECT anonymous_id, arg_min(user_id, (t, id)) AS linked_user
  FROM ev WHERE type IN ('identify', 'signup') AND user_id IS NOT NULL
  GROUP BY anonymous_id
),
p0 AS (
  SELECT ev.*, coalesce(ev.user_id, links.linked_user, ev.anonymous_id) AS person,
    concat_ws(chr(1), coalesce(utm_source, ''), coalesce(utm_medium, ''), coalesce(utm_campaign, ''), coalesce(utm_term, ''),
      coalesce(utm_content, ''), coalesce(utm_id, ''), coalesce(gclid, ''), coalesce(fbclid, ''), coalesce(msclkid, '')) AS ckey,
    type = 'pageview' AND coalesce(utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id, gclid, fbclid, msclkid) IS NOT NULL AS cpv
  FROM ev LEFT JOIN links USING (anonymous_id)${onePerson ? `
  WHERE coalesce(ev.user_id, links.linked_user, ev.anonymous_id) = $person` : ''}
),
p1 AS (
  SELECT *, CASE WHEN t - lag(t) OVER (PARTITION BY person ORDER BY t, id) <= 1800000 THEN 0 ELSE 1 END AS gap_start
  FROM p0
),
p2 AS (
  SELECT *, sum(gap_start) OVER (PARTITION BY person ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS seg
  FROM p1
),
p3 AS (
  SELECT *,
    first_value(ckey) OVER (PARTITION BY person, seg ORDER BY t, id) AS seg_key,
    last_value(CASE WHEN cpv THEN ckey END IGNORE NULLS)
      OVER (PARTITION BY person, seg ORDER BY t, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_cpv_key
  FROM p2
),
p4 AS (
  SELECT *, CASE WHEN gap_start = 1 OR (cpv AND ckey <> coalesce(prev_cpv_key, seg_key)) THEN 1 ELSE 0 END AS starts
  FROM p3
),
pe AS (
  SELECT *, sum(starts) OVER (PARTITION BY person ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS session_no,
    row_number() OVER (PARTITION BY person ORDER BY t, id) AS person_seq
  FROM p4
),
firsts AS (
  SELECT * FROM pe WHERE starts = 1
),
sessions AS (
  SELECT f.person, f.session_no, f.id AS first_id, f.t AS start_t, agg.end_t, agg.pageviews, agg.exit_page,
    tw_channel(f.utm_source, f.utm_medium, f.utm_campaign, f.utm_term, f.utm_content, f.utm_id, f.gclid, f.fbclid, f.msclkid,
      f.referrer_domain, f.url_ref) AS channel,
    coalesce(f.utm_source, f.referrer_domain, '(direct)') AS source,
    coalesce(f.utm_medium, CASE WHEN f.referrer_domain IS NULL THEN '(none)' WHEN tw_search(f.referrer_domain) THEN 'organic' ELSE 'referral' END) AS medium,
    coalesce(f.utm_campaign, '(none)') AS campaign,
    f.referrer_domain, f.path AS entry_page, f.device, f.browser, f.os, f.country
  FROM firsts f JOIN (
    SELECT person, session_no, max(t) AS end_t, count(*) FILTER (WHERE type = 'pageview') AS pageviews,
      arg_max(path, (t, id)) FILTER (WHERE type = 'pageview') AS exit_page
    FROM pe GROUP BY person, session_no
  ) agg USING (person, session_no)
),
person_refs AS (
  SELECT person, arg_min(referral_code, (t, id)) AS referral_code
  FROM pe WHERE referral_code IS NOT NULL AND type <> 'referral_invite'
  GROUP BY person
)`

/** Every person's sessions. */
export const SESSIONS_CTE = sessionsCte()
