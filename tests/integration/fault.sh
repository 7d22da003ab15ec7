#!/usr/bin/env bash
# fault.sh — fault injection in the manner of SQLite's I/O-error tests.
# tests/fault/faultshim.c (LD_PRELOAD) fails the Nth write, read or fsync
# of the process (a transient fault, and for writes also a persistent one:
# every write from the Nth on fails). Each writing command runs with
# N = 1, 2, 3, … until it meets no fault. After every run:
#   - the workspace passes PRAGMA integrity_check (sqlite3 CLI);
#   - it holds exactly the old state or the new one (a digest of the
#     tables the command touches, read with sqlite3), the new one whenever
#     the command said it succeeded;
#   - an output file (report -o, --skip-bad) is either absent / the old file
#     or complete, and no temporary file is left beside it;
#   - the next commands work (a reader, and another writer).
# The old and new states are computed by running each command once without
# faults on a copy. Commands: import of a small CSV (and with --skip-bad),
# plan import, review add, task set, report -o.
. "$(dirname "$0")/lib.sh"
: "${FAULTSHIM:?set FAULTSHIM to the fault-injection library}"

q() { sqlite3 "$1" "$2"; }
digest() {
  sqlite3 "$1" "SELECT rep_id, name, coalesce(team,'') FROM reps ORDER BY 1;
    SELECT plan_id, version, length(body), reason FROM plan_versions ORDER BY 1, 2;
    SELECT plan_id, period, coalesce(action,'') FROM reviews ORDER BY review_id;
    SELECT plan_id, task_id, status, progress FROM task_states ORDER BY 1, 2;" | md5sum | cut -c1-32
}

# ---- the starting workspace (old state), checkpointed into one file ----
python3 - "$SRCDIR/examples/plan-en.yaml" <<'EOF'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
open("v1.yaml", "w", encoding="utf-8").write(src)
v2 = src.replace("share: 40%", "share: 35%", 1).replace("share: 10%", "share: 15%", 1)
assert v2 != src
open("v2.yaml", "w", encoding="utf-8").write(v2)
EOF
printf 'rep_id,name,team\nr001,Wang,mfg\nr002,Li,mfg\n' >reps0.csv
printf 'rep_id,name,team\nr002,Li Na,mfg\nr010,Zhao,east\nr011,Chen,east\n' >reps1.csv
printf 'rep_id,name,role\nr020,Sun,rep\nr021,Zhou,wizard\nr022,Wu,rep\n' >reps_bad.csv
export SALESPLAN_DB=$WORK/base.db SALESPLAN_TODAY=2026-05-15
check "base: init" "$SP" init --quiet
check "base: plan" "$SP" plan import v1.yaml --quiet
check "base: reps" "$SP" import reps reps0.csv --quiet
printf 'an older report\n' >old.md
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
rm -f base.db-wal base.db-shm
OLD=$(digest base.db)

