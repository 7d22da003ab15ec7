#!/usr/bin/env bash
# fiscal.sh — a company whose fiscal year starts in April (FY2027 =
# 2027-04-01..2028-03-31, with the leap day 2028-02-29), revenue split by
# half-year and, independently, by region; a GBK export with Chinese
# headers (赢单概率 for the probability, a rep's name 孙丽 as an owner, a
# customer created after the as-of date, a leader's visit). Every figure
# asserted is computed here with SQL on the workspace or from the plan.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
DATA=$SRCDIR/tests/data/fiscal
D=2027-09-30
export SALESPLAN_DB=$WORK/ws.db D
for f in reps customers deals activities; do iconv -f UTF-8 -t GBK "$DATA/$f.csv" >"$f.csv"; done
sql() { sqlite3 "$SALESPLAN_DB" "$1"; }

check "init" "$SP" init
expect_rc 0 "check the plan (zh)" "$SP" --lang zh check "$DATA/plan.yaml"
check "check (zh): full-width punctuation next to Chinese" $PY -c '
import re, sys
bad = re.findall(r"[\u4e00-\u9fff][;,:]|[;,:][\u4e00-\u9fff]", sys.argv[1])
assert not bad, bad' "$OUT$ERR"
contains "capacity rounded half up (26 visits / 3 reps = 8.67)" "$ERR" "8.67"
check "plan import" "$SP" plan import "$DATA/plan.yaml"
for f in reps customers deals activities; do
  expect_rc 0 "import $f (GBK)" "$SP" --lang zh import "$f" "$f.csv"
done
check "赢单概率 read as the probability" test "$(sql "select probability from deals where deal_id='d4'")" = 50
check "owner 孙丽 matched to her rep id" test "$(sql "select owner_rep_id from deals where deal_id='d3'")" = h05

expect_rc 0 "status json" "$SP" status --as-of $D --format json
check "status: FY actual, halves, regions and forecasts = SQL" $PY - "$OUT" <<'PY'
import json, os, sqlite3, sys
D = os.environ["D"]; db = sqlite3.connect(os.environ["SALESPLAN_DB"])
q = lambda s, *a: db.execute(s, a).fetchone()[0] or 0
g = {}
def walk(x):
    for y in x: g[y["id"]] = y; walk(y.get("children", []))
walk(json.loads(sys.argv[1])["goals"])
won = lambda a, b, extra="": q(f"select sum(d.amount) from deals d join customers c using(customer_id) where d.stage='won' and d.closed_on between ? and ? {extra}", a, b)
assert round(g["rev"]["actual"] * 100) == won("2027-04-01", D)
assert round(g["rev-h1"]["actual"] * 100) == won("2027-04-01", D)
assert round(g["rev-hz"]["actual"] * 100) == won("2027-04-01", D, "and c.region='华中'")
assert round(g["rev-xb"]["actual"] * 100) == won("2027-04-01", D, "and c.region='西北'")
# weighted pipeline open on D; a deal without expected_close_on counts for the
# periods running on D (FY2027 and its H1), one with a date for its period
open_ = "created_on <= ?1 and (stage = 'open' or closed_on > ?1)"
w = lambda extra: q(f"select sum(amount * probability / 100) from deals where {open_} {extra}", D)
dated = lambda a, b: w(f"and expected_close_on between '{a}' and '{b}'")
undated = w("and expected_close_on is null")
assert round(g["rev"]["forecast"] * 100) == g["rev"]["actual"] * 100 + dated("2027-04-01", "2028-03-31") + undated
assert round(g["rev-h1"]["forecast"] * 100) == round(g["rev-h1"]["actual"] * 100) + dated("2027-04-01", "2027-09-30") + undated
assert round(g["rev-h2"]["forecast"] * 100) == dated("2027-10-01", "2028-03-31")
# visits_per_rep of September: visits by active reps of role rep / those reps
v = q("select count(*) from activities a join reps r using(rep_id) where r.role='rep' and r.active=1 and a.kind='visit' and a.occurred_on between '2027-09-01' and ?", D)
n = q("select count(*) from reps where role='rep' and active=1")
assert abs(g["visits"]["actual"] - v / n) < 0.005, (g["visits"]["actual"], v, n)
PY

expect_rc 0 "tiers json" "$SP" tiers --as-of $D --format json
check "tiers: customers existing on D by T12M = SQL" $PY - "$OUT" <<'PY'
import json, os, sqlite3, sys
D = os.environ["D"]; db = sqlite3.connect(os.environ["SALESPLAN_DB"])
t12 = dict(db.execute("select customer_id, sum(amount) from deals where stage='won' and closed_on > date(?, '-1 year') and closed_on <= ? group by 1", (D, D)).fetchall())
cs = [c for (c,) in db.execute("select customer_id from customers where created_on is null or created_on <= ?", (D,))]
big = sum(1 for c in cs if t12.get(c, 0) >= 80000000)
t = {x["tier"]: x["customers"] for x in json.loads(sys.argv[1])["tiers"]}
assert t == {"big": big, "normal": len(cs) - big}, (t, big, len(cs))
PY
expect_rc 0 "report FY2027-Q2 (zh, md)" "$SP" --lang zh report --period FY2027-Q2 --as-of $D --format md
n_cust=$(sql "select count(*) from customers where created_on <= '$D'")
contains "report: tier total counts the customers existing on D" "$OUT" "| 合计 | $n_cust |"
contains "report: team names, not ids" "$OUT" "| 能源行业组 |"
contains "report: a quarter's pack is quarterly" "$OUT" "季度复盘"
expect_rc 0 "plan show --step 1 lists the split by region" "$SP" --lang zh plan show --step 1
contains "… 华中" "$OUT" "rev-hz"
contains "… 西北" "$OUT" "rev-xb"
finish
