#!/usr/bin/env bash
# xlsx_report.sh — the review pack, the weekly pack and KPI tables as
# workbooks (issue 10; docs/METRICS.md "Workbooks"), and `check FILE.xlsx`.
# Each workbook is read by an independent reader (python3-openpyxl,
# xlsx_pack.py): sheet names in Chinese and English, frozen header rows,
# numbers as numbers with money (万 / ¥), percentage and date formats,
# native charts, neutralised formula-looking text, and its numbers against
# SQL on the workspace and the JSON / CSV output of the same commands.
# Data: the trial company (tests/data/trial) plus rows around 2027-W26, as
# in weekly.sh.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
TOOL=$SRCDIR/tests/integration/xlsx_pack.py
DATA=$SRCDIR/tests/data/trial
D=2027-06-30
W=2027-W26

sed 's/^  - {id: t-upsell, /  - {id: t-nextwk, strategy: s-ret, name: 东北续约清单, owner: e01, start: 2027-06-20, due: 2027-07-06}\n  - {id: t-upsell, /' \
  "$DATA/plan.yaml" >plan.yaml
check "init" "$SP" init
expect_rc 0 "plan import" "$SP" plan import plan.yaml
for t in reps customers leads deals activities invoices spend; do
  expect_rc 0 "import $t (GBK)" "$SP" import "$t" "$DATA/$t.csv"
done
# the week's rows; one product name looks like a formula
cat >deals.csv <<'CSV'
deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount
WK1,C001,s02,智慧医院平台,2027-06-01,2027-06-28,won,50万
WK2,C002,s03,HIS升级,2027-06-10,2027-06-30,won,12.5万
WK3,C003,s02,智慧医院平台,2027-06-10,2027-07-01,won,99万
WK5,C005,s02,HIS升级,2027-05-01,2027-06-29,lost,30万
WK6,C006,n02,智慧校园,2027-06-28,,open,8万
WK8,C008,e02,"=HYPERLINK(""http://x"")",2027-06-30,2027-06-30,won,"1,234.56"
CSV
cat >leads.csv <<'CSV'
lead_id,created_on,source,region,industry,owner_rep_id,qualified
WL1,2027-06-28,官网,西南,医疗,s02,1
WL2,2027-06-30,展会,西南,医疗,s02,0
WL3,2027-07-01,官网,华北,教育,n02,1
WL4,2027-06-21,官网,华北,教育,n02,1
CSV
cat >activities.csv <<'CSV'
activity_id,occurred_on,rep_id,customer_id,kind
WA1,2027-06-29,s02,C001,visit
WA3,2027-06-22,n02,C004,visit
CSV
for t in deals leads activities; do
  expect_rc 0 "import the week's $t" "$SP" import "$t" "$t.csv"
done
"$SP" plan export --format json >plan.json
"$SP" alerts --as-of "$D" --format json >alerts.json
"$SP" kpi revenue --period 2027-06 --as-of "$D" --by team --format json >kpi-team-month.json
"$SP" kpi revenue --period "$W" --as-of "$D" --by team --format json >kpi-team-week.json

# ---- report --format xlsx: the monthly and the weekly pack, in both languages ----
for lang in zh en; do
  expect_rc 0 "monthly pack as a workbook ($lang)" "$SP" --lang $lang report --period 2027-06 --as-of "$D" --format xlsx -o "month-$lang.xlsx"
  expect_rc 0 "weekly pack as a workbook ($lang)" "$SP" --lang $lang report --period "$W" --as-of "$D" --format xlsx -o "week-$lang.xlsx"
  $PY "$TOOL" pack "month-$lang.xlsx" $lang month "$SALESPLAN_DB" "$D" >>checks.txt 2>&1 || echo "FAIL month $lang: the checker stopped" >>checks.txt
  $PY "$TOOL" pack "week-$lang.xlsx" $lang week "$SALESPLAN_DB" "$D" >>checks.txt 2>&1 || echo "FAIL week $lang: the checker stopped" >>checks.txt
done
# the same bytes twice
"$SP" --lang en report --period 2027-06 --as-of "$D" --format xlsx -o again.xlsx
cmp -s month-en.xlsx again.xlsx && ok "the pack workbook is deterministic" || not_ok "the pack workbook differs between runs"
# a workbook is never written to a terminal (script gives the command one); to a pipe it goes
expect_rc 2 "report --format xlsx to a terminal is refused" script -qec "$SP report --period 2027-06 --as-of $D --format xlsx" /dev/null
contains "…saying to name a file" "$OUT" "-o FILE.xlsx"
expect_rc 0 "report --format xlsx to a pipe" "$SP" report --period 2027-06 --as-of "$D" --format xlsx
case $OUT in PK*) ok "…a zip" ;; *) not_ok "…not a zip" ;; esac
expect_rc 2 "an unknown format names xlsx" "$SP" report --period 2027-06 --format xls
contains "…among the formats" "$ERR" "(md, html, xlsx)"

