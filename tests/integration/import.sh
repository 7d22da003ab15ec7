#!/usr/bin/env bash
# import.sh — `salesplan import` end to end: every table from the fixtures of
# tests/data/csv (UTF-8 BOM, GBK, UTF-16LE tab-separated, CRLF, quoted commas
# and newlines, 万/亿 amounts, every date form, the export headers of
# Salesforce, HubSpot, Pipedrive and Odoo, Chinese headers), a bad file
# refused whole, --skip-bad, a missing column, a missing file, an unknown
# table, and re-import as upsert. Values are checked in the workspace with
# the sqlite3 CLI; expected values are worked out by hand from SPEC §3.
# (lib.sh runs with `set -uo pipefail`, not -e: expect_rc needs the commands
# under test to fail without ending the script.)
. "$(dirname "$0")/lib.sh"
set -o pipefail

D=$SRCDIR/tests/data/csv
q() { sqlite3 "$SALESPLAN_DB" "$1"; }
# eq DESC GOT WANT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }

expect_rc 0 "init" "$SP" init --quiet

# ---- each table ----
expect_rc 0 "reps: Chinese headers, UTF-8 BOM, CRLF" "$SP" import reps "$D/reps_zh_bom_crlf.csv"
contains "reps: summary names count, file and encoding" "$OUT" "reps: 4 rows imported from $D/reps_zh_bom_crlf.csv (UTF-8)"
eq "reps: count" "$(q 'select count(*) from reps')" 4
eq "reps: R1 name/team/role/region/active" "$(q "select name||'/'||team||'/'||role||'/'||region||'/'||active from reps where rep_id='R1'")" "张伟/华东一组/leader/华东/1"
eq "reps: roles of R2 R3 R4" "$(q "select group_concat(role, ' ') from (select role from reps where rep_id in ('R2','R3','R4') order by rep_id)")" "rep presales manager"
eq "reps: R4 not active (否), no industry" "$(q "select active||'/'||ifnull(industry,'NULL') from reps where rep_id='R4'")" "0/NULL"

expect_rc 0 "customers: GBK detected" "$SP" import customers "$D/customers_gbk.csv"
contains "customers: encoding reported" "$OUT" "(GB18030)"
eq "customers: count" "$(q 'select count(*) from customers')" 3
eq "customers: GBK name with a quoted comma" "$(q "select name from customers where customer_id='C2'")" "广州某某商贸, 有限公司"
eq "customers: sizes" "$(q "select group_concat(size, ' ') from (select size from customers order by customer_id)")" "large small medium"
eq "customers: dates 2025-03-01, 2025/4/2, 2025年5月6日" "$(q "select group_concat(created_on, ' ') from (select created_on from customers order by customer_id)")" "2025-03-01 2025-04-02 2025-05-06"
expect_rc 0 "customers: GBK named with --encoding" "$SP" import customers "$D/customers_gbk.csv" --encoding GBK
contains "customers: --encoding is reported" "$OUT" "(GBK)"

expect_rc 0 "leads: UTF-16LE, tab separated" "$SP" import leads "$D/leads_utf16le.tsv"
contains "leads: encoding reported" "$OUT" "(UTF-16LE)"
eq "leads: count" "$(q 'select count(*) from leads')" 3
eq "leads: L1" "$(q "select created_on||'/'||source||'/'||size||'/'||qualified||'/'||opportunity_id from leads where lead_id='L1'")" "2026-01-05/展会/large/1/D1"
eq "leads: L2 empty size, not qualified" "$(q "select ifnull(size,'NULL')||'/'||qualified||'/'||ifnull(opportunity_id,'NULL') from leads where lead_id='L2'")" "NULL/0/NULL"
eq "leads: L3 date with a time, 小型" "$(q "select created_on||'/'||size||'/'||qualified from leads where lead_id='L3'")" "2026-01-07/small/1"

