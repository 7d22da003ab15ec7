#!/usr/bin/env bash
# tasks.sh — `salesplan tasks` and `task set` on a plan with six tasks: a
# diamond (select → visit / material → proposal), a milestone after it and
# an independent task. Expected schedule, worked out by hand from the dates:
#   select   04-01..04-10  critical               (owner r001, collaborator r002)
#   visit    04-11..04-30  critical (20 days)     (r002)
#   material 04-11..04-15  slack 15 (proposal starts 05-01)  (r003)
#   proposal 05-01..05-10  critical               (r001)
#   signed   05-11         critical, milestone    (r001)
#   training 04-01..04-20  slack 21 (end 05-11)   (r003)
# As of 2026-04-20: select is 10 days overdue, material 5; training is due
# that day (not overdue).
# The forecast as of 2026-04-20 (nothing started: progress 0): a late task's
# whole duration is done from the as-of date on, successors move with it:
#   select   04-01..04-29  (10 days from 04-20)   critical
#   visit    04-30..05-19  pushed                  critical
#   material 04-30..05-04  pushed; slack 05-19 − 05-04 = 15
#   proposal 05-20..05-29  pushed                  critical
#   signed   05-30         pushed, milestone       critical
#   training 04-01..04-20  slack 05-30 − 04-20 = 40
# forecast end 05-30, 19 days after the planned 05-11.
. "$(dirname "$0")/lib.sh"

cat > plan.yaml <<'EOF'
plan:
  id: t26
  name: 任务测试计划
  period: 2026
team:
  groups:
    - id: g1
      name: 一组
      members:
        - {id: r001, name: 王强, role: leader}
        - {id: r002, name: 李娜, role: rep}
        - {id: r003, name: 赵敏, role: rep}
goals:
  - id: revenue
    name: 年度营收
    type: result
    metric: revenue
    target: 1000万
    period: 2026
    owner: r001
strategies:
  - {id: s1, category: market, name: 聚焦制造业, goals: [revenue], priority: 1}
tasks:
  - {id: select, strategy: s1, name: 筛选意向客户, owner: r001, collaborators: [r002], start: 2026-04-01, due: 2026-04-10}
  - {id: visit, strategy: s1, name: 拜访客户, owner: r002, start: 2026-04-11, due: 2026-04-30, depends_on: [select]}
  - {id: material, strategy: s1, name: 准备方案材料, owner: r003, start: 2026-04-11, due: 2026-04-15, depends_on: [select]}
  - {id: proposal, strategy: s1, name: 提交方案, owner: r001, start: 2026-05-01, due: 2026-05-10, depends_on: [visit, material]}
  - {id: signed, strategy: s1, name: 签约, owner: r001, start: 2026-05-11, due: 2026-05-11, milestone: true, depends_on: [proposal]}
  - {id: training, strategy: s1, name: 团队培训, owner: r003, start: 2026-04-01, due: 2026-04-20}
EOF

check "init" "$SP" init
expect_rc 0 "import the task plan" "$SP" plan import plan.yaml

# ---- table and JSON ----
expect_rc 0 "tasks (table)" "$SP" tasks --as-of 2026-04-20
contains "table lists a CJK task name" "$OUT" "筛选意向客户"
contains "table shows the critical path" "$OUT" "select → visit → proposal → signed"
contains "table shows the project end" "$OUT" "2026-05-11"
contains "footer: the last task's end, planned and forecast" "$OUT" \
  "the last task ends 2026-05-11 as planned, 2026-05-30 as forecast (19 days later)"
check "footer no longer says 'plan … ends'" bash -c '! grep -q "plan t26 ends" <<<"$1"' _ "$OUT"
contains "table has a forecast end column" "$OUT" "forecast end"
expect_rc 0 "tasks --lang zh (footer)" "$SP" --lang zh tasks --as-of 2026-04-20
contains "zh footer: planned and forecast end" "$OUT" "最后一项任务计划 2026-05-11 完成，预计 2026-05-30 完成（推迟 19 天）"
contains "zh: forecast end column" "$OUT" "预计完成"

