#!/usr/bin/env bash
# store_safety.sh — what salesplan does with hostile or odd --db and -o
# targets, and with a busy or read-only workspace (issue 7, items 1, 2, 5, 6):
#   - an output (import --skip-bad, report -o, plan export -o) that is the
#     workspace, its -wal / -shm / -journal, a link to it or the input is
#     refused naming both files, and the workspace is untouched;
#   - outputs land whole (no temporary file left, symlinks followed, the
#     permission bits of a replaced file kept);
#   - only init / demo make a workspace: another program's SQLite file and
#     an empty file are refused by every other command, byte for byte
#     untouched; a workspace of an older salesplan (application id 0) is
#     read as it is and stamped by the first writer;
#   - readers answer at once while another process holds the write lock; a
#     writer waits (saying so on a terminal) and lands, or gives up after
#     SALESPLAN_BUSY_TIMEOUT with "workspace FILE is busy";
#   - a workspace in a read-only directory (a read-only bind mount when the
#     machine allows it, else the fault shim's simulated read-only file
#     system) is read; writers say it is read-only.
# Expected values come from sqlite3 queries and file checksums.
# SP_TEST_RO_SHIM=1 forces the simulated read-only file system.
. "$(dirname "$0")/lib.sh"
: "${FAULTSHIM:?set FAULTSHIM to the fault-injection library}"

q() { sqlite3 "$SALESPLAN_DB" "$1"; }
sum() { md5sum <"$1" | cut -c1-32; }
export SALESPLAN_TODAY=2026-05-15
cp "$SRCDIR/examples/plan-en.yaml" plan.yaml
printf 'rep_id,name,team\nr001,Wang,mfg\nr002,Li,mfg\n' >reps.csv
printf 'deal_id,customer_id,created_on,stage,amount,closed_on\nD1,C1,2026-01-05,won,100000,2026-02-01\nD2,C2,2026-01-06,won,oops,2026-02-02\nD3,C1,2026-02-01,won,250000.50,2026-03-01\n' >deals.csv
check "init" "$SP" init --quiet
check "plan import" "$SP" plan import plan.yaml --quiet
check "import reps" "$SP" import reps reps.csv --quiet
check "import the good deals" "$SP" import deals deals.csv --skip-bad "$WORK/rej0.csv" --quiet
WS=$WORK/ws.db

# ---- 1. outputs that are the workspace or the input ----
sqlite3 "$WS" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(sum "$WS")
deals_before=$(q "SELECT count(*) FROM deals")
expect_rc 2 "--skip-bad onto the workspace is refused" "$SP" import deals deals.csv --skip-bad "$WS"
contains "… naming the output" "$ERR" "refusing to write $WS"
contains "… and the workspace" "$ERR" "it is the workspace $WS"
expect_rc 2 "--skip-bad onto ./ws.db (another spelling)" "$SP" import deals deals.csv --skip-bad ./ws.db
ln "$WS" hard.db
expect_rc 2 "--skip-bad onto a hard link of the workspace" "$SP" import deals deals.csv --skip-bad hard.db
contains "… is recognised by its inode" "$ERR" "it is the workspace"
ln -s ws.db sym.db
expect_rc 2 "report -o a symlink to the workspace" "$SP" report --period 2026-04 -o sym.db
expect_rc 2 "report -o the workspace" "$SP" report --period 2026-04 -o "$WS"
expect_rc 2 "plan export -o the workspace" "$SP" plan export -o ws.db
for sfx in wal shm journal; do
  expect_rc 2 "plan export -o ws.db-$sfx" "$SP" plan export -o "ws.db-$sfx"
  contains "… names the $sfx file and the workspace" "$ERR" "it is the $sfx file of the workspace"
  expect_rc 2 "report -o ws.db-$sfx" "$SP" report --period 2026-04 -o "$WORK/ws.db-$sfx"
