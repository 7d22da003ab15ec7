#!/usr/bin/env bash
# run.sh — the salesplan scale benchmark (see bench/README.md).
#
#   bash bench/run.sh BINARY [--scale S] [--seed N]
#
# Builds bench-gen next to BINARY, generates the CRM CSV files of scale S into
# bench/data/scale-S/ (reused when the seed, scale and generator are the
# same), then times, each in a cold process:
#   - `salesplan import TABLE FILE --quiet` for every table into a fresh
#     workspace, against the same CSVs loaded by the sqlite3 CLI (.import)
#     into a plain SQLite file (bench/baseline/schema.sql);
#   - a dashboard of nine `salesplan kpi … --format json` calls (the last the
#     tier breakdown, `--by tier`), against the same questions asked in plain
#     SQL (bench/baseline/*.sql) by the sqlite3 CLI to the very database
#     salesplan wrote; the two answers are compared;
#   - `status` of the example plan and the stale follow-up `alerts`, each
#     against its SQL, and `report --format html` of one month (no baseline).
# Prints a table (also written to bench/results-latest.md) and exits non-zero
# when any command failed. BENCH_SCALE and BENCH_SEED override the options.
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

usage() { echo "usage: bash bench/run.sh BINARY [--scale S] [--seed N]" >&2; exit 2; }
[ $# -ge 1 ] || usage
bin=$1; shift
scale=1
seed=1
while [ $# -gt 0 ]; do
  case $1 in
    --scale) [ $# -ge 2 ] || usage; scale=$2; shift 2 ;;
    --seed) [ $# -ge 2 ] || usage; seed=$2; shift 2 ;;
    *) usage ;;
  esac
done
scale=${BENCH_SCALE:-$scale}
seed=${BENCH_SEED:-$seed}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable (build it first: make)" >&2; exit 2; }
for tool in cc sqlite3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (make deps)" >&2; exit 2; }
done

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SALESPLAN_DB

asof=2026-11-26
build=$(dirname "$bin")
gen=$build/bench-gen
data=$here/data/scale-$scale
work=$data/work
db=$work/salesplan.db
basedb=$work/baseline.db
logs=$work/logs
tables="reps customers deals leads activities invoices spend"
failed=0

# ---------------------------------------------------------------- generate --
echo "== building the generator"
cc -O2 -std=c17 -Wall -Wextra -o "$gen" "$here/gen.c" || { echo "run.sh: cannot build bench-gen" >&2; exit 1; }

stamp="seed=$seed scale=$scale year=2026 gen=$(sha256sum "$here/gen.c" | cut -c1-16)"
if [ -f "$data/.stamp" ] && [ "$(cat "$data/.stamp")" = "$stamp" ]; then
  echo "== reusing $data ($stamp)"
else
  echo "== generating $data"
  rm -rf "$data"
  mkdir -p "$data"
  "$gen" --scale "$scale" --seed "$seed" --year 2026 --out "$data" || { echo "run.sh: bench-gen failed" >&2; exit 1; }
  echo "$stamp" >"$data/.stamp"
fi
rm -rf "$work"
mkdir -p "$work" "$logs"

# ----------------------------------------------------------------- timing --
# timed NAME CMD… — runs CMD with stdout to $logs/NAME.out and stderr to
# $logs/NAME.err; sets T (wall seconds, 3 decimals), M (peak RSS in MB) and
# OK (1 when it exited 0).
now_ns() { date +%s%N; }
timed() {
  local name=$1; shift
  local t0 t1 rc
  t0=$(now_ns)
  /usr/bin/time -f "%e %M" -o "$logs/$name.time" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  t1=$(now_ns)
  T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  M=$(awk '{ v = $2 } END { printf "%.1f", v / 1024 }' "$logs/$name.time" 2>/dev/null)
  [ -n "$M" ] || M="?"
  if [ $rc -eq 0 ]; then OK=1; else
    OK=0; failed=1
    echo "   FAILED (exit $rc): $*" >&2
    sed -n '1,15p' "$logs/$name.err" | sed 's/^/   | /' >&2
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }'; }
addf() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
maxf() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?") print "?"; else printf "%.1f", (a > b ? a : b) }'; }

rows=()   # markdown rows of the results table
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); printf '%-66s %9s %8s %9s %8s %7s  %s\n' "$@"; }

