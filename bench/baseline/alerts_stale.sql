-- alerts --kind stale_followup --as-of 2026-11-26 (plan: 7 days): customers
-- with a deal open on the as-of date whose latest activity on or before it
-- is more than 7 days old (or who have none: counted from the earliest open
-- deal's created_on). Output: the number of such customers.
WITH open_c AS (
  SELECT customer_id, min(created_on) AS since FROM deals
  WHERE created_on <= '2026-11-26' AND (stage = 'open' OR closed_on > '2026-11-26')
  GROUP BY customer_id),
last AS (
  SELECT customer_id, max(occurred_on) AS t FROM activities
  WHERE occurred_on <= '2026-11-26' GROUP BY customer_id)
SELECT count(*) FROM open_c LEFT JOIN last USING (customer_id)
WHERE julianday('2026-11-26') - julianday(coalesce(last.t, open_c.since)) > 7;
