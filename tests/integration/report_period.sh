#!/usr/bin/env bash
# report_period.sh — a review pack of period P shows P's own figures and is
# titled for its period (issue 6, item 3): a February review written in
# March (as of 2027-03-20) on a plan for another company than the examples
# (tests/data/numbers). Every figure is checked against plain SQL and the
# plan file; nothing of March may appear.
. "$(dirname "$0")/lib.sh"
DATA=$SRCDIR/tests/data/numbers
check "init" $SP init
check "plan import" $SP plan import "$DATA/plan.yaml"
for t in reps customers leads deals activities spend; do check "import $t" $SP import $t "$DATA/$t.csv"; done
check "a review of February" $SP review add --period 2027-02 --goal revenue --cause "two deals slipped"
check "a review of March (not in the pack)" $SP review add --period 2027-03 --cause "march cause"
fmt() { python3 -c 'import sys; v=int(sys.argv[1]); s="-" if v<0 else ""; v=abs(v); print(f"{s}{v//100:,}.{v%100:02d}")' "$1"; }
# pct A B: A / B as a percentage with one decimal, halves away from zero
# (B may be an exact fraction such as 240000000*28/90)
pct() { python3 -c "from fractions import Fraction as F; import math; x=F($1)*1000/(F($2)); print(f'{math.floor(x+F(1,2))/10:.1f}%')"; }
sql() { sqlite3 "$SALESPLAN_DB" "$1"; }

for lang in en zh; do
  expect_rc 0 "report 2027-02 as of 2027-03-20 ($lang)" $SP --lang $lang report --period 2027-02 --as-of 2027-03-20
  case $OUT in *2027-03*) not_ok "March in the February pack ($lang): $(printf '%s\n' "$OUT" | grep -m1 2027-03)" ;;
    *) ok "no March date or month in the February pack ($lang)" ;; esac
  case $OUT in *"march cause"*) not_ok "March's review note leaked ($lang)" ;; *) ok "only February's review notes ($lang)" ;; esac
done
contains "zh monthly title" "$OUT" "# 月度复盘：2027-02"
expect_rc 0 "report 2027-02" $SP report --period 2027-02 --as-of 2027-03-20
MD=$OUT
contains "monthly title" "$MD" "# Monthly review: 2027-02"
contains "as of the period's last day" "$MD" "as of 2027-02-28"

# revenue: February's share of 1200万 (28 of 365 days), February's won deals,
# and the year to the end of February beside them
feb=$(sql "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2027-02-01' AND '2027-02-28'")
ytd=$(sql "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2027-01-01' AND '2027-02-28'")
tfeb=$(python3 -c "from fractions import Fraction as F; import math; print(math.floor(F(1200000000*28,365)+F(1,2)))")
contains "revenue: February and to date" "$MD" \
  "| revenue | Revenue 2027 | 2027 | 12,000,000.00 | $(fmt "$tfeb") | $(fmt "$feb") | $(pct "$feb" "F(1200000000*28,365)") | $(fmt "$ytd") | $(pct "$ytd" 1200000000) |"
tq1=$(python3 -c "from fractions import Fraction as F; import math; print(math.floor(F(240000000*28,90)+F(1,2)))")
contains "Q1 child: February's share of its target" "$MD" \
  "| ↳ revenue-q1 | Revenue 2027 2027-Q1 | 2027-Q1 | 2,400,000.00 | $(fmt "$tq1") | $(fmt "$feb") | $(pct "$feb" "F(240000000*28,90)") |"
# visits per rep in February: visits of the 6 reps / 6 / 1 month; the target
# (8, a monthly rate) is not split
v=$(sql "SELECT COUNT(*) FROM activities a JOIN reps r ON r.rep_id = a.rep_id WHERE a.kind='visit' AND r.role='rep'
  AND r.active=1 AND a.occurred_on BETWEEN '2027-02-01' AND '2027-02-28'")
vpr=$(python3 -c "from fractions import Fraction as F; x=F($v,6); print(str(round(float(x),2)).rstrip('0').rstrip('.'))")
contains "visits per rep: February" "$MD" "| visits | Visits per rep a month | 2027 | 8 | 8 | $vpr |"
# activities per month (per: month 120): February
a=$(sql "SELECT COUNT(*) FROM activities WHERE occurred_on BETWEEN '2027-02-01' AND '2027-02-28'")
contains "calls goal: February's month" "$MD" "| calls | Calls a month | 2027 (per month 2027-02) | 120 | 120 | $a | $(pct "$a" 120) |"
# budget: spend in February and to the end of February per category
while IFS='|' read -r cat p y; do
  contains "spend of $cat: February, to date" "$MD" "| $(fmt "$p") | $(fmt "$y") |"
done < <(sql "SELECT category, SUM(CASE WHEN spent_on >= '2027-02-01' THEN amount ELSE 0 END), SUM(amount)
  FROM spend WHERE spent_on BETWEEN '2027-01-01' AND '2027-02-28' GROUP BY category")
# the funnel as of the end of February: its actual is revenue to date
contains "funnel as of February's end" "$MD" "actual $(fmt "$ytd"), remaining"

# titles for the period's kind
expect_rc 0 "quarter pack" $SP report --period 2027-Q1 --as-of 2027-06-01
contains "quarterly title" "$OUT" "# Quarterly review: 2027-Q1"
contains "quarter pack as of the quarter's end" "$OUT" "as of 2027-03-31"
q1=$(sql "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2027-01-01' AND '2027-03-31'")
contains "quarter pack: Q1 child with the whole quarter" "$OUT" \
  "| ↳ revenue-q1 | Revenue 2027 2027-Q1 | 2027-Q1 | 2,400,000.00 | 2,400,000.00 | $(fmt "$q1") | $(pct "$q1" 240000000) |"
case $OUT in *Monthly*) not_ok "a quarter's pack called monthly" ;; *) ok "a quarter's pack is not called monthly" ;; esac
expect_rc 0 "year pack" $SP report --period 2027 --as-of 2027-03-20
contains "annual title" "$OUT" "# Annual review: 2027"
expect_rc 0 "half-year pack" $SP report --period 2027-H1 --as-of 2027-03-20
contains "half-year title" "$OUT" "# Half-year review: 2027-H1"
expect_rc 0 "week pack" $SP report --period 2027-W08 --as-of 2027-03-20
contains "a week is a weekly report" "$OUT" "# Weekly report: 2027-W08"
expect_rc 0 "range pack" $SP report --period 2027-02-20..2027-02-26 --as-of 2027-03-20
contains "neutral title for a range of days" "$OUT" "# Review: 2027-02-20..2027-02-26"
expect_rc 0 "quarter pack (zh)" $SP --lang zh report --period 2027-Q1 --as-of 2027-06-01 --format html
contains "zh quarterly title (html)" "$OUT" "<h1>季度复盘：2027-Q1</h1>"
finish
