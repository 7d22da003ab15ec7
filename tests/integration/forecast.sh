#!/usr/bin/env bash
# forecast.sh — SPEC §7 forecast with expected_close_on: quarterly revenue
# goals of a plan for another company, a pipeline spread over the quarters
# (deals with and without an expected close date, one expected before the
# plan's year, one won after the as-of date, one created after it), and each
# goal's forecast checked against plain SQL: actual + Σ amount × probability
# / 100 over the deals open on D whose expected_close_on falls in P, or that
# have none when P contains D. Also: a schema-2 workspace gains the column
# on open and keeps its deals.
. "$(dirname "$0")/lib.sh"
set -o pipefail

q() { sqlite3 "$SALESPLAN_DB" "$1"; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }

cat >"$WORK/plan.yaml" <<'YAML'
plan:
  id: acme2027
  name: Acme 2027
  period: 2027
  currency: CNY
  timezone: Asia/Shanghai
team:
  groups:
    - id: north
      name: North
      members:
        - {id: n1, name: Ann Lee, role: leader}
        - {id: n2, name: Bob Wu, role: rep}
goals:
  - id: rev
    name: Revenue 2027
    type: result
    metric: revenue
    target: 1000万
    period: 2027
    owner: n1
    children:
      - {id: rev-q1, period: 2027-Q1, target: 200万}
      - {id: rev-q2, period: 2027-Q2, target: 250万}
      - {id: rev-q3, period: 2027-Q3, target: 250万}
      - {id: rev-q4, period: 2027-Q4, target: 300万}
YAML
cat >"$WORK/deals.csv" <<'CSV'
deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount,probability,Expected Close Date
W1,K1,n2,2026-11-01,2027-01-20,won,300000,100,2027-01-31
W2,K1,n2,2026-12-01,2027-02-20,won,100000,50,2027-02-28
L1,K2,n2,2026-10-01,2027-01-10,lost,90000,10,2027-01-15
O1,K2,n2,2027-01-05,,open,500000,40,2027-03-15
O2,K3,n2,2027-01-06,,open,800000,50,2027-05-10
O3,K3,n2,2027-01-07,,open,1000000,20,2027-08-01
O4,K4,n2,2027-01-08,,open,200000,60,
O5,K4,n2,2026-09-01,,open,300000,70,2026-12-20
O6,K5,n2,2027-03-01,,open,400000,90,2027-03-20
O7,K5,n2,2027-02-01,,open,700000,,2027-11-30
O8,K6,n1,2027-02-02,,open,600000,30,2027-06-30
CSV

expect_rc 0 "init" "$SP" init --quiet
expect_rc 0 "plan import" "$SP" plan import "$WORK/plan.yaml"
expect_rc 0 "deals with Expected Close Date" "$SP" import deals "$WORK/deals.csv"
eq "expected_close_on stored, empty is NULL" "$(q "select group_concat(deal_id||':'||ifnull(expected_close_on,'-'), ' ') from (select * from deals where deal_id in ('O1','O4') order by deal_id)")" "O1:2027-03-15 O4:-"

D=2027-02-15
expect_rc 0 "status json as of $D" "$SP" status --as-of $D --format json
echo "$OUT" >"$WORK/status.json"
# want P_FIRST P_LAST: the forecast of P in fen, by SQL
want() {
  q "SELECT
      (SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '$1' AND min('$2','$D'))
    + (SELECT CAST(ROUND(COALESCE(SUM(amount*COALESCE(probability,0)),0)/100.0) AS INTEGER) FROM deals
       WHERE created_on <= '$D' AND (stage='open' OR closed_on > '$D')
         AND (expected_close_on BETWEEN '$1' AND '$2'
              OR (expected_close_on IS NULL AND '$D' BETWEEN '$1' AND '$2')))"
}
got() { # got GOAL_ID: its forecast in fen from status.json
  /usr/bin/python3 - "$WORK/status.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def walk(gs):
    for g in gs:
        yield g
        yield from walk(g.get("children") or [])
for g in walk(d["goals"]):
    if g["id"] == sys.argv[2]:
        print(round(g["forecast"] * 100))
PY
}
eq "forecast 2027 (the running year)" "$(got rev)" "$(want 2027-01-01 2027-12-31)"
eq "forecast Q1 (running: undated deals count)" "$(got rev-q1)" "$(want 2027-01-01 2027-03-31)"
eq "forecast Q2 (future: only deals expected in Q2)" "$(got rev-q2)" "$(want 2027-04-01 2027-06-30)"
eq "forecast Q3" "$(got rev-q3)" "$(want 2027-07-01 2027-09-30)"
eq "forecast Q4 (a deal without probability counts 0)" "$(got rev-q4)" "$(want 2027-10-01 2027-12-31)"
# the same numbers worked out by hand, in fen: Q1 = 300,000 won + W2
# 100,000×50% + O1 500,000×40% + O4 200,000×60% = 670,000 yuan; Q2 = O2
# 800,000×50% + O8 600,000×30% = 580,000; Q3 = O3 1,000,000×20% = 200,000;
# Q4 = O7 without probability: 0 (and O5, expected in 2026, counts nowhere)
eq "forecast Q1 by hand" "$(got rev-q1)" 67000000
eq "forecast Q2 by hand" "$(got rev-q2)" 58000000
eq "forecast Q3 by hand" "$(got rev-q3)" 20000000
eq "forecast Q4 by hand" "$(got rev-q4)" 0
eq "the quarters add up to the year" "$(( $(got rev-q1) + $(got rev-q2) + $(got rev-q3) + $(got rev-q4) ))" "$(got rev)"

# after Q1 has ended its forecast is its actual
expect_rc 0 "status after Q1" "$SP" status --as-of 2027-04-02 --format json
echo "$OUT" >"$WORK/status.json"
eq "forecast of an ended quarter = actual" "$(got rev-q1)" "$(q "SELECT SUM(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2027-01-01' AND '2027-03-31'")"

# ---- a schema-2 workspace is migrated: the column is added, deals kept ----
cp "$SALESPLAN_DB" "$WORK/v2.db"
sqlite3 "$WORK/v2.db" "ALTER TABLE deals DROP COLUMN expected_close_on; ALTER TABLE reps DROP COLUMN email; PRAGMA user_version = 2"
expect_rc 0 "a schema-2 workspace opens" "$SP" --db "$WORK/v2.db" status --as-of $D
eq "migrated to the current schema" "$(sqlite3 "$WORK/v2.db" 'PRAGMA user_version')" "$(sed -n 's/^#define SP_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$SRCDIR/src/store/store.h")"
eq "migrated: deals kept, the new column empty" "$(sqlite3 "$WORK/v2.db" "select count(*)||'/'||count(expected_close_on) from deals")" "11/0"

finish
