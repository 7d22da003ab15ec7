-- kpi tier_customers --period 2026 --by tier --as-of 2026-11-26
-- Every customer existing on 2026-11-26 in its tier by trailing-12-month won
-- revenue (closed in 2025-11-27..2026-11-26): strategic from 100万, key from
-- 50万, potential from 0 (the default tiers, no plan). Output: tier,count.
-- (The deals summed per customer first: the workspace has no index on
-- deals.customer_id, and a join per customer would scan the deals a million
-- times.)
WITH w AS (
  SELECT customer_id, sum(amount) AS s FROM deals
  WHERE stage = 'won' AND closed_on > '2025-11-26' AND closed_on <= '2026-11-26'
  GROUP BY customer_id),
t AS (
  SELECT c.customer_id, coalesce(w.s, 0) AS t12m
  FROM customers c LEFT JOIN w ON w.customer_id = c.customer_id
  WHERE c.created_on IS NULL OR c.created_on <= '2026-11-26')
SELECT CASE WHEN t12m >= 100000000 THEN 'strategic' WHEN t12m >= 50000000 THEN 'key' ELSE 'potential' END AS tier,
       count(*)
FROM t WHERE t12m >= 0 GROUP BY 1;