done
[ ! -e ws.db-journal ] && ok "no -journal file was made" || not_ok "a -journal file was made"
LANG=zh_CN.UTF-8 expect_rc 2 "refusal in Chinese" "$SP" report --period 2026-04 -o ws.db
contains "… 拒绝写入" "$ERR" "拒绝写入 ws.db：它就是工作区"
[ "$(sum "$WS")" = "$before" ] && ok "the workspace file is byte for byte unchanged" || not_ok "the workspace changed"
[ -s "$WS" ] && ok "the workspace was not truncated" || not_ok "the workspace was truncated"
eq_q() { [ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got '$2', wanted '$3')"; }
eq_q "the workspace passes integrity_check" "$(q "PRAGMA integrity_check")" ok
eq_q "no deal was lost" "$(q "SELECT count(*) FROM deals")" "$deals_before"
cp deals.csv self.csv; ln self.csv self-link.csv
expect_rc 2 "--skip-bad onto a hard link of the input" "$SP" import deals self.csv --skip-bad self-link.csv
contains "… names the input" "$ERR" "it is the input file self.csv"

# ---- outputs land whole ----
expect_rc 0 "report -o a new file" "$SP" report --period 2026-04 -o "$WORK/r.md"
contains "report written" "$(cat r.md)" "2026-04"
ls -a | grep -q '\.tmp-' && not_ok "a temporary file was left" || ok "no temporary file is left"
printf 'old\n' >kept.md; chmod 640 kept.md
expect_rc 0 "report -o over an existing file" "$SP" report --period 2026-04 -o kept.md
eq_q "the replaced file keeps its permissions" "$(stat -c %a kept.md)" 640
cmp -s kept.md r.md && ok "the replaced file holds the report" || not_ok "the replaced file differs"
printf 'old\n' >real.md; ln -s real.md link.md
expect_rc 0 "plan export -o a symlink" "$SP" plan export -o link.md
[ -L link.md ] && ok "the symlink stays a symlink" || not_ok "the symlink was replaced by a file"
contains "its target holds the plan" "$(cat real.md)" "fy2026"
expect_rc 0 "plan export -o /dev/null (not a regular file)" "$SP" plan export -o /dev/null
expect_rc 1 "plan export -o into a missing directory" "$SP" plan export -o "$WORK/nodir/x.yaml"
contains "… names the file" "$ERR" "nodir/x.yaml"
expect_rc 0 "--skip-bad writes the rejects" "$SP" import deals deals.csv --skip-bad "$WORK/rej.csv" --quiet
eq_q "the rejects file holds the header and the bad row" "$(wc -l <rej.csv)" 2

# ---- 2. only init and demo make a workspace ----
sqlite3 other.db "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES('keep me');"
other=$(sum other.db)
for cmd in "status" "kpi revenue --period 2026" "plan list" "alerts" "import reps reps.csv" \
           "review add --period 2026-04 --action x" "plan import plan.yaml" "init" "demo --quiet"; do
  # shellcheck disable=SC2086
  expect_rc 1 "$cmd refuses another program's SQLite file" "$SP" --db "$WORK/other.db" $cmd
  contains "… naming it" "$ERR" "$WORK/other.db is not a salesplan workspace"
done
[ "$(sum other.db)" = "$other" ] && ok "the foreign file is byte for byte unchanged" || not_ok "the foreign file changed"
eq_q "… and holds only its own table" "$(sqlite3 other.db "SELECT group_concat(name) FROM sqlite_master")" notes
expect_rc 1 "demo --force does not replace another program's file" "$SP" --db "$WORK/other.db" demo --force --quiet
[ "$(sum other.db)" = "$other" ] && ok "… still unchanged" || not_ok "demo --force changed the foreign file"
sqlite3 app.db "PRAGMA application_id = 1234; CREATE TABLE t(x);"
expect_rc 1 "a file with another application id is refused" "$SP" --db "$WORK/app.db" plan list
contains "… saying whose it is" "$ERR" "application id 1234"

: >empty.db
for cmd in "status" "plan list" "import reps reps.csv" "task set bench-select --status done"; do
  # shellcheck disable=SC2086
  expect_rc 1 "$cmd refuses an empty file" "$SP" --db "$WORK/empty.db" $cmd
  contains "… naming it" "$ERR" "$WORK/empty.db is not a salesplan workspace"
done
eq_q "the empty file stays empty" "$(stat -c %s empty.db)" 0
[ ! -e empty.db-wal ] && ok "… and gets no -wal" || not_ok "an empty file got a -wal"
expect_rc 0 "init makes a workspace of the empty file" "$SP" --db "$WORK/empty.db" init --quiet
SPLN=$(python3 -c 'print(int.from_bytes(b"SPLN", "big"))')
eq_q "init stamps the application id 'SPLN'" "$(sqlite3 empty.db "PRAGMA application_id")" "$SPLN"
eq_q "a new workspace carries the id" "$(q "PRAGMA application_id")" "$SPLN"

# a workspace of the previous salesplan: application id 0, our schema
cp "$WS" legacy.db; sqlite3 legacy.db "PRAGMA application_id = 0"
expect_rc 0 "an older workspace (no id) is read" "$SP" --db "$WORK/legacy.db" plan list
eq_q "… and a reader leaves it as it is" "$(sqlite3 legacy.db "PRAGMA application_id")" 0
expect_rc 0 "a writer accepts it" "$SP" --db "$WORK/legacy.db" review add --period 2026-04 --action stamp
eq_q "… and stamps it" "$(sqlite3 legacy.db "PRAGMA application_id")" "$SPLN"
# an older schema is migrated by a reader when the file can be written
cp "$WS" v1.db
sqlite3 v1.db "PRAGMA application_id = 0; DROP TABLE task_states; DROP TABLE reviews; DROP TABLE actuals; ALTER TABLE deals DROP COLUMN expected_close_on; ALTER TABLE reps DROP COLUMN email; PRAGMA user_version = 1"
expect_rc 0 "a reader opens a schema-1 workspace" "$SP" --db "$WORK/v1.db" plan list
contains "… and lists its plan" "$OUT" "fy2026"
eq_q "… migrating it to the current schema" "$(sqlite3 v1.db "PRAGMA user_version")" "$(sqlite3 "$WS" "PRAGMA user_version")"

# ---- 5. readers never wait for a writer; writers wait, say so, give up ----
rm -f locked
( sqlite3 "$WS" >/dev/null 2>&1 <<EOF
BEGIN IMMEDIATE;
INSERT INTO reps(rep_id, name) VALUES('lock', 'holder');
.shell touch "$WORK/locked"
.shell sleep 7
COMMIT;
EOF
) &
holder=$!
for _ in $(seq 100); do [ -e locked ] && break; sleep 0.05; done
[ -e locked ] && ok "another process holds the write lock" || not_ok "the lock holder did not start"
for cmd in "kpi revenue --period 2026" "status" "alerts" "plan list" "tasks"; do
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  expect_rc 0 "$cmd answers during the write lock" "$SP" $cmd
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $ms -lt 3000 ] && ok "… at once ($ms ms)" || not_ok "$cmd waited $ms ms"
  case $ERR in *locked*|*busy*) not_ok "$cmd mentions a lock: $ERR" ;; esac