# ----------------------------------------------------------------- import --
echo "== import"
printf '%-66s %9s %8s %9s %8s %7s  %s\n' step "salesplan" "MB" "sqlite3" "MB" ratio check
"$bin" --db "$db" init --quiet >"$logs/init.out" 2>&1 || { cat "$logs/init.out" >&2; echo "run.sh: salesplan init failed" >&2; exit 1; }
sqlite3 -bail "$basedb" <"$here/baseline/schema.sql" || { echo "run.sh: baseline schema failed" >&2; exit 1; }
tot_s=0; tot_q=0; tot_sm=0; tot_qm=0
for t in $tables; do
  f=$data/$t.csv
  nrows=$(($(wc -l <"$f") - 1))
  timed "import-$t" "$bin" --db "$db" import "$t" "$f" --quiet
  st=$T sm=$M sok=$OK
  timed "load-$t" sqlite3 -bail "$basedb" ".import --csv --skip 1 $f $t"
  qt=$T qm=$M qok=$OK
  note="$nrows rows"
  [ $sok = 1 ] || note="$note; salesplan FAILED"
  [ $qok = 1 ] || note="$note; sqlite3 FAILED"
  row "import $t" "$st" "$sm" "$qt" "$qm" "$(ratio "$st" "$qt")" "$note"
  tot_s=$(addf "$tot_s" "$st"); tot_q=$(addf "$tot_q" "$qt")
  tot_sm=$(maxf "$tot_sm" "$sm"); tot_qm=$(maxf "$tot_qm" "$qm")
done
db_mb=$(du -cm "$db"* | tail -1 | cut -f1)
base_mb=$(du -cm "$basedb"* | tail -1 | cut -f1)
row "import total" "$tot_s" "$tot_sm" "$tot_q" "$tot_qm" "$(ratio "$tot_s" "$tot_q")" "db ${db_mb} MB vs ${base_mb} MB"

# -------------------------------------------------------------- dashboard --
# compare NAME — checks salesplan's JSON answer against sqlite3's CSV answer
# (rows of `key…,value`, or a lone value); prints "same" or what differs.
compare() {
  python3 - "$logs/kpi-$1.out" "$logs/sql-$1.out" <<'PY'
import csv, json, sys
try:
    js = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    print("salesplan output is not JSON"); sys.exit()
unit = js.get("unit", "")
by = js.get("by") or []
tol = 0.0051 if unit == "money" else 1e-9 if unit == "ratio" else 0
def num(v):
    if v is None or v == "": return None
    return float(v)
got = {}
if "rows" in js:
    for r in js["rows"]:
        got[tuple("" if r.get(k) is None else str(r.get(k)) for k in by)] = num(r.get("value"))
else:
    got[()] = num(js.get("value"))
want = {}
for rec in csv.reader(open(sys.argv[2], encoding="utf-8")):
    if rec: want[tuple(rec[:-1])] = num(rec[-1])
if not by and len(got) == 1 and () not in got:
    got = {(): list(got.values())[0]}
bad = []
for k in sorted(set(got) | set(want)):
    a, b = got.get(k, 0.0), want.get(k, 0.0)
    if a is None or b is None:
        if not (a is None and b is None): bad.append((k, a, b))
    elif abs(a - b) > tol + 1e-9 * abs(b):
        bad.append((k, a, b))
if not bad:
    print("same answer (%d row%s)" % (len(want), "" if len(want) == 1 else "s"))
else:
    k, a, b = bad[0]
    print("DIFFERS in %d of %d rows, e.g. %s: %s vs %s" % (len(bad), len(set(got) | set(want)), "/".join(k) or "value", a, b))
PY
}

# the import's files reach the disk before the questions are timed (its
# writeback otherwise runs during the first ones)
sync
echo "== dashboard (as of $asof; a cold process each)"
dash_s=0; dash_q=0; dash_sm=0; dash_qm=0
dash() {
  local name=$1 sql=$2; shift 2
  timed "kpi-$name" "$bin" --db "$db" kpi "$@" --as-of "$asof" --format json
  local st=$T sm=$M sok=$OK
  timed "sql-$name" sqlite3 -bail -batch -csv "$db" ".read $here/baseline/$sql"
  local qt=$T qm=$M qok=$OK note
  if [ $sok = 1 ] && [ $qok = 1 ]; then note=$(compare "$name"); else
    note=""; [ $sok = 1 ] || note="salesplan FAILED"; [ $qok = 1 ] || note="$note sqlite3 FAILED"
  fi
  row "kpi $*" "$st" "$sm" "$qt" "$qm" "$(ratio "$st" "$qt")" "$note"
  dash_s=$(addf "$dash_s" "$st"); dash_q=$(addf "$dash_q" "$qt")
  dash_sm=$(maxf "$dash_sm" "$sm"); dash_qm=$(maxf "$dash_qm" "$qm")
}
dash revenue revenue_by_month.sql revenue --period 2026 --by month
dash win_rate win_rate_q3.sql win_rate --period 2026-Q3
dash new_customers new_customers_by_region.sql new_customers --period 2026 --by region
dash visits visits_by_team.sql visits --period 2026-10 --by team
dash qualified_leads qualified_leads_east.sql qualified_leads --period 2026 --by month --where region=华东
dash pipeline pipeline.sql pipeline --period 2026
dash collection_rate collection_rate.sql collection_rate --period 2026
dash tier_customers tier_strategic.sql tier_customers --period 2026 --where tier=strategic
dash tier_breakdown tier_breakdown.sql tier_customers --period 2026 --by tier
row "dashboard total" "$dash_s" "$dash_sm" "$dash_q" "$dash_qm" "$(ratio "$dash_s" "$dash_q")" ""

