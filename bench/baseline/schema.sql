-- schema.sql — the plain-SQLite baseline of the import step (bench/run.sh).
-- The SPEC §5 columns of each table, as the CSV holds them: untyped text,
-- no parsing of money (万, thousands separators), dates or booleans, with a
-- primary key on the id (salesplan upserts by id, so it keeps one too).
-- The tables are filled by the sqlite3 CLI: .import --csv --skip 1 FILE TABLE.
CREATE TABLE reps(rep_id TEXT PRIMARY KEY, name, team, role, region, industry, active);
CREATE TABLE customers(customer_id TEXT PRIMARY KEY, name, region, industry, size, owner_rep_id,
                       created_on);
CREATE TABLE leads(lead_id TEXT PRIMARY KEY, created_on, source, region, industry, owner_rep_id,
                   qualified, opportunity_id);
CREATE TABLE deals(deal_id TEXT PRIMARY KEY, customer_id, owner_rep_id, product, created_on,
                   closed_on, stage, amount, cost, probability, is_new_customer, is_renewal);
CREATE TABLE activities(activity_id TEXT PRIMARY KEY, occurred_on, rep_id, customer_id, kind);
CREATE TABLE invoices(invoice_id TEXT PRIMARY KEY, deal_id, customer_id, issued_on, due_on, amount,
                      paid, paid_on);
CREATE TABLE spend(spend_id TEXT PRIMARY KEY, spent_on, category, amount, strategy_id, task_id, note);
