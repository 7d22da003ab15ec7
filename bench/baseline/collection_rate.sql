-- kpi collection_rate --period 2026 --as-of 2026-11-26
-- Over invoices due in 2026 on or before the as-of date: Σ min(paid, amount)
-- paid by the as-of date (paid_on on or before it, or empty) / Σ amount.
-- Output: ratio (NULL when nothing is due).
SELECT sum(CASE WHEN coalesce(paid_on, '') <= '2026-11-26' THEN min(paid, amount) ELSE 0 END) * 1.0
       / nullif(sum(amount), 0)
FROM invoices WHERE due_on BETWEEN '2026-01-01' AND '2026-11-26';
