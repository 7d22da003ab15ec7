#!/usr/bin/env bash
# check.sh — `salesplan check`: the shipped examples pass, broken plans list
# every error at FILE:LINE:COL with exit 1, unreadable files exit 2, the JSON
# shape, --help, and last year's actuals from a workspace (Achievable).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
set +e   # expect_rc records failures itself
D=$SRCDIR/tests/data/check

# ---- the examples and a valid plan: exit 0 ----
for f in "$SRCDIR/examples/plan-zh.yaml" "$SRCDIR/examples/plan-en.yaml" "$D/valid.yaml"; do
  if [ -f "$f" ]; then
    expect_rc 0 "check $(basename "$f") is valid" "$SP" check "$f"
    contains "$(basename "$f"): SMART table header" "$OUT" "goal"
    contains "$(basename "$f"): revenue row" "$OUT" "revenue"
  else
    not_ok "missing $f"
  fi
done
expect_rc 0 "valid.yaml" "$SP" check "$D/valid.yaml"
[ -z "$ERR" ] && ok "valid.yaml: nothing on stderr" || not_ok "valid.yaml: stderr: $ERR"
contains "valid.yaml: capacity verdict shown" "$OUT" "✓"
contains "valid.yaml: summary says valid" "$OUT" "valid.yaml: valid"

# ---- warnings only: exit 0, warnings on stderr ----
expect_rc 0 "warnings only is still valid" "$SP" check "$D/warnings.yaml"
contains "warning: dependency start" "$ERR" "warnings.yaml:28:12: warning: task 'b' starts 2026-03-05, before its dependency 'a' is due (2026-03-10)"
contains "warning: no strategy" "$ERR" "warning: goal 'revenue' is not Relevant: no strategy serves this goal"

# ---- every error, with LINE:COL, sorted ----
B=$D/bad.yaml
expect_rc 1 "bad.yaml has errors" "$SP" check "$B"
contains "sum gap"        "$ERR" "bad.yaml:20:13: error: children of 'revenue' sum to 11,999,999.99 (parent 12,000,000.00; gap -0.01)"
contains "unknown owner"  "$ERR" "bad.yaml:22:12: error: goal 'revenue': unknown team member 'leed' (did you mean 'lead'?)"
contains "no supports"    "$ERR" "bad.yaml:26:5: error: goal 'visits' is not Relevant"
contains "capacity"       "$ERR" "bad.yaml:30:13: warning: goal 'visits' is not Achievable: needs 20 visits a month, more than the capacity of 8"
contains "time-bound"     "$ERR" "bad.yaml:39:13: error: goal 'late' is not Time-bound: period 2027-Q1 is not inside the plan's period 2026"
contains "idle strategy"  "$ERR" "bad.yaml:46:5: error: strategy 'idle' serves no goal"
contains "cycle"          "$ERR" "bad.yaml:51:5: error: dependency cycle: a → c → b → a"
contains "unknown strategy" "$ERR" "bad.yaml:57:5: error: task 'b': unknown strategy 'key-acounts' (did you mean 'key-accounts'?)"
contains "due before start" "$ERR" "bad.yaml:67:10: error: task 'c' is due 2026-03-25, before it starts (2026-04-01)"
contains "budget 99%"     "$ERR" "error: budget category shares sum to 99%, not 100%"
n=$(grep -c ': error: ' <<<"$ERR")
[ "$n" = 9 ] && ok "all 9 errors listed" || not_ok "expected 9 errors, got $n"
contains "summary counts" "$OUT" "bad.yaml: 9 error(s), 2 warning(s)"
lines=$(grep -o '^[^ ]*bad.yaml:[0-9]*' <<<"$ERR" | sed 's/.*://')
[ "$lines" = "$(sort -n <<<"$lines")" ] && ok "diagnostics sorted by line" || not_ok "diagnostics not sorted: $lines"

