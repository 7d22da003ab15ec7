#!/usr/bin/env bash
# tracking.sh — review records, manual actuals, plan versions and plan diff.
# The plan is examples/plan-en.yaml plus a manual goal (version 1); version
# 2 raises revenue-q4 from 1600万 to 1700万 (and the annual revenue from
# 5000万 to 5100万 so the split still adds up, and revenue-southwest of the
# split by region from 600万 to 700万), changes the marketing share,
# a task's budget amount, the strategic tier's minimum and the stale
# follow-up days, and adds a task. The expected diff lines are written from those edits.
. "$(dirname "$0")/lib.sh"

python3 - "$SRCDIR/examples/plan-en.yaml" <<'EOF'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
manual = ("  - id: nps\n    name: Customer satisfaction\n    type: result\n    metric: manual\n"
          "    target: 8.5\n    period: 2026\n    owner: r001\n")
v1 = src.replace("goals:\n", "goals:\n" + manual, 1)
assert v1 != src
open("v1.yaml", "w", encoding="utf-8").write(v1)
v2 = v1.replace("target: 1600万", "target: 1700万", 1).replace("target: 5000万", "target: 5100万", 1)
# the split by region must still add up too: Southwest 600万 -> 700万
v2 = v2.replace("target: 600万}", "target: 700万}", 1)
v2 = v2.replace("share: 40%", "share: 35%", 1).replace("share: 10%", "share: 15%", 1)
# typed values in the JSON diff (issue 6.15): money with cents, a tier
# minimum, a day count
v2 = v2.replace("amount: 5000}", "amount: 6000.50}", 1).replace("min: 100万", "min: 120万", 1)
v2 = v2.replace("stale_followup_days: 7 ", "stale_followup_days: 10 ", 1)
assert "6000.50" in v2 and "120万" in v2 and "stale_followup_days: 10" in v2
task = ("  - id: kickoff\n    strategy: east-mfg\n    name: Kick-off meeting\n    owner: r001\n"
        "    start: 2026-04-16\n    due: 2026-04-16\n    milestone: true\n    depends_on: [bench-select]\n")
v2 = v2.replace("\nbudget:\n", "\n" + task + "\nbudget:\n", 1)
assert v2.count("kickoff") == 1 and "1700万" in v2 and "35%" in v2
open("v2.yaml", "w", encoding="utf-8").write(v2)
EOF

check "init" "$SP" init
expect_rc 0 "import version 1" "$SP" plan import v1.yaml --reason "initial plan"
expect_rc 0 "import version 2" "$SP" plan import v2.yaml --reason "Q4 target raised"
contains "stored as version 2" "$OUT" "version 2"

# ---- plan versions ----
expect_rc 0 "plan versions (json)" "$SP" plan versions --format json
check "versions 1 and 2 with their reasons" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["plan"] == "fy2026"
v = d["versions"]
assert [x["version"] for x in v] == [1, 2]
assert v[0]["reason"] == "initial plan" and v[1]["reason"] == "Q4 target raised"
assert all(x["created_at"] for x in v)' "$OUT"
expect_rc 0 "plan versions (table)" "$SP" plan versions fy2026
contains "table shows a reason" "$OUT" "Q4 target raised"
expect_rc 1 "plan versions of an unknown plan" "$SP" plan versions nope

# ---- plan diff ----
expect_rc 0 "plan diff 1 2" "$SP" plan diff 1 2
contains "diff: the changed Q4 target, money grouped" "$OUT" "goal revenue-q4: target 16,000,000 → 17,000,000"
contains "diff: the changed annual target" "$OUT" "goal revenue: target 50,000,000 → 51,000,000"
contains "diff: the changed share" "$OUT" "budget category marketing: share 40% → 35%"
contains "diff: the added task" "$OUT" "task kickoff added: Kick-off meeting"
contains "diff: the reason" "$OUT" "Q4 target raised"
check "diff: unchanged children are not listed" bash -c '! grep -q "revenue-q1" <<<"$1"' _ "$OUT"

