-- status --as-of 2026-11-26 with examples/plan-zh.yaml: the actual of every
-- goal of the plan, as plain SQL. Output: goal_id,actual (money in yuan,
-- ratios as fractions, counts; the per-month leads goal: the current month).
SELECT 'revenue', printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-01-01' AND '2026-11-26'
UNION ALL SELECT 'revenue-q1', printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-01-01' AND '2026-03-31'
UNION ALL SELECT 'revenue-q2', printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-04-01' AND '2026-06-30'
UNION ALL SELECT 'revenue-q3', printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-07-01' AND '2026-09-30'
UNION ALL SELECT 'revenue-q4', printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-10-01' AND '2026-11-26'
UNION ALL SELECT 'leads', count(*) FROM leads l
  WHERE l.created_on BETWEEN '2026-11-01' AND '2026-11-26' AND l.qualified = 1
    AND l.region = '华东' AND l.industry = '制造业';