# One export per CRM with its real header set and value formats; owners and
# companies given by name are matched to the reps and customers imported
# above (R1 张伟, R2 李娜, R3 王芳; C1 上海某某制造有限公司, C2 广州某某商贸,
# 有限公司, C3 杭州某某科技). Columns: id:customer:owner:stage:amount fen:
# closed_on:expected_close_on:created_on:probability.
dq() { q "select group_concat(deal_id||':'||customer_id||':'||ifnull(owner_rep_id,'-')||':'||stage||':'||amount||':'||ifnull(closed_on,'-')||':'||ifnull(expected_close_on,'-')||':'||created_on||':'||ifnull(probability,'-'), ' ') from (select * from deals where $1 order by deal_id)"; }
expect_rc 0 "deals: Salesforce Data Loader export" "$SP" import deals "$D/deals_salesforce.csv"
contains "deals: the unknown column is noted" "$ERR" "column 'Name' ignored"
eq "deals: Salesforce rows (IsWon/IsClosed decide, CloseDate closes closed deals, UTC timestamps)" "$(dq "deal_id like 'D%'")" \
  "D1:C1:R1:won:120000050:2026-07-15:2026-07-15:2026-03-01:100 D2:C2:R3:open:5000000:-:2026-09-30:2026-04-02:20 D3:C3:R2:lost:1500000:2026-07-15:2026-07-15:2026-05-06:0 D4:C1:R1:won:8000000:2026-08-01:2026-08-01:2026-07-27:100"

expect_rc 0 "deals: HubSpot export" "$SP" import deals "$D/deals_hubspot.csv"
eq "deals: HubSpot rows (names matched, fraction probability)" "$(dq "deal_id like 'H%'")" \
  "H1:C1:R1:won:3000000:2026-06-30:2026-06-30:2026-01-10:100 H2:C3:R2:open:1200000:-:2026-09-15:2026-02-11:20 H3:C2:R3:lost:800000:2026-05-20:2026-05-20:2026-03-01:0"
contains "deals: HubSpot names matched are counted" "$OUT" "deals: 4 names matched to ids"
expect_rc 0 "deals: Pipedrive export" "$SP" import deals "$D/deals_pipedrive.csv"
eq "deals: Pipedrive rows (won and lost time, organization by name)" "$(dq "deal_id in ('101','102','103')")" \
  "101:C2:R3:won:800000:2026-05-05:2026-05-01:2026-04-01:- 102:C2:R3:lost:2500000:2026-06-10:2026-06-30:2026-04-02:- 103:C3:R2:open:6000000:-:2026-10-15:2026-05-02:40"
expect_rc 0 "deals: Odoo crm.lead export" "$SP" import deals "$D/deals_odoo.csv"
eq "deals: Odoo rows (Expected Closing, customer and salesperson by name)" "$(dq "deal_id like '__export__%'")" \
  "__export__.crm_lead_41_5f2a:C1:R1:won:2000000:2026-02-20:2026-02-15:2026-02-01:100 __export__.crm_lead_42_9c1d:C3:R2:open:100000:-:2026-11-30:2026-02-02:30"
expect_rc 0 "deals: Chinese headers, 万 and 亿" "$SP" import deals "$D/deals_zh.csv"
eq "deals: Z1 1.2亿, cost 3000万, 是/否" "$(q "select amount||'/'||cost||'/'||is_new_customer||'/'||is_renewal||'/'||stage from deals where deal_id='Z1'")" "12000000000/3000000000/1/0/won"
eq "deals: Z2 5000万, 40%, 进行中" "$(q "select amount||'/'||ifnull(cost,'NULL')||'/'||probability||'/'||stage||'/'||is_renewal from deals where deal_id='Z2'")" "5000000000/NULL/40/open/1"
eq "deals: Z3 丢单, empty flags are NULL" "$(q "select stage||'/'||amount||'/'||ifnull(is_new_customer,'NULL')||'/'||ifnull(is_renewal,'NULL') from deals where deal_id='Z3'")" "lost/10000000/NULL/NULL"
eq "deals: count" "$(q 'select count(*) from deals')" 15

expect_rc 0 "activities: CRLF, Chinese kinds" "$SP" import activities "$D/activities_crlf.csv"
eq "activities: rows" "$(q "select group_concat(activity_id||':'||occurred_on||':'||rep_id||':'||ifnull(customer_id,'-')||':'||kind, ' ') from (select * from activities order by activity_id)")" "A1:2026-07-01:R1:C1:visit A2:2026-07-02:R2:C3:call A3:2026-07-02:R3:C2:email A4:2026-07-04:R1:-:meeting"