# ---- kpi --format xlsx: the same rows as CSV ----
kpi_case() { # NAME CHART ARGS...
  local name=$1 chart=$2; shift 2
  expect_rc 0 "kpi $* --format xlsx" "$SP" --lang en kpi "$@" --as-of "$D" --format xlsx -o "$name.xlsx"
  "$SP" kpi "$@" --as-of "$D" --format csv >"$name.csv"
  local nby=0
  case " $* " in *" --by "*) nby=1 ;; esac
  $PY "$TOOL" kpi "$name.xlsx" "$name.csv" $nby $chart >>checks.txt 2>&1 || echo "FAIL kpi $name: the checker stopped" >>checks.txt
}
kpi_case rev-rep column revenue --period 2027 --by rep --explain
kpi_case rev-month line revenue --period 2027 --by month --where region=西南
kpi_case win-team column win_rate --period 2027 --by team
kpi_case deals-total none deals_won --period 2027-Q2
kpi_case cycle-product column sales_cycle_days --period 2027 --by product
grep -q 'FORMATS.*%' checks.txt && ok "kpi: a ratio is a percentage" || not_ok "kpi: no percentage format"
grep -q 'FORMATS.*¥' checks.txt && ok "kpi: money has the ¥ format" || not_ok "kpi: no ¥ format"
# the records behind the number on their own sheet
if $PY - rev-rep.xlsx <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert [ws.title for ws in wb.worksheets] == ['revenue', 'records'], wb.sheetnames
rec = wb['records']
assert rec['A2'].value == 'table' and rec.freeze_panes == 'A3'
dates = [r[2] for r in rec.iter_rows(min_row=3) if r[0].value]
assert dates and all(c.is_date for c in dates), dates[:3]
PYEOF
then ok "kpi --explain: the records sheet, dates as dates"; else not_ok "kpi --explain: the records sheet"; fi
expect_rc 0 "kpi in Chinese: money in 万" "$SP" --lang zh kpi revenue --period 2027 --as-of "$D" --by team --format xlsx -o zh.xlsx
if $PY - zh.xlsx <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
assert ws['A3'].value == '团队' and ws['B3'].value == '团队（名称）', (ws['A3'].value, ws['B3'].value)
cells = [r[2] for r in ws.iter_rows(min_row=4) if isinstance(r[2].value, (int, float)) and r[2].value >= 10000]
assert cells and all('万' in c.number_format for c in cells), [(c.value, c.number_format) for c in cells]
PYEOF
then ok "kpi zh: headers in Chinese, names beside ids, 万 format"; else not_ok "kpi zh workbook"; fi
expect_rc 2 "kpi --format xlsx to a terminal is refused" script -qec "$SP kpi revenue --period 2027 --format xlsx" /dev/null
contains "…saying to name a file" "$OUT" "-o FILE.xlsx"
expect_rc 0 "kpi -o FILE writes the other formats too" "$SP" kpi revenue --period 2027 --as-of "$D" --format csv -o k.csv
"$SP" kpi revenue --period 2027 --as-of "$D" --format csv >k2.csv
cmp -s k.csv k2.csv && ok "…the same bytes as stdout" || not_ok "kpi -o differs from stdout"

# ---- check FILE.xlsx: a plan workbook checked like a plan file ----
XT=$SRCDIR/tests/integration/xlsx_tool.py
"$SP" --lang zh plan export --format xlsx -o plan-zh.xlsx
"$SP" --lang en plan export --format xlsx -o plan-en.xlsx
expect_rc 0 "check plan.xlsx: valid" "$SP" check plan-en.xlsx
contains "…says valid" "$OUT" "plan-en.xlsx: valid"
"$SP" check plan.yaml >yaml-check.txt 2>&1
[ "$(grep -c ': warning: ' yaml-check.txt)" = "$(grep -c ': warning: ' <<<"$ERR")" ] && ok "…the same warnings as the YAML" || not_ok "warnings differ: $ERR"
contains "…each at its cell" "$ERR" "plan-en.xlsx: Goals!G"
$PY "$XT" set plan-zh.xlsx bad-amount.xlsx 1 G3 '12万五'
LANG=zh_CN.UTF-8 expect_rc 1 "check: a target that is no amount" "$SP" check bad-amount.xlsx
contains "…named by sheet and cell, in Chinese" "$ERR" "bad-amount.xlsx: 目标!G3: 错误"
contains "…with the text" "$ERR" "'12万五'"
$PY "$XT" set plan-en.xlsx bad-sum.xlsx 1 G5 100
expect_rc 1 "check: children that no longer sum" "$SP" check bad-sum.xlsx
contains "…at the parent's target cell" "$ERR" "bad-sum.xlsx: Goals!G3: error: children of 'revenue' sum to"
expect_rc 1 "check --format json of a workbook" "$SP" check bad-sum.xlsx --format json
if $PY -c "import json,sys; d=json.loads(sys.argv[1]); e=d['errors']; assert not d['valid'] and e[0]['cell']=='Goals!G3' and 'sum to' in e[0]['message'], e" "$OUT"; then
  ok "…errors carry their cell"; else not_ok "check json: $OUT"; fi
$PY "$XT" set plan-en.xlsx bad-metric.xlsx 1 F3 revenu
expect_rc 1 "check: an unknown metric" "$SP" check bad-metric.xlsx
contains "…at the metric cell" "$ERR" "bad-metric.xlsx: Goals!F3: error: goal: unknown metric 'revenu'"
printf 'id,name\n' >fake.xlsx
expect_rc 1 "check: a CSV named .xlsx" "$SP" check fake.xlsx
contains "…is not a workbook" "$ERR" "not a workbook"
expect_rc 2 "check: a missing workbook" "$SP" check nosuch.xlsx
contains "…cannot be read" "$ERR" "cannot read 'nosuch.xlsx'"

# the checker's verdicts
while IFS= read -r line; do
  case $line in
    PASS*) ok "${line#PASS }" ;;
    FAIL*) not_ok "${line#FAIL }" ;;
    FORMATS*) ;;
    *) echo "# $line" ;;
  esac
done <checks.txt
grep -q '^PASS' checks.txt || not_ok "the checker ran no check"
finish
