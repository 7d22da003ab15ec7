#!/usr/bin/env bash
# xlsx_lo.sh — workbooks through LibreOffice (issue 10): a plan workbook
# edited (openpyxl: one goal target changed, one task row added) and saved
# again by LibreOffice (`soffice --headless --convert-to xlsx`) imports with
# exactly those two changes in `plan diff`; an unedited one saved by
# LibreOffice is the same plan; a review pack workbook opens in LibreOffice
# and its numbers come out as the same numbers (CSV export of one sheet).
# LibreOffice is a test dependency (libreoffice-calc-nogui, `make deps`):
# without it this test fails, it never passes silently.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
PLAN=$SRCDIR/tests/data/xlsx/tea-plan.yaml
if ! command -v soffice >/dev/null 2>&1; then
  not_ok "soffice is missing: install libreoffice-calc-nogui (make deps)"
  finish
  exit 1
fi
# a private LibreOffice profile, so that no user's settings or lock get in the way
LO_PROFILE=file://$WORK/lo-profile
lo() { # FILTER OUTDIR FILE
  timeout 240 soffice -env:UserInstallation="$LO_PROFILE" --headless --norestore --convert-to "$1" --outdir "$2" "$3" \
    >"$WORK/.lo.out" 2>&1
}

"$SP" init --quiet
expect_rc 0 "import the tea plan (YAML)" "$SP" plan import --quiet "$PLAN"

# ---- unedited: LibreOffice's own save of the workbook is the same plan ----
for lang in en zh; do
  "$SP" --lang $lang plan export --format xlsx -o "plan-$lang.xlsx"
  mkdir -p "lo-$lang"
  if lo 'xlsx:Calc MS Excel 2007 XML' "lo-$lang" "plan-$lang.xlsx" && [ -s "lo-$lang/plan-$lang.xlsx" ]; then
    ok "LibreOffice opens and saves the plan workbook ($lang)"
  else not_ok "LibreOffice conversion ($lang)"; sed 's/^/#   /' "$WORK/.lo.out"; fi
  cmp -s "plan-$lang.xlsx" "lo-$lang/plan-$lang.xlsx" && not_ok "LibreOffice wrote the same bytes (no real save)" || ok "…its own bytes ($lang)"
  expect_rc 0 "plan import of LibreOffice's workbook ($lang)" "$SP" plan import "lo-$lang/plan-$lang.xlsx"
  contains "…the same canonical plan ($lang)" "$OUT" "unchanged (version 1)"
done

# ---- edited with openpyxl, saved by LibreOffice, imported: exactly two changes ----
expect_rc 0 "openpyxl edits the visits target and adds a task row" $PY - plan-zh.xlsx edited.xlsx <<'PYEOF'
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
goals, tasks = wb.worksheets[1], wb.worksheets[4]
assert (goals.title, tasks.title) == ('目标', '执行计划'), (goals.title, tasks.title)
hit = [r for r in goals.iter_rows() if r[0].value == 'visits']
assert len(hit) == 1 and hit[0][6].value == 40, [c.value for c in hit[0]]
hit[0][6].value = 45
r = tasks.max_row + 1
row = ['t3', 's1', '年终客户答谢会', 'h01', 'h02; o01', datetime.datetime(2027, 12, 1),
       datetime.datetime(2027, 12, 20), 't1; t2', 'false', '答谢会', 'ops', 8000, '场地；茶点']
for i, v in enumerate(row):
    c = tasks.cell(row=r, column=i + 1, value=v)
    if isinstance(v, datetime.datetime):
        c.number_format = 'yyyy-mm-dd'
wb.save(sys.argv[2])
PYEOF
mkdir -p lo-edit
if lo 'xlsx:Calc MS Excel 2007 XML' lo-edit edited.xlsx && [ -s lo-edit/edited.xlsx ]; then
  ok "LibreOffice saves the edited workbook"
