#!/usr/bin/env bash
# status.sh — `salesplan status` and `salesplan funnel` on a workspace made
# from the example plan and CRM data, with the answers computed
# independently: the revenue actual with the sqlite3 CLI, expected from the
# day count, statuses from projection vs target (SPEC §7).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
EX=$SRCDIR/examples

expect_rc 0 "status --help" "$SP" status --help
contains "help names --as-of" "$OUT" "--as-of"
expect_rc 0 "funnel --help" "$SP" funnel --help

# ---- no workspace plan yet ----------------------------------------------
check "init" "$SP" init
expect_rc 1 "status without a plan fails" "$SP" status
contains "says to import a plan" "$ERR" "plan import"
expect_rc 2 "bad --as-of is a usage error" "$SP" status --as-of 2026-13-01
expect_rc 2 "bad --format is a usage error" "$SP" status --format xml

# ---- only the plan: funnel says what history is missing ------------------
check "plan import" "$SP" plan import "$EX/plan-zh.yaml"
expect_rc 0 "funnel on an empty workspace" "$SP" funnel --goal revenue --as-of 2026-11-26
contains "funnel names the missing average deal size" "$OUT" "no won deals in the last 12 months"
contains "funnel names the missing win rate" "$OUT" "win rate"
expect_rc 0 "funnel json on an empty workspace" "$SP" funnel --goal revenue --as-of 2026-11-26 --format json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["per_month"]["deals"] is None, d
assert any("average deal size" in m for m in d["missing"]), d
assert d["remaining"] == 50000000.00, d
' "$OUT" && ok "funnel json: deals null, missing listed" || not_ok "funnel json on empty workspace: $OUT"
expect_rc 2 "funnel on a non-revenue goal" "$SP" funnel --goal leads
expect_rc 2 "funnel on an unknown goal" "$SP" funnel --goal nope

# ---- the example data ----------------------------------------------------
for t in reps customers leads deals activities invoices spend; do
  check "import $t" "$SP" import "$t" "$EX/data/$t.csv"
done

AS_OF=2026-11-26
expect_rc 0 "status json" "$SP" status --as-of $AS_OF --format json
echo "$OUT" >"$WORK/status.json"
REV_FEN=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$AS_OF'")
Q1_FEN=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '2026-03-31'")
Q4_FEN=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-10-01' AND '$AS_OF'")
# the split by region (splits:): East China's won revenue of the year so far
EAST_FEN=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(d.amount),0) FROM deals d JOIN customers c USING (customer_id) WHERE d.stage='won' AND d.closed_on BETWEEN '2026-01-01' AND '$AS_OF' AND c.region='华东'")
if EAST_FEN=$EAST_FEN python3 - "$WORK/status.json" "$REV_FEN" "$Q1_FEN" "$Q4_FEN" "$AS_OF" <<'PY'
import json, sys, datetime, re
from fractions import Fraction as F
raw = open(sys.argv[1]).read()
d = json.loads(raw)
rev_fen, q1_fen, q4_fen = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
asof = datetime.date.fromisoformat(sys.argv[5])
bad = []
def need(cond, msg):
    if not cond: bad.append(msg)
goals = {g["id"]: g for g in d["goals"]}
need(d["as_of"] == sys.argv[5], "as_of echoed")
# every goal of the plan, children under their parent
need(set(goals) == {"revenue", "q3-new-share", "leads"}, "top-level goals: %s" % list(goals))
kids = [c["id"] for c in goals["revenue"]["children"]]
need(kids == ["revenue-q1", "revenue-q2", "revenue-q3", "revenue-q4",
              "revenue-east", "revenue-north", "revenue-south", "revenue-southwest"], "children of revenue: %s" % kids)
