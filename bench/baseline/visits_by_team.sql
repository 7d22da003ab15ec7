-- kpi visits --period 2026-10 --by team --as-of 2026-11-26
-- Activities of kind visit in October 2026, by the team of the activity's
-- rep; every team, zeros included. Output: team,count.
-- (Counted per rep first: joined the other way round, SQLite's planner
-- walks October's index range once per rep.)
SELECT r.team, coalesce(sum(v.n), 0) FROM reps r
LEFT JOIN (SELECT rep_id, count(*) AS n FROM activities
           WHERE kind = 'visit' AND occurred_on BETWEEN '2026-10-01' AND '2026-10-31'
           GROUP BY rep_id) v ON v.rep_id = r.rep_id
GROUP BY r.team ORDER BY r.team;