expect_rc 0 "invoices: every date form" "$SP" import invoices "$D/invoices.csv"
eq "invoices: I1" "$(q "select deal_id||'/'||issued_on||'/'||due_on||'/'||amount||'/'||paid||'/'||paid_on from invoices where invoice_id='I1'")" "D1/2026-07-15/2026-08-14/120000050/60000000/2026-08-01"
eq "invoices: I2 年月日, ISO Z, 亿, empty paid is 0" "$(q "select issued_on||'/'||due_on||'/'||amount||'/'||paid||'/'||ifnull(paid_on,'NULL') from invoices where invoice_id='I2'")" "2026-02-01/2026-03-03/12000000000/0/NULL"
eq "invoices: I3 serials and 2026.08.01" "$(q "select ifnull(deal_id,'NULL')||'/'||issued_on||'/'||due_on||'/'||amount||'/'||paid||'/'||paid_on from invoices where invoice_id='I3'")" "NULL/2026-07-15/2026-08-14/10000/10000/2026-08-01"

expect_rc 0 "spend: quoted commas and newlines" "$SP" import spend "$D/spend.csv"
eq "spend: S1 3.5万 and a quoted comma" "$(q "select amount||'/'||strategy_id||'/'||task_id||'/'||note from spend where spend_id='S1'")" "3500000/ST1/T1/展会, 上海"
eq "spend: S2 note keeps its newline" "$(q "select note from spend where spend_id='S2'")" "两行
备注"
eq "spend: count" "$(q 'select count(*) from spend')" 3

# ---- a bad file is refused whole ----
before=$(q 'select count(*) from deals')
expect_rc 1 "bad file refused" "$SP" import deals "$D/deals_bad.csv"
contains "bad line 3 named (date)" "$ERR" "deals_bad.csv:3: created_on: not a date '2026-13-01'"
contains "bad line 5 named (stage)" "$ERR" "deals_bad.csv:5: stage: unknown stage 'maybe'"
contains "bad line 6 named (empty id)" "$ERR" "deals_bad.csv:6: deal_id: required value is empty"
contains "bad line 6 named (amount)" "$ERR" "deals_bad.csv:6: amount: not an amount"
contains "nothing imported is said" "$ERR" "nothing was imported"
case $ERR in *"deals_bad.csv:2:"* | *"deals_bad.csv:4:"*) not_ok "good lines are not named" ;; *) ok "good lines are not named" ;; esac
eq "bad file: deal count unchanged" "$(q 'select count(*) from deals')" "$before"
eq "bad file: its good rows are not written" "$(q "select count(*) from deals where deal_id in ('B1','B3')")" 0

# ---- --skip-bad ----
expect_rc 0 "--skip-bad imports the good rows" "$SP" import deals "$D/deals_bad.csv" --skip-bad "$WORK/rejects.csv"
contains "--skip-bad summary" "$OUT" "deals: 2 rows imported"
contains "--skip-bad names the rejects" "$OUT" "3 bad rows written to $WORK/rejects.csv"
eq "--skip-bad: good rows written" "$(q "select group_concat(deal_id||':'||amount, ' ') from (select * from deals where deal_id like 'B%' order by deal_id)")" "B1:10000 B3:30000"
rej=$(sed '1s/^\xEF\xBB\xBF//' "$WORK/rejects.csv" | tr -d '\r')
contains "rejects: header with line and reason" "$rej" "deal_id,customer_id,created_on,stage,amount,line,reason"
contains "rejects: line 3 with its reason" "$rej" "B2,C1,2026-13-01,won,100,3,"
contains "rejects: line 5 with its reason" "$rej" "B4,C1,2026-01-04,maybe,100,5,\"stage: unknown stage 'maybe' (open, won, lost)\""
contains "rejects: formula defused" "$rej" ",C1,2026-01-05,won,\"'=2+3\",6,"
eq "rejects: header + 3 rows" "$(printf '%s\n' "$rej" | wc -l)" 4

cp "$D/deals_bad.csv" "$WORK/self.csv"
expect_rc 2 "--skip-bad onto the input is refused" "$SP" import deals "$WORK/self.csv" --skip-bad "$WORK/./self.csv"
check "the input is left alone" cmp "$D/deals_bad.csv" "$WORK/self.csv"

