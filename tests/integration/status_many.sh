#!/usr/bin/env bash
# status_many.sh — `status` of a plan with many goals and splits (deal
# metrics filtered by region, industry, size, rep, product and team, the
# pipeline and forecast of revenue goals, a per-month lead goal, a new
# customer share with ties) on generated data with edge cases (records
# after the as-of date, deals of unknown creation order on one day, empty
# cells, leap day, customers without deals), answered three ways: status
# (every goal at once), `kpi` per goal, and plain SQL in the sqlite3 CLI;
# from the snapshot and from SQLite alone (SALESPLAN_SNAPSHOT=off), for
# several as-of dates (inside, before and after the plan's year).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }

python3 - "$WORK" <<'PY'
import random, sys, datetime as dt
w = sys.argv[1]
rnd = random.Random(8)
def day(a, b):
    a, b = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return (a + dt.timedelta(days=rnd.randint(0, (b - a).days))).isoformat()
regions = ["华东", "华北", "华南", "西南", ""]
inds = ["制造业", "零售", ""]
sizes = ["small", "medium", "large", ""]
reps = ["r%02d" % i for i in range(1, 7)]
with open(w + "/reps.csv", "w") as f:
    f.write("rep_id,name,team,role,region,industry,active\n")
    for i, r in enumerate(reps):
        f.write("%s,销售%d,%s,rep,%s,%s,1\n" % (r, i, ["east", "north"][i % 2], regions[i % 4], inds[i % 2]))
custs = ["c%03d" % i for i in range(1, 81)]
with open(w + "/customers.csv", "w") as f:
    f.write("customer_id,name,region,industry,size,owner_rep_id,created_on\n")
    for i, c in enumerate(custs):
        created = "" if i % 17 == 0 else day("2024-01-01", "2027-03-01")
        f.write("%s,客户%d,%s,%s,%s,%s,%s\n" % (c, i, regions[i % 5], inds[i % 3], sizes[i % 4], reps[i % 6], created))
with open(w + "/deals.csv", "w") as f:
    f.write("deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal,expected_close_on\n")
    for i in range(600):
        c = custs[rnd.randrange(70)]           # c071..c080: no deals
        created = day("2025-01-01", "2027-02-28")
        if i % 50 == 0: created = "2024-02-29"  # leap day
        stage = rnd.choice(["won", "won", "lost", "open"])
        closed = ""
        if stage != "open":
            closed = (dt.date.fromisoformat(created) + dt.timedelta(days=rnd.randint(0, 200))).isoformat()
        if i % 37 == 0 and stage == "won":
            closed = "2026-08-15"               # ties on one day (first won deal by id)
        amount = "%d.%02d" % (rnd.randint(0, 3000000), rnd.randint(0, 99))
        prob = "" if i % 11 == 0 else str(rnd.randint(0, 100))
        exp = "" if i % 3 == 0 else day("2026-01-01", "2027-06-30")
        isnew = "" if i % 2 else rnd.choice(["0", "1"])
        f.write("d%04d,%s,%s,%s,%s,%s,%s,%s,,%s,%s,0,%s\n" % (i, c, rnd.choice(reps + [""]), rnd.choice(["MES", "ERP", ""]),
                created, closed, stage, amount, prob, isnew, exp))
with open(w + "/leads.csv", "w") as f:
    f.write("lead_id,created_on,source,region,industry,size,owner_rep_id,qualified\n")
    for i in range(500):
        f.write("l%04d,%s,%s,%s,%s,,%s,%d\n" % (i, day("2025-11-01", "2027-01-31"), rnd.choice(["web", "展会"]),
                regions[i % 5], inds[i % 3], reps[i % 6], i % 3 != 0))
PY

cat >"$WORK/plan.yaml" <<'YAML'
plan:
  id: many
  name: many goals
  period: 2026
  currency: CNY
  timezone: Asia/Shanghai
  pacing: linear
team:
  groups:
    - id: east
      name: east
      members:
        - {id: r01, name: 销售0, role: rep}
        - {id: r03, name: 销售2, role: rep}
        - {id: r05, name: 销售4, role: rep}
    - id: north
      name: north
      members:
        - {id: r02, name: 销售1, role: rep}
        - {id: r04, name: 销售3, role: rep}
        - {id: r06, name: 销售5, role: rep}
