#!/usr/bin/env bash
# filters.sh — filter values that match nothing are never a silent 0
# (issue 6.8): `kpi --where` with an unknown value is an error listing the
# known values with a "did you mean"; a plan's name of a team, rep or tier
# is read as its id; a plan goal whose filter matches nothing in the
# workspace's data is a warning from check (which writes nothing), status,
# alerts and report. Answers checked with plain SQL.
. "$(dirname "$0")/lib.sh"
export SALESPLAN_TODAY=2026-11-26
EN=$WORK/en.db ZH=$WORK/zh.db
check "English demo" "$SP" --lang en demo --db "$EN" --quiet
check "Chinese demo" "$SP" --lang zh demo --db "$ZH" --quiet
q() { sqlite3 "$1" "$2"; }
money() { /usr/bin/python3 -c 'import sys; print("{:,.2f}".format(int(sys.argv[1]) / 100))' "$1"; }

# ---- kpi --where: unknown values ----
expect_rc 2 "en: region=Eest is an error" "$SP" --db "$EN" kpi revenue --period 2026 --where region=Eest
contains "  names the value" "$ERR" "no region 'Eest'"
contains "  did you mean" "$ERR" "did you mean East China?"
for r in $(q "$EN" "SELECT DISTINCT region FROM customers ORDER BY 1" | tr ' ' '_'); do
  contains "  lists the known region ${r//_/ }" "$ERR" "${r//_/ }"
done
expect_rc 2 "zh: region=华男 is an error" "$SP" --lang zh --db "$ZH" kpi revenue --period 2026 --where region=华男
contains "  did you mean 华南 (among the nearest)" "$ERR" "华南"
contains "  in Chinese" "$ERR" "已知的值：华东，华北，华南，西南"
expect_rc 2 "en: region=华东 on the English demo is an error, not 0" "$SP" --db "$EN" kpi revenue --period 2026 --where region=华东
expect_rc 2 "en: product=ERPP" "$SP" --db "$EN" kpi revenue --period 2026 --where product=ERPP
contains "  did you mean ERP" "$ERR" "did you mean ERP?"
expect_rc 2 "en: tier=strategc" "$SP" --db "$EN" kpi revenue --period 2026 --where tier=strategc
contains "  did you mean strategic, with its name" "$ERR" "strategic (Strategic accounts)"
expect_rc 2 "zh: team=制造组 (a near name)" "$SP" --lang zh --db "$ZH" kpi revenue --period 2026 --where team=制造组
contains "  did you mean mfg (制造业组)" "$ERR" "mfg（制造业组）"

# ---- names read as ids ----
want=$(money "$(q "$ZH" "SELECT sum(d.amount) FROM deals d JOIN reps r ON r.rep_id = d.owner_rep_id
  WHERE d.stage = 'won' AND d.closed_on BETWEEN '2026-01-01' AND '2026-11-26' AND r.team = 'mfg'")")
for w in team=mfg team=制造业组; do
  expect_rc 0 "zh: kpi revenue --where $w" "$SP" --db "$ZH" kpi revenue --period 2026 --where "$w" --as-of 2026-11-26
  contains "  = SQL ($want)" "$OUT" "$want"
  contains "  read as the id" "$OUT" "team=mfg"
done
want=$(money "$(q "$ZH" "SELECT sum(amount) FROM deals WHERE stage = 'won' AND owner_rep_id = 'r002'
  AND closed_on BETWEEN '2026-01-01' AND '2026-11-26'")")
expect_rc 0 "zh: --where rep=李娜 (a rep's name)" "$SP" --db "$ZH" kpi revenue --period 2026 --where rep=李娜 --as-of 2026-11-26
contains "  = SQL for r002 ($want)" "$OUT" "$want"
expect_rc 0 "zh: --where tier=战略客户 (a tier's name)" "$SP" --db "$ZH" kpi tier_customers --period 2026 --where tier=战略客户 --as-of 2026-11-26 --format json
contains "  read as strategic" "$OUT" '"tier": "strategic"'
expect_rc 0 "en: --where region=\"East China\" still answers" "$SP" --db "$EN" kpi revenue --period 2026 --where "region=East China"

# ---- a plan goal whose filter matches nothing ----
sed 's/region: 华东, industry: 制造业/region: 华男, industry: 制造业/' "$SRCDIR/examples/plan-zh.yaml" >bad.yaml
grep -q '华男' bad.yaml && ok "plan with filter {region: 华男}" || not_ok "plan not edited"
line=$(grep -n '华男' bad.yaml | cut -d: -f1)
before=$(sha256sum "$ZH")
expect_rc 0 "check: still valid (a warning)" "$SP" --db "$ZH" check bad.yaml
contains "  warning at the filter's line" "$ERR" "bad.yaml:$line:"
contains "  names the value" "$ERR" "region '华男'"
contains "  lists the known values" "$ERR" "华南"
[ "$before" = "$(sha256sum "$ZH")" ] && ok "  check wrote nothing to the workspace" || not_ok "  check changed the workspace"
expect_rc 0 "check without a workspace: no such warning" "$SP" --db "$WORK/none.db" check bad.yaml
case $ERR in *华男*) not_ok "  warned without data" ;; *) ok "  silent without data" ;; esac
[ ! -e "$WORK/none.db" ] && ok "  and made no workspace" || not_ok "  made a workspace"
expect_rc 0 "check of the good plan: no filter warning" "$SP" --db "$ZH" check "$SRCDIR/examples/plan-zh.yaml"
case $ERR in *"region '"*) not_ok "  warned about a good filter" ;; *) ok "  silent" ;; esac
check "import the plan with the bad filter" "$SP" --db "$ZH" plan import bad.yaml
for c in status alerts "report --period 2026-10"; do
  # shellcheck disable=SC2086
  expect_rc 0 "$c: answers" "$SP" --db "$ZH" $c
  contains "  and warns on stderr" "$ERR" "goal leads: no region '华男' in the workspace"
done
finish
