#!/usr/bin/env bash
# faces.sh — what a person reads shows names, not ids (issue 6.12): rep,
# customer, goal, category and strategy names and the plan's tier labels
# (战略客户) in the tables, the ids in JSON and CSV; money in 万 with
# --unit 万|wan (yuan by default, JSON always yuan), checked against plain
# SQL; status tables fit 100 columns, names cut by display width.
. "$(dirname "$0")/lib.sh"
export SALESPLAN_TODAY=2026-11-26
ZH=$WORK/zh.db EN=$WORK/en.db
check "Chinese demo" "$SP" --lang zh demo --db "$ZH" --quiet
check "English demo" "$SP" --lang en demo --db "$EN" --quiet
q() { sqlite3 "$ZH" "$1"; }
# wan FEN: the amount in 万 as the tables print it (two decimals at most)
wan() { /usr/bin/python3 -c '
import sys
from decimal import Decimal, ROUND_HALF_UP
v = (Decimal(sys.argv[1]) / 1000000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
s = "{:,.2f}".format(v).rstrip("0").rstrip(".")
print(s + "万")' "$1"; }
width() { /usr/bin/python3 -c '
import sys, unicodedata
print(max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin), default=0))'; }

# ---- tiers: the plan's labels, not the ids ----
expect_rc 0 "zh tiers" "$SP" --lang zh --db "$ZH" tiers --since 2026-06-30
contains "  tier label 战略客户" "$OUT" "战略客户"
contains "  movements by label" "$OUT" "潜力客户  重点客户"
case $OUT in *strategic* | *potential*) not_ok "  a tier id in the table" ;; *) ok "  no tier id in the table" ;; esac
expect_rc 0 "zh tiers json keeps the ids" "$SP" --lang zh --db "$ZH" tiers --format json
contains "  id in JSON" "$OUT" '"tier": "strategic"'

# ---- alerts: rep, customer, tier names ----
expect_rc 0 "zh alerts" "$SP" --lang zh --db "$ZH" alerts
contains "  a rep's name" "$OUT" "$(q "SELECT name FROM reps WHERE rep_id = 'r002'")"
contains "  the tier label" "$OUT" "潜力客户"
case $OUT in *" r00"[0-9]* | *" c0"[0-9]*) not_ok "  a rep or customer id in the table" ;; *) ok "  no rep or customer id" ;; esac
case $OUT in *potential*) not_ok "  a tier id in the table" ;; *) ok "  no tier id" ;; esac
expect_rc 0 "alerts csv keeps the ids" "$SP" --lang zh --db "$ZH" alerts --format csv
contains "  owner id in CSV" "$OUT" ",r00"

# ---- status: goal names; 万 ----
expect_rc 0 "zh status" "$SP" --lang zh --db "$ZH" status
contains "  goal name" "$OUT" "年度营收"
case $OUT in *revenue-q1*) not_ok "  a goal id in the table" ;; *) ok "  no goal id in the table" ;; esac
expect_rc 0 "zh status --unit 万" "$SP" --lang zh --db "$ZH" status --unit 万
contains "  target 5,000万" "$OUT" "5,000万"
rev=$(q "SELECT sum(amount) FROM deals WHERE stage = 'won' AND closed_on BETWEEN '2026-01-01' AND '2026-11-26'")
contains "  actual = SQL in 万 ($(wan "$rev"))" "$OUT" "$(wan "$rev")"
expect_rc 0 "status --unit wan (json stays in yuan)" "$SP" --db "$ZH" status --unit wan --format json
contains "  json in yuan" "$OUT" '"target": 50000000.00'
expect_rc 2 "status --unit k is refused" "$SP" --db "$ZH" status --unit k
contains "  names the units" "$ERR" "yuan, wan"
for db in "$EN" "$ZH"; do
  w=$("$SP" --db "$db" status | width)
  [ "$w" -le 100 ] && ok "status fits 100 columns ($w, $(basename "$db"))" || not_ok "status is $w columns wide ($(basename "$db"))"
done
contains "  long names cut with an ellipsis" "$("$SP" --db "$EN" status)" "…"

# ---- budget: names; 万 = SQL ----
expect_rc 0 "zh budget --unit 万" "$SP" --lang zh --db "$ZH" budget --unit 万
contains "  category name" "$OUT" "市场推广"
case $OUT in *marketing*) not_ok "  a category id in the table" ;; *) ok "  no category id" ;; esac
sp=$(q "SELECT sum(amount) FROM spend WHERE category = 'marketing' AND spent_on BETWEEN '2026-01-01' AND '2026-11-26'")
contains "  marketing spent = SQL in 万 ($(wan "$sp"))" "$OUT" "$(wan "$sp")"
contains "  total 200万" "$OUT" "200万"

# ---- kpi by rep / team: names in the table, ids in JSON ----
expect_rc 0 "zh kpi revenue --by rep" "$SP" --lang zh --db "$ZH" kpi revenue --period 2026-Q4 --by rep
want=$("$SP" --db "$ZH" kpi revenue --period 2026-Q4 --by rep --format csv | grep '^r002,' | cut -d, -f2)
/usr/bin/python3 -c 'import sys; print("{:,.2f}".format(float(sys.argv[1])))' "$want" >"$WORK/want"
contains "  李娜 with r002's revenue ($(cat "$WORK/want"))" "$(grep 李娜 <<<"$OUT")" "$(cat "$WORK/want")"
case $OUT in *r002*) not_ok "  a rep id in the table" ;; *) ok "  no rep id in the table" ;; esac
expect_rc 0 "zh kpi revenue --by team" "$SP" --lang zh --db "$ZH" kpi revenue --period 2026-Q4 --by team
contains "  the group's name" "$OUT" "制造业组"
finish