# ---- structural problems ----
before=$(q 'select count(*) from deals')
expect_rc 1 "missing required column" "$SP" import deals "$D/deals_no_stage.csv"
contains "missing column names file and column" "$ERR" "deals_no_stage.csv: missing required column 'stage'"
eq "missing column: nothing written" "$(q 'select count(*) from deals')" "$before"
expect_rc 1 "nonexistent file" "$SP" import deals "$WORK/no-such.csv"
contains "nonexistent file: path named" "$ERR" "$WORK/no-such.csv"
expect_rc 2 "unknown table" "$SP" import dealz "$D/deals_zh.csv"
contains "unknown table named" "$ERR" "dealz"
expect_rc 2 "unknown encoding" "$SP" import deals "$D/deals_zh.csv" --encoding NOPE-1
expect_rc 2 "no FILE" "$SP" import deals
printf 'deal_id,customer_id,created_on,stage,amount\nQ1,C1,2026-01-01,won,"open quote\n' >"$WORK/unterminated.csv"
expect_rc 1 "unterminated quote" "$SP" import deals "$WORK/unterminated.csv"
contains "unterminated quote names the record's line" "$ERR" "unterminated.csv:2:"
printf 'deal_id,customer_id,created_on,stage,amount\nX1,C1,2026-01-01,won,1\n' | iconv -t UTF-16BE >"$WORK/be.csv"
expect_rc 0 "UTF-16BE without BOM detected" "$SP" import deals "$WORK/be.csv"
eq "UTF-16BE row" "$(q "select amount from deals where deal_id='X1'")" 100

# ---- re-import upserts ----
before=$(q 'select count(*) from deals')
expect_rc 0 "re-import" "$SP" import deals "$D/deals_update.csv"
eq "re-import: count unchanged" "$(q 'select count(*) from deals')" "$before"
eq "re-import: value updated" "$(q "select amount from deals where deal_id='D1'")" 200000000
expect_rc 0 "re-import the same file twice" "$SP" import deals "$D/deals_zh.csv" --quiet
eq "--quiet prints nothing" "$OUT" ""
eq "re-import twice: count unchanged" "$(q 'select count(*) from deals')" "$before"

# ---- language ----
expect_rc 1 "errors in Chinese" "$SP" --lang zh import deals "$D/deals_no_stage.csv"
contains "Chinese message" "$ERR" "缺少必需的列 'stage'"

# ---- a schema-4 workspace loses the indexes imports no longer build ----
cp "$SALESPLAN_DB" "$WORK/v4.db"
sqlite3 "$WORK/v4.db" "CREATE INDEX deals_customer ON deals(customer_id);
  CREATE INDEX activities_occurred ON activities(occurred_on); ALTER TABLE reps DROP COLUMN email; PRAGMA user_version = 4"
expect_rc 0 "a schema-4 workspace opens" "$SP" --db "$WORK/v4.db" kpi revenue --period 2026
eq "schema 4 migrated to the current schema" "$(sqlite3 "$WORK/v4.db" 'PRAGMA user_version')" "$(sqlite3 "$SALESPLAN_DB" 'PRAGMA user_version')"
eq "migrated: deals_customer and activities_occurred dropped" "$(sqlite3 "$WORK/v4.db" "select count(*) from sqlite_master where name in ('deals_customer','activities_occurred')")" 0
eq "migrated: rows kept" "$(sqlite3 "$WORK/v4.db" 'select count(*) from deals')" "$(q 'select count(*) from deals')"
eq "migrated: reps gained the email column" "$(sqlite3 "$WORK/v4.db" "select count(*) from pragma_table_info('reps') where name = 'email'")" 1
eq "a fresh workspace has neither index" "$(q "select count(*) from sqlite_master where name in ('deals_customer','activities_occurred')")" 0
expect_rc 0 "a large import into the migrated workspace" "$SP" --db "$WORK/v4.db" import deals "$D/deals_zh.csv" --quiet
eq "migrated: the date indexes dropped too (schema 9)" "$(sqlite3 "$WORK/v4.db" "select count(*) from sqlite_master where name in ('leads_created','deals_closed','invoices_due')")" 0
eq "a fresh workspace has no date index" "$(q "select count(*) from sqlite_master where name in ('leads_created','deals_closed','invoices_due')")" 0

finish