else not_ok "LibreOffice conversion of the edited workbook"; sed 's/^/#   /' "$WORK/.lo.out"; fi
expect_rc 0 "check of LibreOffice's workbook: valid" "$SP" check lo-edit/edited.xlsx
expect_rc 0 "plan import of LibreOffice's workbook" "$SP" plan import lo-edit/edited.xlsx --reason "edited in LibreOffice"
contains "…stored as version 2" "$OUT" "version 2"
expect_rc 0 "plan diff 1 2" "$SP" plan diff 1 2
contains "diff: the target" "$OUT" "goal visits: target 40 → 45"
contains "diff: the task" "$OUT" "task t3 added: 年终客户答谢会"
contains "diff: nothing else" "$OUT" "2 change(s)"
# independently: the two canonical YAML versions differ in exactly those places
"$SP" plan export --version 1 -o v1.yaml
"$SP" plan export --version 2 -o v2.yaml
if $PY - v1.yaml v2.yaml <<'PYEOF'
import sys, yaml
a, b = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
ga = {g['id']: g for g in a['goals']}
gb = {g['id']: g for g in b['goals']}
assert ga.keys() == gb.keys()
for k in ga:
    if k == 'visits':
        assert {x: y for x, y in ga[k].items() if x != 'target'} == {x: y for x, y in gb[k].items() if x != 'target'}
        assert (ga[k]['target'], gb[k]['target']) == (40, 45), (ga[k]['target'], gb[k]['target'])
    else:
        assert ga[k] == gb[k], k
ta = {t['id']: t for t in a['tasks']}
tb = {t['id']: t for t in b['tasks']}
assert ta == {k: v for k, v in tb.items() if k != 't3'}
t3 = tb['t3']
assert str(t3['start']) == '2027-12-01' and str(t3['due']) == '2027-12-20' and t3['depends_on'] == ['t1', 't2'], t3
assert t3['budget'] == {'category': 'ops', 'amount': 8000} and t3['resources'] == ['场地', '茶点'], t3
for k in a:
    if k not in ('goals', 'tasks'):
        assert a[k] == b[k], k
PYEOF
then ok "only the edits changed (YAML compared by python3-yaml)"; else not_ok "the YAML versions differ elsewhere"; fi

# ---- a review pack workbook opens in LibreOffice: the same numbers ----
printf 'deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount\nD1,c1,h01,绿茶,2027-03-01,2027-03-05,won,12345.67\nD2,c2,h02,红茶,2027-03-02,2027-03-20,won,2万\n' >deals.csv
expect_rc 0 "import two deals" "$SP" import deals deals.csv
expect_rc 0 "monthly pack as a workbook" "$SP" --lang en report --period 2027-03 --as-of 2027-03-31 --format xlsx -o pack.xlsx
"$SP" kpi revenue --period 2027-03 --as-of 2027-03-31 --by team --format json >kpi.json
mkdir -p csv
# sheet 3 (Revenue by team) as CSV with the stored values (not as shown)
if lo 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3' csv pack.xlsx && [ -s "csv/pack-Revenue by team.csv" ]; then
  ok "LibreOffice opens the pack and writes its team sheet as CSV"
else not_ok "LibreOffice CSV export of the pack"; sed 's/^/#   /' "$WORK/.lo.out"; ls csv | sed 's/^/#   /'; fi
if $PY - "csv/pack-Revenue by team.csv" kpi.json <<'PYEOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8')))
k = json.load(open(sys.argv[2], encoding='utf-8'))
assert rows[1][:3] == ['team', 'revenue', 'deals won'], rows[1]
total = [r for r in rows if r and r[0] == 'Total']
assert total and abs(float(total[0][1]) - float(k['total'])) < 0.005, (total, k['total'])
assert abs(float(k['total']) - 32345.67) < 0.005, k['total']
assert total[0][2] == '2', total
PYEOF
then ok "…the revenue total is the number kpi gives (32,345.67), deals won 2"; else not_ok "the pack's numbers in LibreOffice"; fi
# in Chinese, amounts from 1万 up show in 万 in LibreOffice too (its CSV "as shown")
expect_rc 0 "monthly pack as a workbook (zh)" "$SP" --lang zh report --period 2027-03 --as-of 2027-03-31 --format xlsx -o pack-zh.xlsx
mkdir -p csv-zh
if lo 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,3' csv-zh pack-zh.xlsx; then
  total=$(grep '^合计,' csv-zh/*.csv | head -1)
  contains "LibreOffice shows the total as 3.2万" "$total" "合计,3.2万,2"
else not_ok "LibreOffice CSV export of the Chinese pack"; sed 's/^/#   /' "$WORK/.lo.out"; fi
finish