expect_rc 0 "plan diff 1 2 --format json" "$SP" plan diff 1 2 --format json
check "json diff: exactly the edits" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["from"] == 1 and d["to"] == 2 and d["plan"] == "fy2026"
got = {(c["kind"], c["entity"], c["id"], c["field"], c["old"], c["new"]) for c in d["changes"]}
want = {
  ("changed", "goal", "revenue", "target", 50000000, 51000000),
  ("changed", "goal", "revenue-q4", "target", 16000000, 17000000),
  ("changed", "goal", "revenue-southwest", "target", 6000000, 7000000),
  ("changed", "budget_category", "marketing", "share", 0.4, 0.35),
  ("changed", "budget_category", "reserve", "share", 0.1, 0.15),
  ("changed", "task", "bench-select", "budget.amount", 5000, 6000.5),
  ("changed", "tier", "strategic", "min", 1000000, 1200000),
  ("changed", "alerts", "", "stale_followup_days", 10 - 3, 10),
  ("added", "task", "kickoff", None, None, "Kick-off meeting"),
}
assert got == want, got ^ want
# typed like every other JSON: money a number with two decimals, ratios
# fractions, day counts integers (not "36,000,000" strings)
for c in d["changes"]:
    if c["field"] == "stale_followup_days":
        assert type(c["old"]) is int and type(c["new"]) is int, c' "$OUT"
contains "json diff: money with two decimals" "$OUT" '"old": 16000000.00, "new": 17000000.00'
contains "json diff: cents kept" "$OUT" '"old": 5000.00, "new": 6000.50'
contains "json diff: a share as a fraction" "$OUT" '"old": 0.4, "new": 0.35'
contains "table diff: the task budget amount" "$(
  "$SP" plan diff 1 2)" "task bench-select: budget amount 5,000 → 6,000.50"

expect_rc 0 "plan diff 2 1 (reverse)" "$SP" plan diff 2 1 --format json
check "reverse diff: the task is removed" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert any(c["kind"] == "removed" and c["id"] == "kickoff" for c in d["changes"])' "$OUT"
expect_rc 0 "plan diff 2 2" "$SP" plan diff 2 2
contains "same version: no changes" "$OUT" "no changes"

expect_rc 0 "plan diff in Chinese" "$SP" --lang zh plan diff 1 2
contains "zh: goal and target words" "$OUT" "目标 revenue-q4：目标值 16,000,000 → 17,000,000"
contains "zh: added task" "$OUT" "任务 kickoff 新增：Kick-off meeting"
contains "zh: budget category share" "$OUT" "预算类别 marketing：占比 40% → 35%"

expect_rc 1 "plan diff with a missing version" "$SP" plan diff 1 9
contains "missing version named" "$ERR" "9"
expect_rc 2 "plan diff with a bad version" "$SP" plan diff 1 x
expect_rc 2 "plan diff with one version" "$SP" plan diff 1

# ---- reviews ----
expect_rc 0 "review add" "$SP" review add --period 2026-10 --goal revenue-q4 --cause "two deals slipped" \
  --action "raise Q4 target coverage" --plan-version 2
