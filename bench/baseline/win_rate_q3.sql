-- kpi win_rate --period 2026-Q3 --as-of 2026-11-26
-- won / (won + lost) over deals closed in 2026-07-01..2026-09-30 (all before
-- the as-of date); NULL when there are none. Output: ratio.
SELECT sum(stage = 'won') * 1.0 / nullif(count(*), 0) FROM deals
WHERE closed_on BETWEEN '2026-07-01' AND '2026-09-30' AND stage IN ('won', 'lost');
