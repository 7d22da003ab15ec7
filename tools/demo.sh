#!/usr/bin/env bash
# demo.sh BINARY — the main job of `make demo`: a demo workspace (demo.db)
# with the example plan embedded in the binary and a year of synthetic CRM
# data, then what a sales director looks at on a Monday morning. Safe to
# re-run (the workspace is made anew). DEMO_DB and DEMO_AS_OF override the
# file and the date (default: today).
set -euo pipefail
sp=$1
cd "$(dirname "$0")/.."
db=${DEMO_DB:-demo.db}
asof=()
[ -n "${DEMO_AS_OF:-}" ] && asof=(--as-of "$DEMO_AS_OF")
run() { echo; echo "\$ salesplan $*"; "$sp" --db "$db" "$@"; }
run demo --force "${asof[@]}"
run plan versions
run status "${asof[@]}"
run alerts "${asof[@]}"
run kpi revenue --period 2026 --by quarter "${asof[@]}"
run tasks "${asof[@]}"
run budget "${asof[@]}"
echo
echo "Workspace: $db — try: $sp --db $db report --period 2026-10 --format html -o report.html"