# the children of the split by region say so; the first split's do not
need([c.get("split") for c in goals["revenue"]["children"]] == [None] * 4 + ["region"] * 4, "split of each child")
import os
east = {c["id"]: c for c in goals["revenue"]["children"]}["revenue-east"]
need(int(round(east["actual"] * 100)) == int(os.environ["EAST_FEN"]), "east actual %s vs SQL %s fen" % (east["actual"], os.environ["EAST_FEN"]))
for g in list(goals.values()) + goals["revenue"]["children"]:
    for k in ("id", "metric", "period", "target", "actual", "expected", "projection", "attainment", "status", "pacing", "children"):
        need(k in g, "%s lacks %s" % (g["id"], k))
# money printed with exactly two decimals (never through a double)
need(re.search(r'"actual": %d\.%02d[,}]' % (rev_fen // 100, rev_fen % 100), raw) is not None, "revenue actual text")
rev = goals["revenue"]
def fen(x): return int(round(x * 100))
need(fen(rev["actual"]) == rev_fen, "revenue actual %s vs SQL %d fen" % (rev["actual"], rev_fen))
need(fen(rev["target"]) == 5000000000, "revenue target")
# expected = target × days elapsed / days in P
start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
el, tot = (asof - start).days + 1, (end - start).days + 1
exp = F(5000000000) * el / tot
need(abs(fen(rev["expected"]) - exp) <= F(1, 2), "expected %s vs %s" % (rev["expected"], float(exp) / 100))
proj = F(rev_fen) * tot / el
need(abs(fen(rev["projection"]) - proj) <= F(1, 2), "projection")
want = "on_track" if proj >= 5000000000 else ("at_risk" if proj >= F(5000000000) * F(9, 10) else "off_track")
need(rev["status"] == want, "revenue status %s, wanted %s" % (rev["status"], want))
need(abs(F(str(rev["attainment"])) - F(rev_fen, 5000000000)) < F(1, 10000), "attainment")
need(rev["pacing"] == "linear", "pacing linear")
need("pipeline_coverage" in rev and "forecast" in rev, "revenue extras")
need(fen(rev["forecast"]) >= rev_fen, "forecast >= actual")
# finished quarter: achieved / missed by the SQL sum; Q4 in progress
c = {k["id"]: k for k in rev["children"]}
need(fen(c["revenue-q1"]["actual"]) == q1_fen, "q1 actual")
need(c["revenue-q1"]["status"] == ("achieved" if q1_fen >= 1000000000 else "missed"), "q1 status")
need(fen(c["revenue-q4"]["actual"]) == q4_fen, "q4 actual")
q4el = (asof - datetime.date(2026, 10, 1)).days + 1
q4proj = F(q4_fen) * 92 / q4el
w4 = "on_track" if q4proj >= 1600000000 else ("at_risk" if q4proj >= F(1600000000) * F(9, 10) else "off_track")
need(c["revenue-q4"]["status"] == w4, "q4 status %s wanted %s" % (c["revenue-q4"]["status"], w4))
# the ratio goal is a fraction; Q3 is over
s = goals["q3-new-share"]
need(s["target"] == 0.4, "ratio target as a fraction")
need(s["status"] in ("achieved", "missed"), "q3 share finished")
need((s["actual"] is not None and s["actual"] >= 0.4) == (s["status"] == "achieved"), "q3 share status vs actual")
# per-month goal: 11 months so far, months_met counts the met ones
l = goals["leads"]
need(len(l["months"]) == 11 and l["months"][0]["month"] == "2026-01", "leads months")
need(l["months_met"] == sum(1 for m in l["months"] if m["met"] is True), "months_met")
for m in l["months"][:-1]:
    need(m["met"] == (m["actual"] >= 200), "month %s met" % m["month"])
if bad:
    print("\n".join(bad)); sys.exit(1)
PY
then ok "status json matches SQL and SPEC §7"; else not_ok "status json checks"; fi

# qualified leads of one month, independently
L10=$(sqlite3 "$SALESPLAN_DB" "SELECT COUNT(*) FROM leads l WHERE qualified=1 AND created_on BETWEEN '2026-10-01' AND '2026-10-31' AND region='华东' AND industry='制造业'")
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = [g for g in d["goals"] if g["id"] == "leads"][0]
m = [m for m in g["months"] if m["month"] == "2026-10"][0]
sys.exit(0 if m["actual"] == int(sys.argv[2]) else 1)
' "$WORK/status.json" "$L10" && ok "leads 2026-10 = SQL count ($L10)" || not_ok "leads 2026-10 vs SQL $L10"

expect_rc 0 "status before P" "$SP" status --as-of 2025-12-31 --format json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
def walk(gs):
    for g in gs:
        yield g
        yield from walk(g["children"])
st = {g["id"]: g["status"] for g in walk(d["goals"])}
sys.exit(0 if set(st.values()) == {"not_started"} else 1)
' "$OUT" && ok "2025-12-31: every goal not_started" || not_ok "not_started: $OUT"

expect_rc 0 "status after P" "$SP" status --as-of 2027-01-05 --format json
REV27=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '2026-12-31'")
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
def walk(gs):
    for g in gs:
        yield g
        yield from walk(g["children"])
gs = list(walk(d["goals"]))
assert all(g["status"] in ("achieved", "missed") for g in gs), [g["status"] for g in gs]
r = [g for g in gs if g["id"] == "revenue"][0]
assert r["status"] == ("achieved" if int(sys.argv[2]) >= 5000000000 else "missed")
assert r["pipeline_coverage"] is None and r["forecast"] == r["actual"]
' "$OUT" "$REV27" && ok "2027-01-05: achieved/missed by target" || not_ok "after P: $OUT"

expect_rc 0 "status --goal revenue" "$SP" status --as-of $AS_OF --goal revenue --format json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [g["id"] for g in d["goals"]] == ["revenue"] and len(d["goals"][0]["children"]) == 8  # 4 quarters + 4 regions (splits)
' "$OUT" && ok "--goal limits to the goal and its children" || not_ok "--goal: $OUT"
expect_rc 2 "status --goal unknown" "$SP" status --goal nope

expect_rc 0 "status csv" "$SP" status --as-of $AS_OF --format csv
contains "csv header" "$OUT" "id,parent,name,metric,period,target,actual"
contains "csv child row names its parent" "$OUT" "revenue-q1,revenue,"

expect_rc 0 "status table" "$SP" status --as-of $AS_OF
contains "table shows a progress bar" "$OUT" "░"
contains "children indented, by name (ids are in json/csv)" "$OUT" "  年度营收 2026-Q1"
case $OUT in *$'\033['*) not_ok "no colour when stdout is not a terminal" ;; *) ok "no colour when stdout is not a terminal" ;; esac

expect_rc 0 "funnel" "$SP" funnel --goal revenue --as-of $AS_OF --format json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
h, p = d["history"], d["per_month"]
assert d["missing"] == [], d["missing"]
assert h["won_deals"] > 0 and p["deals"] > 0 and p["visits"] > 0 and p["qualified_leads"] > 0
# deals per month = remaining / avg deal size / months left
exp = d["remaining"] / h["avg_deal_size"] / d["months_left"]
assert abs(p["deals"] - exp) < 0.02 * max(1, exp), (p["deals"], exp)
assert abs(p["opportunities"] - p["deals"] / h["win_rate"]) < 0.05 * max(1, p["opportunities"])
assert d["plan"]["qualified_leads"] == 200 and d["plan"]["visit_capacity"] == 20
' "$OUT" && ok "funnel numbers consistent" || not_ok "funnel: $OUT"
WON12=$(sqlite3 "$SALESPLAN_DB" "SELECT COUNT(*) FROM deals WHERE stage='won' AND closed_on > '2025-11-26' AND closed_on <= '$AS_OF'")
python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["history"]["won_deals"] == int(sys.argv[2]) else 1)' "$OUT" "$WON12" \
  && ok "funnel won deals = SQL ($WON12)" || not_ok "funnel won deals vs SQL $WON12"
expect_rc 0 "funnel table" "$SP" funnel --goal revenue --as-of $AS_OF
contains "funnel table lists qualified leads" "$OUT" "qualified leads"

finish
