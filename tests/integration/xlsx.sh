#!/usr/bin/env bash
# xlsx.sh — the plan as a workbook (docs/PLAN.md): plan export --format xlsx
# is read by an independent reader (python3-openpyxl) with the right sheet
# names, cell types and formats; plan import of the workbook gives back the
# same canonical plan; a workbook edited and saved by openpyxl (its own
# string storage and styles) imports with exactly the edits; bad cells are
# named by sheet and cell. The plan is a second company's (tests/data/xlsx).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
TOOL=$SRCDIR/tests/integration/xlsx_tool.py
PLAN=$SRCDIR/tests/data/xlsx/tea-plan.yaml

"$SP" init --quiet
expect_rc 0 "import the tea plan (YAML)" "$SP" plan import --quiet "$PLAN"
"$SP" plan export -o "$WORK/v1.yaml"

for lang in en zh; do
  LANG=$([ $lang = zh ] && echo zh_CN.UTF-8 || echo C.UTF-8) \
    expect_rc 0 "plan export --format xlsx ($lang)" "$SP" plan export --format xlsx -o "$WORK/plan-$lang.xlsx"
  expect_rc 0 "openpyxl reads types, formats, drop-downs, print setup ($lang)" $PY "$TOOL" inspect "$WORK/plan-$lang.xlsx" $lang
  [ "$_fails" = 0 ] || echo "# $ERR"
  expect_rc 0 "plan import of the workbook ($lang)" "$SP" plan import "$WORK/plan-$lang.xlsx"
  contains "the workbook is the same canonical plan ($lang)" "$OUT" "unchanged (version 1)"
done
# the same bytes twice
"$SP" plan export --format xlsx -o "$WORK/again.xlsx"
if cmp -s "$WORK/plan-en.xlsx" "$WORK/again.xlsx"; then ok "xlsx export is deterministic"; else not_ok "xlsx export differs between runs"; fi
# binary to a terminal is refused; to a pipe it goes
expect_rc 0 "xlsx export to a pipe" "$SP" plan export --format xlsx
case $OUT in PK*) ok "stdout is a zip" ;; *) not_ok "stdout is not a zip" ;; esac

# edit in "another spreadsheet program" and import
expect_rc 0 "openpyxl edits two targets and adds a task" $PY "$TOOL" edit "$WORK/plan-zh.xlsx" "$WORK/edited.xlsx"
expect_rc 0 "import the edited workbook" "$SP" plan import "$WORK/edited.xlsx" --reason edited
contains "stored as version 2" "$OUT" "version 2"
expect_rc 0 "plan diff 1 2" "$SP" plan diff 1 2
contains "diff: q1 target" "$OUT" "goal rev-h1-q1: target 2,500,000 → 2,600,000"
contains "diff: q2 target" "$OUT" "goal rev-h1-q2: target 3,500,000 → 3,400,000"
contains "diff: the new task" "$OUT" "task t3 added: 年终客户答谢会"
contains "diff: nothing else" "$OUT" "3 change(s)"
# independently: the canonical YAML of both versions differs in exactly those places
"$SP" plan export -o "$WORK/v2.yaml"
if $PY - "$WORK/v1.yaml" "$WORK/v2.yaml" <<'PYEOF'
import sys, yaml
a, b = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
def goals(gs, out):
    for g in gs or []:
        out[g['id']] = {k: v for k, v in g.items() if k not in ('children', 'splits')}
        goals(g.get('children'), out)
        for s in g.get('splits') or []:
            goals(s['children'], out)
    return out
ga, gb = goals(a['goals'], {}), goals(b['goals'], {})
changed = sorted(k for k in ga if ga[k] != gb.get(k))
assert changed == ['rev-h1-q1', 'rev-h1-q2'], changed
assert str(gb['rev-h1-q1']['target']) == '2600000' and str(gb['rev-h1-q2']['target']) == '3400000', gb['rev-h1-q1']
ta = {t['id']: t for t in a['tasks']}
tb = {t['id']: t for t in b['tasks']}
assert ta == {k: v for k, v in tb.items() if k != 't3'}
t3 = tb['t3']
assert t3['collaborators'] == ['h02', 'o01'] and t3['depends_on'] == ['t1', 't2'], t3
assert str(t3['start']) == '2027-12-01' and str(t3['due']) == '2027-12-20', t3
assert t3['budget'] == {'category': 'ops', 'amount': 8000}, t3['budget']
assert t3['resources'] == ['场地', '茶点'] and t3.get('milestone') in (None, False), t3
for k in a:
    if k not in ('goals', 'tasks'):
        assert a[k] == b[k], k
PYEOF
then ok "only the edits changed (YAML compared by python3-yaml)"; else not_ok "the YAML versions differ elsewhere"; fi