expect_rc 0 "tasks --format json" "$SP" tasks --as-of 2026-04-20 --format json
echo "$OUT" > tasks.json
check "json: as_of, end, critical path, six tasks in plan order" python3 - <<'EOF'
import json
d = json.load(open("tasks.json"))
assert d["as_of"] == "2026-04-20", d["as_of"]
assert d["planned_end"] == "2026-05-11", d["planned_end"]
assert d["forecast_end"] == "2026-05-30", d["forecast_end"]
assert d["critical_path"] == ["select", "visit", "proposal", "signed"], d["critical_path"]
assert d["planned_critical_path"] == ["select", "visit", "proposal", "signed"], d["planned_critical_path"]
ids = [t["id"] for t in d["tasks"]]
assert ids == ["select", "visit", "material", "proposal", "signed", "training"], ids
EOF
check "json: planned slack, critical, overdue, milestone, depends_on, default status" python3 - <<'EOF'
import json
t = {x["id"]: x for x in json.load(open("tasks.json"))["tasks"]}
want_slack = {"select": 0, "visit": 0, "material": 15, "proposal": 0, "signed": 0, "training": 21}
for k, v in want_slack.items():
    assert t[k]["planned_slack"] == v, (k, t[k]["planned_slack"])
    assert t[k]["planned_critical"] == (v == 0), k
assert t["select"]["overdue"] and t["select"]["days_overdue"] == 10
assert t["material"]["overdue"] and t["material"]["days_overdue"] == 5
assert not t["training"]["overdue"] and t["training"]["days_overdue"] == 0
assert t["signed"]["milestone"] and not t["proposal"]["milestone"]
assert t["proposal"]["depends_on"] == ["visit", "material"]
assert all(x["status"] == "todo" and x["progress"] == 0 for x in t.values())
assert t["visit"]["owner"] == "r002" and t["visit"]["strategy"] == "s1"
assert t["visit"]["start"] == "2026-04-11" and t["visit"]["due"] == "2026-04-30"
EOF
check "json: forecast dates, slack, pushed, delay (worked out in the header)" python3 - <<'EOF'
import json
t = {x["id"]: x for x in json.load(open("tasks.json"))["tasks"]}
want = {"select": ("2026-04-01", "2026-04-29", 0, False), "visit": ("2026-04-30", "2026-05-19", 0, True),
        "material": ("2026-04-30", "2026-05-04", 15, True), "proposal": ("2026-05-20", "2026-05-29", 0, True),
        "signed": ("2026-05-30", "2026-05-30", 0, True), "training": ("2026-04-01", "2026-04-20", 40, False)}
for k, (fs, ff, slack, pushed) in want.items():
    got = (t[k]["forecast_start"], t[k]["forecast_finish"], t[k]["slack"], t[k]["pushed"])
    assert got == (fs, ff, slack, pushed), (k, got)
    assert t[k]["critical"] == (slack == 0), k
assert t["signed"]["delay_days"] == 19 and t["training"]["delay_days"] == 0
assert t["select"]["delay_days"] == 19   # 04-29 - 04-10
EOF

# ---- filters ----
expect_rc 0 "tasks --critical" "$SP" tasks --critical --as-of 2026-04-20 --format json
check "--critical: only the path, in path order" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [t["id"] for t in d["tasks"]] == ["select", "visit", "proposal", "signed"]' "$OUT"

expect_rc 0 "tasks --overdue" "$SP" tasks --overdue --as-of 2026-04-20 --format json
check "--overdue as of 04-20: select and material" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [t["id"] for t in d["tasks"]] == ["select", "material"], d["tasks"]' "$OUT"
expect_rc 0 "tasks --overdue as of 04-10" "$SP" tasks --overdue --as-of 2026-04-10 --format json
check "--overdue as of 04-10: nothing (due today is not overdue)" python3 -c '
import json, sys
assert json.loads(sys.argv[1])["tasks"] == []' "$OUT"

expect_rc 0 "tasks --owner r002" "$SP" tasks --owner r002 --as-of 2026-04-20 --format json
check "--owner: owned and collaborated tasks" python3 -c '
import json, sys
assert [t["id"] for t in json.loads(sys.argv[1])["tasks"]] == ["select", "visit"]' "$OUT"

