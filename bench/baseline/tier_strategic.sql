-- kpi tier_customers --period 2026 --where tier=strategic --as-of 2026-11-26
-- Customers whose trailing-12-month won revenue as of 2026-11-26 (closed in
-- 2025-11-27..2026-11-26) is at least 100万 (the default tiers, no plan).
-- Output: count.
SELECT count(*) FROM (
  SELECT d.customer_id FROM deals d JOIN customers c USING (customer_id)
  WHERE d.stage = 'won' AND d.closed_on > '2025-11-26' AND d.closed_on <= '2026-11-26'
  GROUP BY d.customer_id HAVING sum(d.amount) >= 100000000);