runs=0 faults=0
# run_case NAME OUTPUT CMD...: the loop described above for one command.
# OUTPUT: a file the command writes (or -), checked to be all or nothing.
run_case() {
  local name=$1 out=$2; shift 2
  # the new state: the command once without faults
  cp base.db ws.db; rm -f ws.db-wal ws.db-shm "$WORK/out.file"
  [ "$out" != - ] && cp old.md "$out" 2>/dev/null
  [ "$out" != - ] && case $out in *.csv) rm -f "$out" ;; esac
  if ! SALESPLAN_DB=$WORK/ws.db "$@" >/dev/null 2>"$WORK/.err"; then
    not_ok "$name: runs without faults"; sed 's/^/#   /' "$WORK/.err"; return
  fi
  local new; new=$(digest ws.db)
  local newout=""; [ "$out" != - ] && newout=$(md5sum <"$out" | cut -c1-32)
  local oldout=""; case $out in -|*.csv) ;; *) oldout=$(md5sum <old.md | cut -c1-32) ;; esac
  [ "$new" != "$OLD" ] || [ "$out" != - ] || { not_ok "$name: changes something"; return; }
  local bad=0 mode op n rc
  for mode in write:0 write:1 read:0 fsync:0; do
    op=${mode%:*}
    for ((n = 1; n <= 400; n++)); do
      cp base.db ws.db; rm -f ws.db-wal ws.db-shm fired
      if [ "$out" != - ]; then case $out in *.csv) rm -f "$out" ;; *) cp old.md "$out" ;; esac; fi
      SALESPLAN_DB=$WORK/ws.db LD_PRELOAD=$FAULTSHIM SP_FAULT_OPS=$op SP_FAULT_N=$n \
        SP_FAULT_PERSIST=${mode#*:} SP_FAULT_FIRED=$WORK/fired "$@" >/dev/null 2>"$WORK/.err"
      rc=$?
      runs=$((runs + 1))
      [ -e fired ] || { [ $rc = 0 ] || { bad=1; echo "# $name $mode N=$n: no fault yet exit $rc"; }; break; }
      faults=$((faults + 1))
      local ic st
      ic=$(sqlite3 ws.db "PRAGMA integrity_check" 2>&1)
      st=$(digest ws.db)
      if [ "$ic" != ok ]; then bad=1; echo "# $name $mode N=$n: integrity_check: $ic"; fi
      if [ "$st" != "$OLD" ] && [ "$st" != "$new" ]; then bad=1; echo "# $name $mode N=$n: neither old nor new state"; fi
      if [ $rc = 0 ] && [ "$st" != "$new" ]; then bad=1; echo "# $name $mode N=$n: exit 0 but the change is lost"; fi
      if [ $rc != 0 ] && ! grep -q . "$WORK/.err"; then bad=1; echo "# $name $mode N=$n: failed without a message"; fi
      if [ "$out" != - ]; then
        local got=absent; [ -e "$out" ] && got=$(md5sum <"$out" | cut -c1-32)
        case $got in
          "$newout") ;;
          absent) case $out in *.csv) ;; *) bad=1; echo "# $name $mode N=$n: the old output vanished" ;; esac ;;
          "$oldout") [ $rc != 0 ] || { bad=1; echo "# $name $mode N=$n: exit 0 but the old output"; } ;;
          *) bad=1; echo "# $name $mode N=$n: a half-written output" ;;
        esac
        if [ $rc = 0 ] && [ "$got" != "$newout" ]; then bad=1; echo "# $name $mode N=$n: exit 0 without the output"; fi
        if ls -a "$WORK" | grep -q '\.tmp-'; then bad=1; echo "# $name $mode N=$n: a temporary file was left"; rm -f "$WORK"/.*.tmp-*; fi
      fi
      # the next commands work
      if ! SALESPLAN_DB=$WORK/ws.db "$SP" plan list >/dev/null 2>"$WORK/.err2"; then
        bad=1; echo "# $name $mode N=$n: the next reader fails: $(head -1 "$WORK/.err2")"
      fi
      if ! SALESPLAN_DB=$WORK/ws.db "$SP" review add --period 2026-06 --action next >/dev/null 2>"$WORK/.err2" ||
         [ "$(q ws.db "SELECT count(*) FROM reviews WHERE action = 'next'")" != 1 ] ||
         [ "$(q ws.db "PRAGMA integrity_check")" != ok ]; then
        bad=1; echo "# $name $mode N=$n: the next writer fails: $(head -1 "$WORK/.err2")"
      fi
      [ $bad = 0 ] || break 2
    done
    [ $n -le 400 ] || { bad=1; echo "# $name $mode: still failing at N=400"; }
  done
  if [ $bad = 0 ]; then ok "$name: every injected fault leaves the old or the new state"; else not_ok "$name"; fi
}

run_case "import reps" - "$SP" import reps reps1.csv --quiet
run_case "import reps --skip-bad" "$WORK/rej.csv" "$SP" import reps reps_bad.csv --skip-bad "$WORK/rej.csv" --quiet
run_case "plan import" - "$SP" plan import v2.yaml --reason "shares moved" --quiet
run_case "review add" - "$SP" review add --period 2026-04 --action "call back"
run_case "task set" - "$SP" task set bench-select --status doing --progress 40
run_case "report -o" "$WORK/out.md" "$SP" report --period 2026-04 -o "$WORK/out.md"
[ "$faults" -ge 60 ] && ok "faults were injected ($faults failing runs of $runs)" ||
  not_ok "too few faults injected ($faults of $runs)"
echo "# $runs runs, $faults with a fault"
finish