done
eq_q "readers see the last committed state" "$("$SP" kpi deals_won --period 2026 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo '?')" "$(q "SELECT count(*) FROM deals WHERE stage='won' AND closed_on LIKE '2026%'")"
t0=$(date +%s%N)
SALESPLAN_BUSY_TIMEOUT=0.5 expect_rc 1 "a writer gives up after SALESPLAN_BUSY_TIMEOUT" "$SP" review add --period 2026-04 --action late
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
contains "… saying the workspace is busy" "$ERR" "workspace $WS is busy: another process is writing"
[ $ms -ge 400 ] && [ $ms -lt 3000 ] && ok "… after about 0.5 s ($ms ms)" || not_ok "gave up after $ms ms"
# a writer on a terminal says it waits, then lands (script gives it a pty)
t0=$(date +%s%N)
script -qec "\"$SP\" review add --period 2026-04 --action waited" /dev/null >tty.out 2>&1
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
eq_q "the waiting writer lands" "$rc" 0
contains "… saying on the terminal that it waits" "$(cat tty.out)" "waiting for the workspace $WS: another process is writing"
[ $ms -ge 1000 ] && ok "… after waiting ($ms ms)" || not_ok "did not wait ($ms ms)"
wait $holder
eq_q "both writes are stored" "$(q "SELECT count(*) FROM reviews WHERE action='waited'")/$(q "SELECT count(*) FROM reps WHERE rep_id='lock'")" "1/1"
eq_q "the writer that gave up stored nothing" "$(q "SELECT count(*) FROM reviews WHERE action='late'")" 0