expect_rc 0 "tasks --format csv" "$SP" tasks --as-of 2026-04-20 --format csv
check "csv: header and six rows" python3 -c '
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(sys.argv[1])))
assert len(rows) == 6, len(rows)
m = {r["id"]: r for r in rows}
assert m["material"]["slack"] == "15" and m["material"]["days_overdue"] == "5"
assert m["training"]["slack"] == "40" and m["training"]["planned_slack"] == "21"
assert m["visit"]["forecast_finish"] == "2026-05-19" and m["signed"]["critical"] == "1"
assert m["proposal"]["depends_on"] == "visit;material"' "$OUT"

# ---- Gantt ----
# as of 04-05 nothing is late: the forecast is the plan, 04-01..05-11 by day
expect_rc 0 "tasks --gantt" "$SP" tasks --gantt --as-of 2026-04-05
contains "gantt: task names" "$OUT" "拜访客户"
contains "gantt: another task name" "$OUT" "团队培训"
contains "gantt: milestone mark" "$OUT" "◆"
contains "gantt: bars" "$OUT" "█"
contains "gantt: by day for a 6-week span" "$OUT" "one column = one day"
check "gantt: critical rows marked '!' without a terminal, others not" bash -c '
grep -q "^! 拜访客户" <<<"$1" && grep -q "^  准备方案材料" <<<"$1"' _ "$OUT"
check "gantt: the milestone sits 41 columns after the chart start (04-01 → 05-11)" python3 -c '
import sys
line = [l for l in sys.argv[1].splitlines() if "签约" in l][0]
bars = line[line.index("签约") + 2:]
# the name column is padded to the widest name (准备方案材料: 12 columns)
# plus one space; 签约 is 4 columns wide, so 8 spaces of padding + 1
assert bars.startswith(" " * 9), repr(bars[:12])
cells = bars[9:]
assert cells.index("◆") == 40, cells.index("◆")' "$OUT"
check "gantt as of 04-05: no forecast-only cells (legend aside)" bash -c '! grep "▓" <<<"$1" | grep -vq "forecast later than planned"' _ "$OUT"
# as of 04-20 the forecast runs to 05-30: 60 days, by ISO week (W14..W22)
expect_rc 0 "tasks --gantt as of 04-20 (planned vs forecast)" "$SP" tasks --gantt --as-of 2026-04-20
contains "gantt: by week once the forecast spans 60 days" "$OUT" "one column = one ISO week"
check "gantt: visit planned W15–W17 only (░), both in W18 (█), forecast only W19–W21 (▓)" python3 -c '
import sys
line = [l for l in sys.argv[1].splitlines() if "拜访客户" in l][0]
cells = line[line.index("拜访客户") + 4:].lstrip(" ")[:9]
assert cells == "\u2591\u2591\u2591\u2588\u2593\u2593\u2593  ", repr(cells)' "$OUT"
check "gantt: milestone planned ◇ (W20) before forecast ◆ (W22)" python3 -c '
import sys
line = [l for l in sys.argv[1].splitlines() if "签约" in l][0]
assert line.index("◇") < line.index("◆"), line' "$OUT"
contains "gantt: forecast end after the row" "$OUT" "forecast end 2026-05-30"
expect_rc 2 "gantt with --format json is a usage error" "$SP" tasks --gantt --format json

# ---- load ----
expect_rc 0 "tasks --load" "$SP" tasks --load --as-of 2026-04-20 --format json
check "load: per owner per ISO week, collaborators apart" python3 -c '
import json, sys
d = {(x["owner"], x["week"]): x for x in json.loads(sys.argv[1])["load"]}
# r003: material (04-11..15) and training (04-01..20) both in W16 (04-13..19)
assert d[("r003", "2026-W16")]["tasks"] == 2
# r002: owns visit (from Sat 04-11) and collaborates on select (to 04-10) in W15
assert d[("r002", "2026-W15")]["tasks"] == 1 and d[("r002", "2026-W15")]["collaborating"] == 1
assert d[("r002", "2026-W14")]["tasks"] == 0 and d[("r002", "2026-W14")]["collaborating"] == 1
# r001 has nothing from W16 to W17 (select ends 04-10, proposal starts 05-01)
assert ("r001", "2026-W16") not in d and ("r001", "2026-W17") not in d
assert not any(x["overloaded"] for x in d.values())' "$OUT"
expect_rc 0 "tasks --load (table)" "$SP" tasks --load --as-of 2026-04-20
contains "load table names the person" "$OUT" "赵敏"