# ---- parse errors: FILE:LINE:COL lines, exit 1 ----
cat >"$WORK/syntax.yaml" <<'YAML'
plan:
  id: x
  name: [unclosed
YAML
expect_rc 1 "syntax error" "$SP" check "$WORK/syntax.yaml"
contains "syntax error has a position" "$ERR" "$WORK/syntax.yaml:"
grep -qE "syntax.yaml:[0-9]+:[0-9]+: " <<<"$ERR" && ok "syntax error LINE:COL" || not_ok "no LINE:COL in: $ERR"

# ---- unreadable: exit 2 ----
expect_rc 2 "missing file" "$SP" check "$WORK/nope.yaml"
contains "missing file named" "$ERR" "nope.yaml"
expect_rc 2 "a directory" "$SP" check "$WORK"
expect_rc 2 "no FILE" "$SP" check
expect_rc 2 "bad --format" "$SP" check --format xml "$D/valid.yaml"
expect_rc 2 "bad --as-of" "$SP" check --as-of 2026-13-01 "$D/valid.yaml"
expect_rc 0 "--help" "$SP" check --help
contains "--help usage" "$OUT" "Usage: salesplan check FILE"

# ---- JSON ----
expect_rc 1 "json on bad.yaml" "$SP" check --format json "$B"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["file"].endswith("bad.yaml"), d["file"]
assert d["valid"] is False
assert len(d["errors"]) == 9, len(d["errors"])
assert len(d["warnings"]) == 2
e = d["errors"][0]
assert (e["line"], e["col"]) == (20, 13), e
assert "gap -0.01" in e["message"]
ids = [g["id"] for g in d["goals"]]
assert ids == ["revenue", "rev-h1", "rev-h2", "visits", "late"], ids
v = d["goals"][3]
assert v["A"]["verdict"] == "fail" and "capacity" in v["A"]["reason"], v["A"]
assert v["R"]["verdict"] == "fail"
assert d["goals"][0]["A"]["verdict"] == "unknown"
assert d["goals"][4]["T"]["verdict"] == "fail"
for g in d["goals"]:
    assert set("SMART") <= set(g), g
' "$OUT"; then ok "json fields"; else not_ok "json fields"; fi
expect_rc 0 "json on the Chinese example" "$SP" check --format json "$SRCDIR/examples/plan-zh.yaml"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["valid"] is True and d["errors"] == []
names = [g.get("name") for g in d["goals"]]
assert "年度营收" in names, names
' "$OUT"; then ok "json keeps Chinese as UTF-8"; else not_ok "json Chinese"; fi
expect_rc 1 "json on a syntax error" "$SP" check --format json "$WORK/syntax.yaml"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1]); assert d["valid"] is False and d["errors"][0]["line"] > 0' "$OUT"; then
  ok "json parse errors"; else not_ok "json parse errors"; fi

# ---- Chinese messages ----
LANG=zh_CN.UTF-8 expect_rc 1 "Chinese" "$SP" check "$B"
contains "Chinese error text" "$ERR" "周期"

# ---- history from a workspace: last year's revenue 1000万 vs target 1200万 (+20%);
# d4 closes in 2026 and must not count ----
if "$SP" init --quiet >/dev/null 2>&1; then
  cat >"$WORK/deals.csv" <<'CSV'
deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount
d1,c1,rep1,2025-01-10,2025-03-01,won,5000000
d2,c1,rep1,2025-05-10,2025-08-01,won,3000000
d3,c1,rep1,2025-09-10,2025-12-31,won,2000000
d4,c1,rep1,2025-09-10,2026-01-02,won,9000000
CSV
  cat >"$WORK/customers.csv" <<'CSV'
customer_id,name
c1,Customer One
CSV
  "$SP" import customers "$WORK/customers.csv" >/dev/null 2>&1
  if "$SP" import deals "$WORK/deals.csv" >/dev/null 2>&1; then
    expect_rc 0 "check with history" "$SP" check --format json --as-of 2026-01-15 "$D/valid.yaml"
    if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
a = d["goals"][0]["A"]
assert a["verdict"] == "pass", a
assert "20%" in a["reason"] and "10,000,000.00" in a["reason"], a
h1 = d["goals"][1]["A"]   # H1 2025: 500万 -> 500万
assert h1["verdict"] == "pass" and "growth 0%" in h1["reason"], h1
h2 = d["goals"][2]["A"]   # H2 2025: 500万 -> 700万 = +40%
assert h2["verdict"] == "pass" and "growth 40% over last year\x27s 5,000,000.00" in h2["reason"], h2
' "$OUT"; then ok "Achievable uses last year's actuals"; else not_ok "history: $OUT"; fi
    sed 's/target: 1200万/target: 1600万/; s/target: 700万/target: 1100万/' "$D/valid.yaml" >"$WORK/grow.yaml"
    expect_rc 0 "60% growth fails Achievable (a warning)" "$SP" check --as-of 2026-01-15 "$WORK/grow.yaml"
    contains "growth figure" "$ERR" "growth 60% over last year's 10,000,000.00 (at most 50%)"
  else
    not_ok "import deals for the history test"
  fi
else
  not_ok "init for the history test"
fi
rm -f "$SALESPLAN_DB"
expect_rc 0 "no workspace: no history, still valid" "$SP" check "$D/valid.yaml"

finish
