#!/usr/bin/env bash
# import_fast.sh — the fast paths of a large import give what the slow ones
# give (docs/IMPORT.md "Speed"):
#  1. a new workspace has 16 KiB pages; one made with 4 KiB pages keeps
#     them and works the same;
#  2. files whose ids increase (the id set keeps them aside; the snapshot
#     takes the row count of a table that was empty without counting it)
#     and files whose ids do not, into empty and into non-empty tables:
#     the snapshot is fresh after each import, its row counts are those of
#     sqlite3, and every answer from it equals the answer from SQLite
#     (SALESPLAN_SNAPSHOT=off) and from a full `snapshot rebuild`;
#  3. more rows than one batch of the snapshot writer's label lookups
#     (256), with references by id, by name and to nothing, labels new in
#     the middle of a batch and repeated in it;
#  4. an id used twice after a run of increasing ids (the last one again,
#     or one from long before) is found, with the line it came with first,
#     and nothing is imported.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
D=2026-12-31
export SALESPLAN_TODAY=2026-12-31

gen_reps() { # ids r001..r020, names 代表N
  awk 'BEGIN { print "rep_id,name,team,role,region,industry,active"
    split("华东,华北,西南", rg, ",")
    for (i = 1; i <= 20; i++) printf "r%03d,代表%d,组%d,rep,%s,,1\n", i, i, i % 3, rg[i % 3 + 1] }'
}
gen_customers() { # ids c00001..c00600 (increasing, or in reverse with "rev")
  awk -v rev="$1" 'BEGIN { print "customer_id,name,region,industry,size,owner_rep_id,created_on"
    split("华东,华北,西南,", rg, ",")
    for (j = 1; j <= 600; j++) { i = rev == "rev" ? 601 - j : j
      printf "c%05d,客户%d,%s,制造,large,r%03d,2024-01-01\n", i, i, rg[i % 4 + 1], i % 20 + 1 } }'
}
gen_activities() { # FROM TO ORDER: ids a0FROM..a0TO; ORDER "up" (zero-padded) or "raw" (a1, a2…: not increasing as text)
  awk -v a="$1" -v b="$2" -v o="$3" 'BEGIN { print "activity_id,occurred_on,rep_id,customer_id,kind"
    split("visit,call,email,meeting,other", k, ",")
    for (i = a; i <= b; i++) {
      d = (i * 7) % 365; m = int(d / 31) + 1; dd = d % 28 + 1
      c = sprintf("c%05d", (i * 7919) % 600 + 1)
      if (i % 97 == 0) c = "客户" ((i * 13) % 600 + 1)     # by name: becomes the id
      if (i % 89 == 0) c = "x" (i % 7)                     # names nothing: kept, a label of its own
      if (i % 101 == 0) c = ""
      r = sprintf("r%03d", i % 20 + 1)
      if (i % 53 == 0) r = "代表" (i % 20 + 1)
      if (i % 211 == 0) r = "nobody" (i % 3)
      id = o == "up" ? sprintf("a%07d", i) : "a" i
      printf "%s,2026-%02d-%02d,%s,%s,%s\n", id, m, dd, r, c, k[i % 5 + 1] } }'
}
gen_deals() {
  awk 'BEGIN { print "deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal"
    split("云,咨询,硬件", p, ",")
    for (i = 1; i <= 3000; i++) {
      c = sprintf("c%05d", (i * 31) % 600 + 1); if (i % 97 == 0) c = "客户" (i % 600 + 1)
      st = i % 3 == 0 ? "open" : (i % 3 == 1 ? "won" : "lost")
      cl = st == "open" ? "" : sprintf("2026-%02d-%02d", i % 12 + 1, i % 28 + 1)
      printf "d%05d,%s,r%03d,%s,2025-12-01,%s,%s,%d.25,,,,\n", i, c, i % 20 + 1, p[i % 3 + 1], cl, st, 1000 + i * 3 } }'
}
gen_invoices() {
  awk 'BEGIN { print "invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on"
    for (i = 1; i <= 2000; i++) printf "i%05d,d%05d,c%05d,2026-02-01,2026-%02d-01,%d.00,%d.00,2026-06-01\n", i, i, (i * 17) % 600 + 1, i % 12 + 1, 500 + i, i }'
}

# same DESC: every question below gives the same answer from the snapshot
# (which must be fresh: SALESPLAN_SNAPSHOT=read never rebuilds it) as from
# SQLite
QUESTIONS=("kpi visits --period 2026 --by rep" "kpi activities --period 2026 --by month"
  "kpi activities --period 2026-Q2 --where region=华东 --by team" "kpi revenue --period 2026 --by region"
  "kpi collected --period 2026 --by month" "kpi active_customers --period 2026-Q3 --by region"
  "kpi tier_customers --period 2026 --by tier" "kpi win_rate --period 2026 --by product"
  "alerts --format json")