# ---- task set ----
expect_rc 0 "task set done" "$SP" task set select --status done
expect_rc 0 "task set doing 40" "$SP" task set visit --status doing --progress 40
expect_rc 1 "task set of an unknown task" "$SP" task set nope --status done
contains "unknown task is named" "$ERR" "nope"
expect_rc 2 "bad --status" "$SP" task set visit --status wip
expect_rc 2 "bad --progress" "$SP" task set visit --status doing --progress 101
expect_rc 2 "missing --status" "$SP" task set visit
check "states stored (sqlite3)" test "$(sqlite3 "$SALESPLAN_DB" "select status||':'||progress from task_states where plan_id='t26' and task_id='select'")" = "done:100"

expect_rc 0 "tasks after task set" "$SP" tasks --as-of 2026-04-20 --format json
check "done task is no longer overdue; progress shown" python3 -c '
import json, sys
t = {x["id"]: x for x in json.loads(sys.argv[1])["tasks"]}
assert t["select"]["status"] == "done" and t["select"]["progress"] == 100 and not t["select"]["overdue"]
assert t["visit"]["status"] == "doing" and t["visit"]["progress"] == 40
# select done keeps 04-01..04-10 and pushes nothing; material (late, 0 %)
# finishes 04-20 + 5 - 1 = 04-24 and has 04-30 - 04-24 = 6 days of slack
assert t["visit"]["forecast_start"] == "2026-04-11" and t["visit"]["forecast_finish"] == "2026-04-30"
assert t["material"]["forecast_finish"] == "2026-04-24" and t["material"]["slack"] == 6
assert not t["select"]["critical"] and t["select"]["planned_critical"]
assert json.loads(sys.argv[1])["forecast_end"] == "2026-05-11"' "$OUT"
# as of 05-05: visit (20 days, 40 %) has ceil(20 x 0.6) = 12 days left:
# 05-05..05-16; proposal 05-17..05-26, signed 05-27; training (late, 0 %)
# ends 05-24 (slack 3); select is done: the forecast path starts at visit
expect_rc 0 "tasks --critical as of 05-05" "$SP" tasks --critical --as-of 2026-05-05 --format json
check "--critical follows the forecast path" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [t["id"] for t in d["tasks"]] == ["visit", "proposal", "signed"], d["tasks"]
assert d["critical_path"] == ["visit", "proposal", "signed"], d["critical_path"]
assert d["planned_critical_path"] == ["select", "visit", "proposal", "signed"], d["planned_critical_path"]
assert d["forecast_end"] == "2026-05-27", d["forecast_end"]
t = {x["id"]: x for x in d["tasks"]}
assert t["visit"]["forecast_finish"] == "2026-05-16" and t["proposal"]["forecast_start"] == "2026-05-17"' "$OUT"
expect_rc 0 "tasks as of 05-05 (table)" "$SP" tasks --as-of 2026-05-05
contains "both paths when they differ (forecast)" "$OUT" "critical path (forecast): visit → proposal → signed"
contains "both paths when they differ (planned)" "$OUT" "critical path (planned): select → visit → proposal → signed"
contains "16 days later" "$OUT" "2026-05-11 as planned, 2026-05-27 as forecast (16 days later)"
expect_rc 0 "tasks --critical --gantt as of 05-05" "$SP" tasks --critical --gantt --as-of 2026-05-05
check "--critical --gantt: the three forecast-critical rows" bash -c '
[ "$(grep -c "^! " <<<"$1")" = 3 ] && grep -q "^! 拜访客户" <<<"$1" && ! grep -q "筛选意向客户" <<<"$1"' _ "$OUT"

