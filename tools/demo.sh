#!/usr/bin/env bash
# demo.sh BINARY — the main job of `make demo`: a workspace demo.db made from
# the example plan and the example CRM data, then what a director would look
# at first. Safe to re-run (the workspace is made anew).
set -euo pipefail
sp=$1
cd "$(dirname "$0")/.."
db=${DEMO_DB:-demo.db}
rm -f "$db" "$db-wal" "$db-shm"
export SALESPLAN_DB=$db
asof=${DEMO_AS_OF:-2026-11-26}
run() { echo; echo "\$ salesplan $*"; "$sp" "$@"; }
run init
run check examples/plan-zh.yaml
run plan import examples/plan-zh.yaml --reason "年初计划"
for t in reps customers leads deals activities invoices spend; do
  run import "$t" "examples/data/$t.csv"
done
run plan list
run kpi revenue --period 2026 --by quarter --as-of "$asof"
run kpi revenue --period 2026 --by month --where region=华东 --as-of "$asof"
run kpi win_rate --period 2026 --by team --as-of "$asof"
run kpi new_customers --period 2026 --by region --as-of "$asof"
run kpi qualified_leads --period 2026-Q3 --by month --as-of "$asof"
run kpi visits_per_rep --period 2026-10 --by team --as-of "$asof"
run kpi collection_rate --period 2026 --as-of "$asof"
run kpi pipeline --period 2026 --as-of "$asof" --format json
run kpi tier_customers --period 2026 --where tier=strategic --as-of "$asof"
echo
echo "Workspace: $db   (try: SALESPLAN_DB=$db $sp kpi --help)"