# errors name the sheet and the cell, in the user's language
$PY "$TOOL" set "$WORK/plan-zh.xlsx" "$WORK/bad1.xlsx" 1 G3 '12万五'
LANG=zh_CN.UTF-8 expect_rc 1 "a target that is no amount is refused" "$SP" plan import "$WORK/bad1.xlsx"
contains "…named by sheet and cell (zh)" "$ERR" "目标!G3: "
contains "…with the bad text" "$ERR" "'12万五'"
$PY "$TOOL" set "$WORK/plan-en.xlsx" "$WORK/bad2.xlsx" 1 F3 'revenu'
expect_rc 1 "an unknown metric is refused" "$SP" plan import "$WORK/bad2.xlsx"
contains "…named by sheet and cell (en)" "$ERR" "Goals!F3: goal: unknown metric 'revenu'"
$PY "$TOOL" set "$WORK/plan-en.xlsx" "$WORK/bad3.xlsx" 1 B13 'nosuch'
expect_rc 1 "an unknown parent goal is refused" "$SP" plan import "$WORK/bad3.xlsx"
contains "…at the parent cell" "$ERR" "Goals!B13: goal 'visits': the parent goal 'nosuch'"
$PY "$TOOL" set "$WORK/plan-en.xlsx" "$WORK/bad4.xlsx" 4 G3 '2027-13-01'
expect_rc 1 "a bad date is refused" "$SP" plan import "$WORK/bad4.xlsx"
contains "…at the date cell" "$ERR" "Execution plan!G3: "
expect_rc 0 "nothing was stored by the bad imports" "$SP" plan list
contains "still version 2" "$OUT" "tea-2027"
case $OUT in *"  2  "*) ok "version 2 kept" ;; *) not_ok "versions: $OUT" ;; esac
# semantic errors (plan check) are also placed on their cells
$PY "$TOOL" set "$WORK/plan-en.xlsx" "$WORK/bad5.xlsx" 1 G6 3000000
expect_rc 1 "children that no longer sum are refused" "$SP" plan import "$WORK/bad5.xlsx"
contains "…at the parent's target" "$ERR" "Goals!G4: error: children of 'rev-h1' sum to"
# not a workbook
printf 'id,name\n' >"$WORK/fake.xlsx"
expect_rc 1 "a CSV named .xlsx is refused" "$SP" plan import "$WORK/fake.xlsx"
contains "…as not a workbook" "$ERR" "not a workbook"

# ---- import TABLE FILE.xlsx ----
DEALS=$SRCDIR/examples/data/deals.csv
$PY "$TOOL" fromcsv "$DEALS" "$WORK/deals.xlsx"
"$SP" --db "$WORK/csv.db" init --quiet
"$SP" --db "$WORK/xlsx.db" init --quiet
expect_rc 0 "import deals from the CSV" "$SP" --db "$WORK/csv.db" import deals "$DEALS" --quiet
expect_rc 1 "a workbook's first sheet has no deals" "$SP" --db "$WORK/xlsx.db" import deals "$WORK/deals.xlsx" --quiet
expect_rc 0 "import deals from the workbook's sheet Deals" "$SP" --db "$WORK/xlsx.db" import deals "$WORK/deals.xlsx" --sheet Deals
contains "…all rows" "$OUT" "deals: $(($(wc -l <"$DEALS") - 1)) rows imported"
q='select deal_id, customer_id, owner_rep_id, product, created_on, closed_on, stage, amount, cost, probability, is_new_customer, is_renewal from deals order by deal_id'
if [ "$(sqlite3 "$WORK/csv.db" "$q")" = "$(sqlite3 "$WORK/xlsx.db" "$q")" ] && [ -n "$(sqlite3 "$WORK/csv.db" "$q")" ]; then
  ok "the workbook imports the same rows as the CSV (dates as dates and as serials)"
else not_ok "workbook and CSV imports differ"; diff <(sqlite3 "$WORK/csv.db" "$q") <(sqlite3 "$WORK/xlsx.db" "$q") | head -5 | sed 's/^/#   /'; fi
expect_rc 2 "--sheet names a sheet that exists" "$SP" --db "$WORK/xlsx.db" import deals "$WORK/deals.xlsx" --sheet Nope
contains "…and lists the sheets" "$ERR" "'Notes', 'Deals'"
expect_rc 2 "--sheet is for workbooks" "$SP" --db "$WORK/xlsx.db" import deals "$DEALS" --sheet Deals
# errors carry the sheet's row numbers; nothing is written
$PY "$TOOL" csv "$WORK/bad-deals.xlsx" '商机编号|客户编号|阶段|金额|创建日期' 'X1|c001|赢单|12万五|@date:2027-03-01' '' '' 'X3|c001|won|@num:1|not-a-date' 'X4|c001|won|@num:2|@date:2027-03-02'
before=$(sqlite3 "$WORK/xlsx.db" 'select count(*) from deals')
expect_rc 1 "bad rows in a workbook are refused" "$SP" --db "$WORK/xlsx.db" import deals "$WORK/bad-deals.xlsx"
contains "…row 2 named" "$ERR" "bad-deals.xlsx:2: 金额: "
contains "…row 5 named (after two empty rows)" "$ERR" "bad-deals.xlsx:5: 创建日期: "
case $ERR in *"xlsx:6"*) not_ok "a good row reported" ;; *) ok "the good row is not reported" ;; esac
[ "$(sqlite3 "$WORK/xlsx.db" 'select count(*) from deals')" = "$before" ] && ok "all or nothing" || not_ok "rows were written"
expect_rc 2 "plan export: an unknown format is a usage error" "$SP" plan export --format xls
contains "…naming every format, xlsx too" "$ERR" "unknown format 'xls' (yaml, json, xlsx)"
finish