# ------------------------------------------------------- status and alerts --
# The tracking questions of a Monday morning, on the example plan: every
# goal's actual (status) and the stale follow-ups (alerts), each against the
# same question in plain SQL.
echo "== status and alerts (plan examples/plan-zh.yaml)"
"$bin" --db "$db" plan import "$root/examples/plan-zh.yaml" --quiet >/dev/null || failed=1
timed status "$bin" --db "$db" status --as-of "$asof" --format json
st=$T sm=$M sok=$OK
timed sql-status sqlite3 -bail -batch -csv "$db" ".read $here/baseline/status.sql"
qt=$T qm=$M qok=$OK
note="salesplan or sqlite3 FAILED"
if [ $sok = 1 ] && [ $qok = 1 ]; then
  note=$(python3 - "$logs/status.out" "$logs/sql-status.out" <<'PY'
import csv, json, sys
goals = {}
def walk(gs):
    for g in gs:
        goals[g["id"]] = g
        walk(g.get("children") or [])
walk(json.load(open(sys.argv[1], encoding="utf-8"))["goals"])
bad = []
for gid, want in csv.reader(open(sys.argv[2], encoding="utf-8")):
    got = goals.get(gid, {}).get("actual")
    if got is None or abs(float(got) - float(want)) > 0.0051:
        bad.append("%s: %s vs %s" % (gid, got, want))
print("same actuals (%d goals)" % len(goals) if not bad else "DIFFERS: " + "; ".join(bad[:3]))
PY
)
fi
row "status (every goal)" "$st" "$sm" "$qt" "$qm" "$(ratio "$st" "$qt")" "$note"
timed alerts "$bin" --db "$db" alerts --kind stale_followup --as-of "$asof" --format json
st=$T sm=$M sok=$OK
timed sql-alerts sqlite3 -bail -batch -csv "$db" ".read $here/baseline/alerts_stale.sql"
qt=$T qm=$M qok=$OK
note="salesplan or sqlite3 FAILED"
if [ $sok = 1 ] && [ $qok = 1 ]; then
  note=$(python3 - "$logs/alerts.out" "$logs/sql-alerts.out" <<'PY'
import json, sys
got = sum(1 for a in json.load(open(sys.argv[1], encoding="utf-8"))["alerts"] if a["kind"] == "stale_followup")
want = int(open(sys.argv[2]).read().strip())
print("same count (%d)" % got if got == want else "DIFFERS: %d vs %d" % (got, want))
PY
)
fi
row "alerts --kind stale_followup" "$st" "$sm" "$qt" "$qm" "$(ratio "$st" "$qt")" "$note"
timed report "$bin" --db "$db" report --period 2026-11 --as-of "$asof" --format html -o "$work/report-2026-11.html"
note="salesplan FAILED"
if [ $OK = 1 ]; then note="$(du -k "$work/report-2026-11.html" | cut -f1) KB of HTML (no baseline)"; fi
row "report --period 2026-11 --format html" "$T" "$M" "—" "—" "—" "$note"

# ---------------------------------------------------------------- results --
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
sqv=$(sqlite3 --version | cut -d' ' -f1-2)
spv=$("$bin" --version 2>/dev/null | head -1)
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
counts=$(for t in reps customers leads deals activities invoices spend; do
  printf '%s %d, ' "$t" $(($(wc -l <"$data/$t.csv") - 1)); done | sed 's/, $//')
out=$here/results-latest.md
{
  echo "# salesplan benchmark — scale $scale"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); salesplan: ${spv:-?} (git $rev); SQLite CLI: $sqv"
  echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $mem RAM"
  echo "- data: seed $seed, $counts ($(du -sm --exclude=work "$data" | cut -f1) MB of CSV)"
  echo "- dashboard as of $asof; every step is a cold process; ratio = salesplan s / sqlite3 s"
  echo
  echo "| step | salesplan s | salesplan peak MB | sqlite3 s | sqlite3 peak MB | ratio | check |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} >"$out"
echo
cat "$out"
echo
echo "(written to $out; logs in $logs)"
if [ $failed != 0 ]; then echo "run.sh: some commands FAILED" >&2; exit 1; fi
exit 0
