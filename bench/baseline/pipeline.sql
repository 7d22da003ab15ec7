-- kpi pipeline --period 2026 --as-of 2026-11-26
-- Σ amount of deals open on the as-of date: created on or before it and
-- either still open or closed after it. Output: yuan.
SELECT printf('%.2f', coalesce(sum(amount), 0) / 100.0) FROM deals
WHERE created_on <= '2026-11-26' AND (stage = 'open' OR closed_on > '2026-11-26');