goals:
  - id: rev
    name: revenue
    type: result
    metric: revenue
    target: 2000万
    period: 2026
    owner: r01
    children:
      - {id: rev-q1, period: 2026-Q1, target: 500万}
      - {id: rev-q2, period: 2026-Q2, target: 500万}
      - {id: rev-q3, period: 2026-Q3, target: 500万}
      - {id: rev-q4, period: 2026-Q4, target: 500万}
    splits:
      - by: region
        children:
          - {id: rev-east, filter: {region: 华东}, target: 800万}
          - {id: rev-north, filter: {region: 华北}, target: 600万}
          - {id: rev-south, filter: {region: 华南}, target: 400万}
          - {id: rev-ne, filter: {region: 东北}, target: 200万}
      - by: size
        children:
          - {id: rev-small, filter: {size: small}, target: 500万}
          - {id: rev-medium, filter: {size: medium}, target: 500万}
          - {id: rev-large, filter: {size: large}, target: 1000万}
      - by: rep
        children:
          - {id: rev-r01, filter: {rep: r01}, target: 1000万}
          - {id: rev-r02, filter: {rep: r02}, target: 1000万}
      - by: product
        children:
          - {id: rev-mes, filter: {product: MES}, target: 1000万}
          - {id: rev-erp, filter: {product: ERP}, target: 1000万}
      - by: team
        children:
          - {id: rev-east-team, filter: {team: east}, target: 1000万}
          - {id: rev-north-team, filter: {team: north}, target: 1000万}
  - {id: rev-mfg-east, name: east mfg, type: result, metric: revenue, target: 300万, period: 2026-H2, owner: r02, filter: {region: 华东, industry: 制造业}}
  - {id: won, name: deals won, type: result, metric: deals_won, target: 100, period: 2026, owner: r01, filter: {industry: 零售}}
  - {id: winrate, name: win rate, type: result, metric: win_rate, target: 50%, period: 2026-Q3, owner: r01, filter: {region: 华北}}
  - {id: avg, name: avg deal, type: result, metric: avg_deal_size, target: 100万, period: 2026, owner: r01, filter: {product: MES}}
  - {id: pipe, name: pipeline, type: result, metric: pipeline, target: 1000万, period: 2026, owner: r01, filter: {size: large}}
  - {id: wpipe, name: weighted, type: result, metric: weighted_pipeline, target: 500万, period: 2026, owner: r01}
  - {id: share, name: new share, type: result, metric: new_customer_revenue_share, target: 40%, period: 2026-Q3, owner: r01}
  - {id: ql, name: qualified leads, type: process, metric: qualified_leads, target: 10, per: month, period: 2026, owner: r03, supports: [rev], filter: {region: 华东, industry: 制造业}}
YAML

check "init" "$SP" init
for t in reps customers deals leads; do check "import $t" "$SP" import "$t" "$WORK/$t.csv"; done
expect_rc 0 "plan import" "$SP" plan import "$WORK/plan.yaml"

for mode in auto off; do
for D in 2026-11-26 2026-02-28 2026-03-01 2025-12-31 2028-02-29; do
  if [ $mode = off ]; then export SALESPLAN_SNAPSHOT=off; else unset SALESPLAN_SNAPSHOT; fi
  expect_rc 0 "status json as of $D ($mode)" "$SP" status --as-of "$D" --format json
  echo "$OUT" >"$WORK/status.json"
  # every goal's actual asked of kpi one by one
  python3 - "$WORK/status.json" "$WORK/plan.yaml" >"$WORK/kpi_cmds.txt" <<'PY'
import json, sys, datetime as dt
d = json.load(open(sys.argv[1]))
asof = dt.date.fromisoformat(d["as_of"])
def walk(gs):
    for g in gs:
        yield g
        yield from walk(g.get("children") or [])
for g in walk(d["goals"]):
    if g["id"] in ("ql", "rev-ne"):
        continue  # per month, and a region kpi refuses (no such region): checked against SQL below
    print(g["id"], g["metric"], g["period"])
