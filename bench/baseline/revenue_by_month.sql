-- kpi revenue --period 2026 --by month --as-of 2026-11-26
-- Σ amount of won deals with closed_on in the month and <= the as-of date;
-- every month of 2026 up to the as-of date, zeros included. Output: month,yuan.
WITH RECURSIVE months(m) AS (
  SELECT '2026-01' UNION ALL
  SELECT strftime('%Y-%m', m || '-01', '+1 month') FROM months WHERE m < '2026-11'),
won AS (
  SELECT substr(closed_on, 1, 7) AS m, sum(amount) AS fen FROM deals
  WHERE stage = 'won' AND closed_on BETWEEN '2026-01-01' AND '2026-11-26' GROUP BY 1)
SELECT months.m, printf('%.2f', coalesce(won.fen, 0) / 100.0)
FROM months LEFT JOIN won USING (m) ORDER BY months.m;
