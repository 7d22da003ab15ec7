-- kpi tier_customers --period 2026 --by tier --as-of 2026-11-26
-- Every customer existing on 2026-11-26 in its tier by trailing-12-month won
-- revenue (closed in 2025-11-27..2026-11-26): strategic from 100万, key from
-- 50万, potential from 0 (the default tiers, no plan). Output: tier,count.
WITH t AS (
  SELECT c.customer_id, coalesce(sum(d.amount), 0) AS t12m
  FROM customers c LEFT JOIN deals d
    ON d.customer_id = c.customer_id AND d.stage = 'won'
   AND d.closed_on > '2025-11-26' AND d.closed_on <= '2026-11-26'
  WHERE c.created_on IS NULL OR c.created_on <= '2026-11-26'
  GROUP BY c.customer_id)
SELECT CASE WHEN t12m >= 100000000 THEN 'strategic' WHEN t12m >= 50000000 THEN 'key' ELSE 'potential' END AS tier,
       count(*)
FROM t WHERE t12m >= 0 GROUP BY 1;