contains "review id printed" "$OUT" "review 1 recorded"
expect_rc 0 "review add (lesson only)" "$SP" review add --period 2026-09 --lesson "渠道伙伴带来的线索转化更高"
expect_rc 2 "review add without cause/lesson/action" "$SP" review add --period 2026-10
expect_rc 2 "review add with a bad period" "$SP" review add --period 2026-13 --cause x
expect_rc 2 "review add without a period" "$SP" review add --cause x
expect_rc 1 "review add with an unknown goal" "$SP" review add --period 2026-10 --goal nope --cause x
expect_rc 1 "review add with an unknown plan version" "$SP" review add --period 2026-10 --cause x --plan-version 7
expect_rc 0 "review list --format json" "$SP" review list --format json
check "review list: both records with their fields" python3 -c '
import json, sys
r = json.loads(sys.argv[1])["reviews"]
assert len(r) == 2, r
a, b = r
assert a["id"] == 1 and a["period"] == "2026-10" and a["goal"] == "revenue-q4"
assert a["causes"] == ["two deals slipped"] and a["lessons"] == [] and a["actions"] == ["raise Q4 target coverage"]
assert a["plan_version"] == 2 and a["created_at"]
assert b["period"] == "2026-09" and b["goal"] is None and b["lessons"] == ["渠道伙伴带来的线索转化更高"]
assert b["plan_version"] is None' "$OUT"
expect_rc 0 "review list --period 2026-09" "$SP" review list --period 2026-09 --format json
check "review list filters by period" python3 -c '
import json, sys
assert [x["period"] for x in json.loads(sys.argv[1])["reviews"]] == ["2026-09"]' "$OUT"
expect_rc 0 "review list (table)" "$SP" review list
contains "table shows the cause" "$OUT" "two deals slipped"
check "stored in the reviews table (sqlite3)" test "$(sqlite3 "$SALESPLAN_DB" "select count(*) from reviews where plan_id='fy2026'")" = 2

# several causes and actions: every one kept, in order (issue 6.6: the last
# --cause used to win silently)
expect_rc 0 "review add with two causes and two actions" "$SP" review add --period 2026-10 \
  --cause "大单推迟" --cause "预算冻结" --action "每周复盘漏斗" --action "加派售前"
check "both causes and both actions stored (sqlite3)" test "$(sqlite3 "$SALESPLAN_DB" \
  "select cause || '|' || action from reviews where review_id = 3")" = "$(printf '大单推迟\n预算冻结|每周复盘漏斗\n加派售前')"
expect_rc 0 "review list --period 2026-10 (json)" "$SP" review list --period 2026-10 --format json
check "json lists the causes and actions as arrays" python3 -c '
import json, sys
r = [x for x in json.loads(sys.argv[1])["reviews"] if x["id"] == 3][0]
assert r["causes"] == ["大单推迟", "预算冻结"] and r["actions"] == ["每周复盘漏斗", "加派售前"], r
assert r["lessons"] == []' "$OUT"
expect_rc 0 "review list (table, zh)" "$SP" --lang zh review list --period 2026-10
contains "table joins the causes on one line" "$OUT" "大单推迟；预算冻结"
expect_rc 2 "a cause of two lines is refused" "$SP" review add --period 2026-10 --cause "$(printf 'a\nb')"
expect_rc 2 "--period twice is refused" "$SP" review add --period 2026-10 --period 2026-11 --cause x
contains "and named" "$ERR" "--period given twice"
check "nothing stored by the refused ones" test "$(sqlite3 "$SALESPLAN_DB" "select count(*) from reviews")" = 3

# ---- manual actuals ----
expect_rc 0 "actual on a manual goal" "$SP" actual nps 8.75 --on 2026-10-31
check "stored as hundredths" test "$(sqlite3 "$SALESPLAN_DB" "select value from actuals where goal_id='nps' and on_day='2026-10-31'")" = 875
expect_rc 0 "actual replaces the same day" "$SP" actual nps 9 --on 2026-10-31
check "replaced, one row" test "$(sqlite3 "$SALESPLAN_DB" "select count(*)||':'||max(value) from actuals where goal_id='nps'")" = "1:900"
expect_rc 0 "a negative actual" "$SP" actual nps -1.5 --on 2026-11-01
check "negative hundredths" test "$(sqlite3 "$SALESPLAN_DB" "select value from actuals where on_day='2026-11-01'")" = -150
expect_rc 1 "actual on a computed goal" "$SP" actual revenue 100 --on 2026-10-31
contains "explains why" "$ERR" "manual"
expect_rc 1 "actual on an unknown goal" "$SP" actual nope 1 --on 2026-10-31
expect_rc 2 "actual without --on" "$SP" actual nps 8
expect_rc 2 "actual with three decimals" "$SP" actual nps 8.125 --on 2026-10-31
expect_rc 2 "actual with a bad date" "$SP" actual nps 8 --on 2026-02-30

finish