answers() { # MODE: all answers, one after another
  local q
  for q in "${QUESTIONS[@]}"; do
    # shellcheck disable=SC2086
    SALESPLAN_SNAPSHOT=$1 "$SP" $q --as-of $D 2>&1 || echo "exit $?"
  done
}
same() {
  local a b
  a=$(answers read); b=$(answers off)
  if [ "$a" = "$b" ] && [ -n "$a" ] && [[ $a != *"exit "* ]]; then ok "$1: ${#QUESTIONS[@]} answers from the snapshot equal those from SQLite"
  else not_ok "$1: answers differ (or one failed)"; diff <(echo "$a") <(echo "$b") | head -10 | sed 's/^/#   /'; fi
}
# counts DESC: the snapshot is fresh and holds as many rows of each table as sqlite3 counts
counts() {
  expect_rc 0 "$1: snapshot status" "$SP" snapshot status
  local t want bad=0
  case $OUT in *"state: fresh"*) ;; *) bad=1; echo "#   not fresh: ${OUT:0:200}" ;; esac
  for t in reps customers deals activities invoices; do
    want=$(sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM $t")
    case $OUT in *"rows $t: $want"*) ;; *) bad=1; echo "#   $t: sqlite3 counts $want" ;; esac
  done
  [ $bad = 0 ] && ok "$1: the snapshot is fresh, with the row counts of sqlite3" || not_ok "$1: snapshot rows or state"
}
# rebuilt DESC: a full rebuild gives the same answers as the snapshot the imports wrote
rebuilt() {
  local a b
  a=$(answers read)
  cp "$SALESPLAN_DB" keep.db; cp "$SALESPLAN_DB.snap" keep.snap
  "$SP" snapshot rebuild >/dev/null 2>&1
  b=$(answers read)
  if [ "$a" = "$b" ]; then ok "$1: the imports' snapshot answers as a full rebuild does"
  else not_ok "$1: a rebuild answers otherwise"; diff <(echo "$a") <(echo "$b") | head -10 | sed 's/^/#   /'; fi
  cp keep.snap "$SALESPLAN_DB.snap"; rm -f keep.db keep.snap
}

gen_reps >reps.csv
gen_customers up >cust.csv
gen_customers rev >cust_rev.csv
gen_deals >deals.csv
gen_invoices >inv.csv
gen_activities 1 20000 up >act_up.csv
gen_activities 20001 20600 up >act_more.csv
gen_activities 1 3000 raw >act_raw.csv

# ---- 1. page size ----
check "init" "$SP" init --quiet
got=$(sqlite3 "$SALESPLAN_DB" "PRAGMA page_size")
[ "$got" = 16384 ] && ok "a new workspace has 16 KiB pages" || not_ok "a new workspace has $got-byte pages, not 16384"

# ---- 2, 3. increasing ids into empty tables, then more into a non-empty one ----
for f in "reps reps.csv" "customers cust.csv" "deals deals.csv" "activities act_up.csv" "invoices inv.csv"; do
  # shellcheck disable=SC2086
  check "import $f (ids increasing, the table empty)" "$SP" import $f --quiet
done
counts "increasing ids into empty tables"
same "increasing ids into empty tables"
check "import activities act_more.csv (ids increasing, the table not empty)" "$SP" import activities act_more.csv --quiet
counts "more activities"
same "more activities"
check "import customers in reverse (ids decreasing: upserts)" "$SP" import customers cust_rev.csv --quiet
counts "customers again"
same "customers again"
rebuilt "after five imports"

# ids not increasing as text (a1, a2, … a10): counted, looked up
rm -f ws.db ws.db-wal ws.db-shm ws.db.snap
check "init again" "$SP" init --quiet
for f in "reps reps.csv" "customers cust_rev.csv" "activities act_raw.csv" "activities act_up.csv"; do
  # shellcheck disable=SC2086
  check "import $f" "$SP" import $f --quiet
done
counts "ids out of order"
same "ids out of order"
rebuilt "ids out of order"

# a workspace with 4 KiB pages (made before 16 KiB ones) keeps them and works alike
rm -f ws.db ws.db-wal ws.db-shm ws.db.snap
sqlite3 ws.db "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;" >/dev/null
check "init on a 4 KiB-page file" "$SP" init --quiet
for f in "reps reps.csv" "customers cust.csv" "deals deals.csv" "activities act_up.csv" "invoices inv.csv"; do
  # shellcheck disable=SC2086
  check "import $f (4 KiB pages)" "$SP" import $f --quiet
done
got=$(sqlite3 "$SALESPLAN_DB" "PRAGMA page_size")
[ "$got" = 4096 ] && ok "a workspace made with 4 KiB pages keeps them" || not_ok "page size became $got"
counts "4 KiB pages"
same "4 KiB pages"

# ---- 4. an id used twice after a run of increasing ids ----
v0=$(sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM activities")
{ gen_activities 30001 30300 up; echo "a0030300,2026-03-01,r001,c00001,visit"; } >dup_last.csv
expect_rc 1 "the last id again: refused" "$SP" import activities dup_last.csv
contains "… naming the line it came with first" "$ERR" "dup_last.csv:302: activity_id: 'a0030300' is also the id on line 301"
contains "… and nothing imported" "$ERR" "1 bad row(s): nothing was imported"
{ gen_activities 30001 30300 up; echo "a0030005,2026-03-01,r001,c00001,visit"; echo "a0030400,2026-03-01,r001,c00001,visit";
  echo "a0030400,2026-03-02,r002,c00002,call"; } >dup_early.csv
expect_rc 1 "an id from long before again, and a later one twice: refused" "$SP" import activities dup_early.csv
contains "… the early one, with its first line" "$ERR" "dup_early.csv:302: activity_id: 'a0030005' is also the id on line 6"
contains "… the later one, with its first line" "$ERR" "dup_early.csv:304: activity_id: 'a0030400' is also the id on line 303"
contains "… and nothing imported" "$ERR" "2 bad row(s): nothing was imported"
got=$(sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM activities")
[ "$got" = "$v0" ] && ok "the activities are as they were ($v0)" || not_ok "activities: $got rows, $v0 before"
counts "after the refused imports"
finish
