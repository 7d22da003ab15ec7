-- kpi new_customers --period 2026 --by region --as-of 2026-11-26
-- Customers whose first won deal ever (as of the as-of date) closed in 2026,
-- by the customer's region. Output: region,count.
WITH first AS (
  SELECT customer_id, min(closed_on) AS f FROM deals
  WHERE stage = 'won' AND closed_on <= '2026-11-26' GROUP BY customer_id)
SELECT coalesce(c.region, ''), count(*) FROM first JOIN customers c USING (customer_id)
WHERE first.f >= '2026-01-01' GROUP BY 1 ORDER BY 1;
