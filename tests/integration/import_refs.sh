#!/usr/bin/env bash
# import_refs.sh — references in imported rows (docs/IMPORT.md
# "References"): a rep's or customer's display name in an owner / rep /
# customer column becomes its id; a budget category's display name
# (团队培训) becomes the plan's category id; a value that names nothing, or
# several records, is kept as it is with a warning naming the line, counted
# in the summary; --strict refuses such rows; two rows with the same id in
# one file are an error naming both lines. Stored values are read back with
# the sqlite3 CLI.
. "$(dirname "$0")/lib.sh"
set -o pipefail

q() { sqlite3 "$SALESPLAN_DB" "$1"; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
lacks() { case $2 in *"$3"*) not_ok "$1 (found '$3')" ;; *) ok "$1" ;; esac; }

expect_rc 0 "init" "$SP" init --quiet
# with no reps and no customers yet (and no plan), nothing can be checked:
# an import in any order works without warnings
cat >"$WORK/early.csv" <<'CSV'
deal_id,customer_id,owner_rep_id,created_on,stage,amount
E1,C1,孙丽,2026-01-05,open,100
CSV
expect_rc 0 "deals before reps and customers: imported" "$SP" import deals "$WORK/early.csv"
lacks "deals before reps and customers: no warning" "$ERR" "kept as is"

expect_rc 0 "plan import (team r001..r004, budget categories)" "$SP" plan import "$SRCDIR/examples/plan-zh.yaml"
cat >"$WORK/reps.csv" <<'CSV'
rep_id,name,role
r001,王强,leader
r005,周杰,rep
r006,周杰,rep
CSV
expect_rc 0 "reps" "$SP" import reps "$WORK/reps.csv"
cat >"$WORK/customers.csv" <<'CSV'
customer_id,name,owner_rep_id
C1,上海某某制造有限公司,李娜
C2,杭州某某科技,r003
CSV
expect_rc 0 "customers: owner by name" "$SP" import customers "$WORK/customers.csv"
eq "customers: 李娜 (a plan team member) became r002" "$(q "select owner_rep_id from customers where customer_id='C1'")" r002
contains "customers: the match is counted" "$OUT" "customers: 1 names matched to ids"

# ---- deals: names, unknowns, ambiguity ----
cat >"$WORK/deals.csv" <<'CSV'
商机编号,客户,负责人,创建日期,阶段,金额
D1,杭州某某科技,王强,2026-01-05,open,100
D2,C1,孙丽,2026-01-06,open,200
D3,C9,r002,2026-01-07,open,300
D4,C1,周杰,2026-01-08,open,400
CSV
expect_rc 0 "deals with references to nothing: imported" "$SP" import deals "$WORK/deals.csv"
eq "D1: customer and owner names became ids" "$(q "select customer_id||'/'||owner_rep_id from deals where deal_id='D1'")" "C2/r001"
eq "D2..D4: kept as they are" "$(q "select group_concat(customer_id||'/'||owner_rep_id, ' ') from (select * from deals where deal_id in ('D2','D3','D4') order by deal_id)")" "C1/孙丽 C9/r002 C1/周杰"
contains "warning: owner that is no rep, with its line" "$ERR" "deals.csv:3: 负责人: '孙丽' is no rep (neither a rep's id nor a rep's name); kept as is"
contains "warning: customer that does not exist" "$ERR" "deals.csv:4: 客户: 'C9' is no customer (neither a customer's id nor a customer's name); kept as is"
contains "warning: a name of two reps names both" "$ERR" "deals.csv:5: 负责人: '周杰' is the name of 2 reps (r005, r006…): give the id; kept as is"
contains "summary: matches counted" "$OUT" "deals: 2 names matched to ids"
contains "summary: warnings counted" "$OUT" "deals: 3 references kept as they are, with a warning"

# ---- --strict: the same rows are refused, nothing is written ----
sqlite3 "$SALESPLAN_DB" "delete from deals"
expect_rc 1 "--strict refuses references to nothing" "$SP" import deals "$WORK/deals.csv" --strict
contains "--strict: error with its line" "$ERR" "deals.csv:3: 负责人: '孙丽' is no rep"
lacks "--strict: not 'kept as is'" "$ERR" "kept as is"
contains "--strict: nothing imported" "$ERR" "3 bad row(s): nothing was imported"
eq "--strict: nothing stored" "$(q 'select count(*) from deals')" 0
expect_rc 0 "--strict --skip-bad: the good rows" "$SP" import deals "$WORK/deals.csv" --strict --skip-bad "$WORK/rejects.csv"
eq "--strict --skip-bad: D1 stored" "$(q "select group_concat(deal_id) from deals")" "D1"
rej=$(sed '1s/^\xEF\xBB\xBF//' "$WORK/rejects.csv" | tr -d '\r')
contains "--strict --skip-bad: reason in the rejects" "$rej" "D2,C1,孙丽,2026-01-06,open,200,3,负责人: '孙丽' is no rep"

# ---- duplicate ids in one file ----
cat >"$WORK/dups.csv" <<'CSV'
deal_id,customer_id,created_on,stage,amount
X1,C1,2026-01-01,won,100
X2,C1,2026-01-01,won,200
X1,C1,2026-01-02,won,300
X3,C1,2026-01-01,won,400
CSV
expect_rc 1 "the same id twice in a file: refused" "$SP" import deals "$WORK/dups.csv"
contains "duplicate: both lines named" "$ERR" "dups.csv:4: deal_id: 'X1' is also the id on line 2"
eq "duplicate: nothing stored" "$(q "select count(*) from deals where deal_id like 'X%'")" 0
expect_rc 0 "duplicate with --skip-bad: the later row is rejected" "$SP" import deals "$WORK/dups.csv" --skip-bad "$WORK/rej2.csv"
eq "duplicate with --skip-bad: the first row kept" "$(q "select group_concat(deal_id||':'||amount, ' ') from (select * from deals where deal_id like 'X%' order by deal_id)")" "X1:10000 X2:20000 X3:40000"

# ---- spend: the plan's budget categories, strategies and tasks ----
cat >"$WORK/spend.csv" <<'CSV'
费用编号,费用日期,类别,金额,策略,任务
S1,2026-03-01,团队培训,5000,聚焦华东制造业TOP100企业,筛选3家意向客户
S2,2026-03-02,training,100,east-mfg,bench-select
S3,2026-03-03,差旅,100,,
CSV
expect_rc 0 "spend: category by name" "$SP" import spend "$WORK/spend.csv"
eq "spend: 团队培训 became training, the strategy and task names their ids" "$(q "select category||'/'||strategy_id||'/'||task_id from spend where spend_id='S1'")" "training/east-mfg/bench-select"
eq "spend: ids kept" "$(q "select category from spend where spend_id='S2'")" "training"
contains "spend: an unknown category is a warning" "$ERR" "spend.csv:4: 类别: '差旅' is no budget category of the plan (neither an id nor a name); kept as is"
eq "spend: unknown category kept" "$(q "select category from spend where spend_id='S3'")" "差旅"

# ---- Chinese ----
expect_rc 0 "warnings in Chinese" "$SP" --lang zh import deals "$WORK/deals.csv"
contains "Chinese warning" "$ERR" "deals.csv:3: 负责人: '孙丽' 不是销售（既不是销售编号，也不是销售姓名）；按原样保留"
contains "Chinese summary" "$OUT" "deals：3 个引用按原样保留并给出警告"

finish
