-- kpi qualified_leads --period 2026 --by month --where region=华东 --as-of 2026-11-26
-- Qualified leads created in each month of 2026 up to the as-of date, of the
-- lead's own region 华东; zeros included. Output: month,count.
WITH RECURSIVE months(m) AS (
  SELECT '2026-01' UNION ALL
  SELECT strftime('%Y-%m', m || '-01', '+1 month') FROM months WHERE m < '2026-11'),
q AS (
  SELECT substr(created_on, 1, 7) AS m, count(*) AS n FROM leads
  WHERE qualified = 1 AND region = '华东' AND created_on BETWEEN '2026-01-01' AND '2026-11-26'
  GROUP BY 1)
SELECT months.m, coalesce(q.n, 0) FROM months LEFT JOIN q USING (m) ORDER BY months.m;