# ---- 6. a read-only workspace ----
mkdir ro && cp "$WS" ro/ws.db && sqlite3 ro/ws.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f ro/ws.db-wal ro/ws.db-shm
cp v1.db ro/old.db; sqlite3 ro/old.db "PRAGMA user_version = 1; DROP TABLE task_states; DROP TABLE reviews; DROP TABLE actuals;"
rm -f ro/old.db-wal ro/old.db-shm
RO=$WORK/ro
if [ -z "${SP_TEST_RO_SHIM:-}" ] && unshare -Urm true 2>/dev/null; then
  how="a read-only bind mount"
  ro_run() { unshare -Urm sh -c 'mount --bind -o ro "$0" "$0" && exec "$@"' "$RO" "$@"; }
else
  how="the fault shim's read-only file system"
  ro_run() { LD_PRELOAD=$FAULTSHIM SP_FAULT_ROFS=$RO "$@"; }
fi
echo "# read-only directory: $how"
ro_run touch "$RO/probe" 2>/dev/null && not_ok "the directory is not read-only" || ok "the directory is read-only ($how)"
want=$(sqlite3 ro/ws.db "SELECT printf('%.2f', sum(amount) / 100.0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '2026-12-31'")
expect_rc 0 "kpi reads a read-only workspace" ro_run "$SP" --db "$RO/ws.db" kpi revenue --period 2026 --format json
check "… with the right revenue" python3 -c 'import json,sys,decimal; v=json.loads(sys.argv[1],parse_float=decimal.Decimal)["total"]; assert "%.2f" % v == sys.argv[2], (v, sys.argv[2])' "$OUT" "$want"
expect_rc 0 "status reads it" ro_run "$SP" --db "$RO/ws.db" status
expect_rc 0 "plan list reads it" ro_run "$SP" --db "$RO/ws.db" plan list
contains "… and lists the plan" "$OUT" "fy2026"
expect_rc 1 "import into a read-only workspace fails" ro_run "$SP" --db "$RO/ws.db" import reps reps.csv
contains "… saying the workspace is read-only" "$ERR" "workspace $RO/ws.db is read-only"
case $ERR in *reps.csv:*) not_ok "… without blaming the CSV: $ERR" ;; *) ok "… without blaming the CSV" ;; esac
expect_rc 1 "review add into a read-only workspace fails" ro_run "$SP" --db "$RO/ws.db" review add --period 2026-04 --action x
contains "… saying it is read-only" "$ERR" "is read-only"
expect_rc 1 "report -o into the read-only directory fails" ro_run "$SP" --db "$RO/ws.db" report --period 2026-04 -o "$RO/r.md"
contains "… naming the output" "$ERR" "$RO/r.md"
expect_rc 1 "an older read-only workspace is explained" ro_run "$SP" --db "$RO/old.db" plan list
contains "… older and read-only" "$ERR" "older than this salesplan"
contains "… naming the file" "$ERR" "$RO/old.db"
[ "$(sqlite3 ro/ws.db "PRAGMA integrity_check")" = ok ] && ok "the read-only workspace is intact" || not_ok "read-only workspace damaged"

finish