# a changed plan (proposal due later, a new task): states kept by task id
sed -e 's/due: 2026-05-10, depends_on/due: 2026-05-12, depends_on/' plan.yaml > plan2.yaml
echo '  - {id: review, strategy: s1, name: 季度复盘, owner: r001, start: 2026-06-25, due: 2026-06-30}' >> plan2.yaml
expect_rc 0 "import the changed plan" "$SP" plan import plan2.yaml --reason "later proposal"
contains "a new version" "$OUT" "version 2"
expect_rc 0 "tasks on version 2" "$SP" tasks --as-of 2026-04-20 --format json
check "states survive the new version; new task is todo" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
t = {x["id"]: x for x in d["tasks"]}
assert t["select"]["status"] == "done" and t["visit"]["progress"] == 40
assert t["review"]["status"] == "todo" and t["review"]["progress"] == 0
assert d["planned_end"] == "2026-06-30", d["planned_end"]' "$OUT"
expect_rc 0 "task set on the new task" "$SP" task set review --status blocked
expect_rc 0 "tasks --lang zh" "$SP" --lang zh tasks --as-of 2026-04-20
contains "Chinese status words" "$OUT" "已完成"

# ---- overload: four parallel tasks of one owner in one week ----
cat > busy.yaml <<'EOF'
plan:
  id: busy
  name: Busy
  period: 2026
team:
  groups:
    - id: g1
      name: G
      members:
        - {id: r1, name: One, role: rep}
        - {id: r2, name: Two, role: rep}
goals:
  - {id: revenue, name: Revenue, type: result, metric: revenue, target: 100万, period: 2026, owner: r1}
strategies:
  - {id: s1, category: market, name: S, goals: [revenue]}
tasks:
  - {id: a, strategy: s1, name: A, owner: r1, start: 2026-03-02, due: 2026-03-06}
  - {id: b, strategy: s1, name: B, owner: r1, start: 2026-03-03, due: 2026-03-10}
  - {id: c, strategy: s1, name: C, owner: r1, start: 2026-03-05, due: 2026-03-05, collaborators: [r2]}
  - {id: d, strategy: s1, name: D, owner: r1, start: 2026-03-08, due: 2026-03-12}
EOF
export SALESPLAN_DB=$WORK/busy.db
check "init busy" "$SP" init
expect_rc 0 "import busy plan" "$SP" plan import busy.yaml
expect_rc 0 "load of the busy plan" "$SP" tasks --load --format json --as-of 2026-03-01
check "W10 (03-02..08) has 4 owned tasks: overloaded; W11 has 2" python3 -c '
import json, sys
d = {(x["owner"], x["week"]): x for x in json.loads(sys.argv[1])["load"]}
assert d[("r1", "2026-W10")]["tasks"] == 4 and d[("r1", "2026-W10")]["overloaded"]
assert d[("r1", "2026-W11")]["tasks"] == 2 and not d[("r1", "2026-W11")]["overloaded"]
assert d[("r2", "2026-W10")]["collaborating"] == 1 and d[("r2", "2026-W10")]["tasks"] == 0' "$OUT"
expect_rc 0 "load --owner r2" "$SP" tasks --load --owner r2 --format json --as-of 2026-03-01
check "--owner limits the load to that person" python3 -c '
import json, sys
assert {x["owner"] for x in json.loads(sys.argv[1])["load"]} == {"r2"}' "$OUT"

# ---- the example plan: one task ----
export SALESPLAN_DB=$WORK/example.db
check "init example" "$SP" init
expect_rc 0 "import examples/plan-zh.yaml" "$SP" plan import "$SRCDIR/examples/plan-zh.yaml"
expect_rc 0 "tasks on the example plan" "$SP" tasks --as-of 2026-04-20 --format json
check "the example's one task: critical, 5 days overdue as of 04-20" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [t["id"] for t in d["tasks"]] == ["bench-select"]
t = d["tasks"][0]
assert t["critical"] and t["slack"] == 0 and t["days_overdue"] == 5
assert d["critical_path"] == ["bench-select"] and d["planned_end"] == "2026-04-15"
# not done, 0 %: its 15 days run from 04-20 to 05-04
assert d["forecast_end"] == "2026-05-04" and t["forecast_finish"] == "2026-05-04"' "$OUT"
expect_rc 0 "gantt on the example plan" "$SP" tasks --gantt --as-of 2026-04-20
contains "gantt names the example task" "$OUT" "筛选3家意向客户"

# no plan at all
export SALESPLAN_DB=$WORK/empty.db
check "init empty" "$SP" init
expect_rc 1 "tasks without a plan" "$SP" tasks

finish