PY
  : >"$WORK/kpi.txt"
  # (kpi per goal for two dates from the snapshot: one process per goal)
  case $mode/$D in auto/2026-11-26 | auto/2026-03-01) ;; *) : >"$WORK/kpi_cmds.txt" ;; esac
  while read -r gid metric period; do
    where=()
    case $gid in
      rev-east) where=(--where region=华东) ;; rev-north) where=(--where region=华北) ;;
      rev-south) where=(--where region=华南) ;; rev-ne) where=(--where region=东北) ;;
      rev-small) where=(--where size=small) ;; rev-medium) where=(--where size=medium) ;; rev-large) where=(--where size=large) ;;
      rev-r01) where=(--where rep=r01) ;; rev-r02) where=(--where rep=r02) ;;
      rev-mes) where=(--where product=MES) ;; rev-erp) where=(--where product=ERP) ;;
      rev-east-team) where=(--where team=east) ;; rev-north-team) where=(--where team=north) ;;
      rev-mfg-east) where=(--where region=华东 --where industry=制造业) ;;
      won) where=(--where industry=零售) ;; winrate) where=(--where region=华北) ;;
      avg) where=(--where product=MES) ;; pipe) where=(--where size=large) ;;
    esac
    v=$("$SP" kpi "$metric" --period "$period" --as-of "$D" "${where[@]}" --format json 2>/dev/null |
        python3 -c 'import json,sys; v=json.load(sys.stdin)["total"]; print("null" if v is None else repr(v))')
    echo "$gid $v" >>"$WORK/kpi.txt"
  done <"$WORK/kpi_cmds.txt"
  # the SQL answers
  F=" FROM deals d LEFT JOIN customers c USING (customer_id) LEFT JOIN reps r ON r.rep_id = d.owner_rep_id"
  sql() { sqlite3 -batch "$SALESPLAN_DB" "$1"; }
  won_in() { echo "d.stage='won' AND d.closed_on BETWEEN '$1' AND MIN('$2','$D') AND d.created_on <= '$D'"; }
  open_at="d.created_on <= '$D' AND (d.stage='open' OR (d.closed_on IS NOT NULL AND d.closed_on > '$D'))"
  {
    for g in "rev|2026-01-01|2026-12-31|1" "rev-q1|2026-01-01|2026-03-31|1" "rev-q2|2026-04-01|2026-06-30|1" \
             "rev-q3|2026-07-01|2026-09-30|1" "rev-q4|2026-10-01|2026-12-31|1" \
             "rev-east|2026-01-01|2026-12-31|c.region='华东'" "rev-north|2026-01-01|2026-12-31|c.region='华北'" \
             "rev-south|2026-01-01|2026-12-31|c.region='华南'" "rev-ne|2026-01-01|2026-12-31|c.region='东北'" \
             "rev-small|2026-01-01|2026-12-31|c.size='small'" "rev-medium|2026-01-01|2026-12-31|c.size='medium'" \
             "rev-large|2026-01-01|2026-12-31|c.size='large'" "rev-r01|2026-01-01|2026-12-31|d.owner_rep_id='r01'" \
             "rev-r02|2026-01-01|2026-12-31|d.owner_rep_id='r02'" "rev-mes|2026-01-01|2026-12-31|d.product='MES'" \
             "rev-erp|2026-01-01|2026-12-31|d.product='ERP'" "rev-east-team|2026-01-01|2026-12-31|r.team='east'" \
             "rev-north-team|2026-01-01|2026-12-31|r.team='north'" \
             "rev-mfg-east|2026-07-01|2026-12-31|c.region='华东' AND c.industry='制造业'"; do
      IFS='|' read -r gid a b f <<<"$g"
      act=$(sql "SELECT COALESCE(SUM(d.amount),0) $F WHERE $(won_in "$a" "$b") AND $f")
      pipe=$(sql "SELECT COALESCE(SUM(d.amount),0) $F WHERE $open_at AND $f")
      wp=$(sql "SELECT COALESCE(SUM(d.amount * MAX(COALESCE(d.probability,0),0)),0) $F WHERE $open_at AND $f AND
               (CASE WHEN d.expected_close_on IS NOT NULL THEN d.expected_close_on BETWEEN '$a' AND '$b'
                     ELSE '$D' BETWEEN '$a' AND '$b' END)")
      echo "$gid $a $b $act $pipe $wp"
    done
  } >"$WORK/sql_rev.txt"
  WON=$(sql "SELECT COUNT(*) $F WHERE $(won_in 2026-01-01 2026-12-31) AND c.industry='零售'")
  WR=$(sql "SELECT COALESCE(SUM(d.stage='won'),0) || ' ' || COUNT(*) $F WHERE d.stage IN ('won','lost') AND d.closed_on BETWEEN '2026-07-01' AND MIN('2026-09-30','$D') AND d.created_on <= '$D' AND c.region='华北'")
  AVG=$(sql "SELECT COALESCE(SUM(d.amount),0) || ' ' || COUNT(*) $F WHERE $(won_in 2026-01-01 2026-12-31) AND d.product='MES'")
  PIPE=$(sql "SELECT COALESCE(SUM(d.amount),0) $F WHERE $open_at AND c.size='large'")
  WPIPE=$(sql "SELECT COALESCE(SUM(d.amount * MAX(COALESCE(d.probability,0),0)),0) $F WHERE $open_at")
  # the current month of the per-month lead goal (D clamped into 2026)
  QL=$(sql "WITH m AS (SELECT CASE WHEN '$D' < '2026-01-01' THEN '2026-01' WHEN '$D' > '2026-12-31' THEN '2026-12' ELSE substr('$D',1,7) END AS m)
            SELECT COUNT(*) FROM leads, m WHERE qualified = 1 AND region='华东' AND industry='制造业'
            AND substr(created_on,1,7) = m.m AND created_on <= '$D'")
  if D=$D WON=$WON WR=$WR AVG=$AVG PIPE=$PIPE WPIPE=$WPIPE QL=$QL python3 - "$WORK/status.json" "$WORK/kpi.txt" "$WORK/sql_rev.txt" <<'PY'
import json, os, sys
from fractions import Fraction as Fr
d = json.load(open(sys.argv[1]))
D = os.environ["D"]
bad = []
goals = {}
def walk(gs):
    for g in gs:
        goals[g["id"]] = g
        walk(g.get("children") or [])
walk(d["goals"])
def fen(x): return None if x is None else int(round(x * 100))
def rnd100(n):  # n / 100 rounded half away from zero
    q, r = divmod(abs(n), 100)
    if 2 * r >= 100: q += 1
    return q if n >= 0 else -q
# status = kpi, goal by goal
for line in open(sys.argv[2]):
    gid, v = line.split()
    got = goals[gid]["actual"]
    want = None if v == "null" else float(v)
    # (status prints ratios with 6 decimals, kpi with all)
    if (got is None) != (want is None) or (got is not None and abs(got - want) > 5.001e-7 + 1e-12 * abs(want)):
        bad.append("%s: status %s vs kpi %s" % (gid, got, want))
# status = SQL
for line in open(sys.argv[3]):
    gid, a, b, act, pipe, wp = line.split()
    g = goals[gid]
    if fen(g["actual"]) != int(act): bad.append("%s actual %s vs SQL %s" % (gid, g["actual"], act))
    if D > b:
        if g.get("pipeline") is not None: bad.append("%s pipeline after its period" % gid)
        if fen(g.get("forecast")) != int(act): bad.append("%s forecast after its period" % gid)
    else:
        if fen(g.get("pipeline")) != int(pipe): bad.append("%s pipeline %s vs SQL %s" % (gid, g.get("pipeline"), pipe))
        if fen(g.get("forecast")) != int(act) + rnd100(int(wp)):
            bad.append("%s forecast %s vs SQL %s + %s/100" % (gid, g.get("forecast"), act, wp))
if goals["won"]["actual"] != int(os.environ["WON"]): bad.append("won %s vs SQL %s" % (goals["won"]["actual"], os.environ["WON"]))
w, n = (int(x or 0) for x in os.environ["WR"].split())
got = goals["winrate"]["actual"]
if (n == 0) != (got is None) or (n and abs(got - w / n) > 1e-6): bad.append("winrate %s vs SQL %s/%s" % (got, w, n))
s, n = (int(x or 0) for x in os.environ["AVG"].split())
got = goals["avg"]["actual"]
if (n == 0) != (got is None) or (n and abs(fen(got) - s / n) > 0.5001):
    bad.append("avg %s vs SQL %s/%s" % (got, s, n))
if fen(goals["pipe"]["actual"]) != int(os.environ["PIPE"]): bad.append("pipe %s vs SQL %s" % (goals["pipe"]["actual"], os.environ["PIPE"]))
if fen(goals["wpipe"]["actual"]) != rnd100(int(os.environ["WPIPE"])): bad.append("wpipe %s vs SQL %s/100" % (goals["wpipe"]["actual"], os.environ["WPIPE"]))
if goals["ql"]["actual"] != int(os.environ["QL"]): bad.append("ql %s vs SQL %s" % (goals["ql"]["actual"], os.environ["QL"]))
if bad: print("\n".join("# " + b for b in bad[:10]))
sys.exit(1 if bad else 0)
PY
  then ok "status = kpi per goal = SQL as of $D ($mode)"; else not_ok "status = kpi per goal = SQL as of $D ($mode)"; fi
done
done
unset SALESPLAN_SNAPSHOT
finish
