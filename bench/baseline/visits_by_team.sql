-- kpi visits --period 2026-10 --by team --as-of 2026-11-26
-- Activities of kind visit in October 2026, by the team of the activity's
-- rep; every team, zeros included. Output: team,count.
SELECT r.team, count(a.activity_id) FROM reps r
LEFT JOIN activities a ON a.rep_id = r.rep_id AND a.kind = 'visit'
  AND a.occurred_on BETWEEN '2026-10-01' AND '2026-10-31'
GROUP BY r.team ORDER BY r.team;
