#!/usr/bin/env bash
# snapshot_patch.sh — an import patches the snapshot: only the tables it
# wrote are read from the workspace again, the others are copied from the
# snapshot of the state before it (their codes moved, their references to
# reps and customers resolved again). Checks, after imports in orders that
# move rows and codes (activities before the customers and reps they name,
# customers upserted with new owners and regions, new customers and reps
# appearing after the rows that name them, a small table after a big one):
#  1. `snapshot status` says which tables were read at which data version:
#     an import of spend leaves the activities (and every other table) as
#     read before, and the snapshot is fresh;
#  2. the answers from the patched snapshot equal plain SQL over the
#     workspace (sqlite3 CLI), and equal the answers from SQLite
#     (SALESPLAN_SNAPSHOT=off) and from a full `snapshot rebuild`;
#  3. a damaged snapshot under an import is not patched from: the import
#     writes a whole new one (every table read again), answers stay right.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
SNAP=$SALESPLAN_DB.snap
P=2026
D=2026-12-31

# more rows than one chunk (8192) and one block (65536) of the writer
gen_activities() { # N: activities a1..aN over 60 customers (c1..c60), 12 reps (r1..r12)
  awk -v n="$1" 'BEGIN { print "activity_id,occurred_on,rep_id,customer_id,kind"
    split("visit,call,email,meeting,other", k, ",")
    for (i = 1; i <= n; i++) {
      d = (i * 7) % 365; m = int(d / 31) + 1; dd = d % 28 + 1
      c = (i % 61 == 0) ? "" : "c" (i % 60 + 1)
      printf "a%d,2026-%02d-%02d,r%d,%s,%s\n", i, m, dd, i % 12 + 1, c, k[i % 5 + 1] } }'
}
gen_customers() { # FROM TO VARIANT: customers cFROM..cTO (owner and region depend on VARIANT)
  awk -v a="$1" -v b="$2" -v v="$3" 'BEGIN { print "customer_id,name,region,industry,size,owner_rep_id,created_on"
    split("华东,华北,西南,", rg, ",")
    for (i = b; i >= a; i--)  # in reverse: the rows move against the ids
      printf "c%d,客户%d,%s,制造,large,r%d,2024-01-01\n", i, i, rg[(i + v) % 4 + 1], (i + v) % 14 + 1 }'
}
gen_reps() { # FROM TO: reps rFROM..rTO, teams by number
  awk -v a="$1" -v b="$2" 'BEGIN { print "rep_id,name,team,role,region,industry,active"
    for (i = a; i <= b; i++) printf "r%d,代表%d,组%d,rep,华东,,1\n", i, i, i % 3 }'
}
gen_deals() {
  awk 'BEGIN { print "deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal"
    for (i = 1; i <= 300; i++) printf "d%d,c%d,r%d,云,2026-01-01,2026-%02d-10,won,%d.50,,,,\n", i, i % 70 + 1, i % 12 + 1, i % 12 + 1, 1000 + i
    # strategic customers (T12M over 100万): tier reviews read their last touch
    for (i = 1; i <= 5; i++) printf "d90%d,c%d,r1,云,2026-01-01,2026-03-10,won,1200000.00,,,,\n", i, i * 11 }'
}
gen_invoices() {
  awk 'BEGIN { print "invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on"
    for (i = 1; i <= 200; i++) printf "i%d,d%d,c%d,2026-02-01,2026-%02d-01,%d.00,%d.00,2026-06-01\n", i, i, i % 66 + 1, i % 12 + 1, 500 + i, i }'
}
gen_spend() { # VARIANT
  awk -v v="$1" 'BEGIN { print "spend_id,spent_on,category,amount,strategy_id,task_id,note"
    for (i = 1; i <= 40; i++) printf "s%d,2026-%02d-05,cat%d,%d.00,,,n%d\n", i, i % 12 + 1, (i + v) % 3, 100 * i + v, i }'
}
gen_activities 70000 >act.csv
gen_customers 1 40 0 >cust1.csv
gen_customers 20 65 1 >cust2.csv
gen_reps 1 8 >reps1.csv
gen_reps 5 14 >reps2.csv
gen_deals >deals.csv
gen_invoices >inv.csv
gen_spend 0 >spend1.csv
gen_spend 7 >spend2.csv

# built TABLE: the data version the snapshot's TABLE was read at
built() { "$SP" snapshot status | sed -n "s/^read $1 at data version: //p"; }
fresh() { "$SP" snapshot status | grep -q '^state: fresh'; }
# sqlcsv SQL: "key,value" lines, sorted (NULL key empty)
sqlcsv() { sqlite3 -batch -separator , "$SALESPLAN_DB" "$1" | sort; }
# kpicsv ARGS: the same from `salesplan kpi … --format csv` (header dropped)
kpicsv() { "$SP" kpi "$@" --period $P --as-of $D --format csv | tr -d '\r' | tail -n +2 | sort; }

# the questions that follow every reference a patch resolves again:
# activities → customer (region) and rep (team), invoices → customer
# (region) and its owner (team), deals → customer (region)
Q_SQL=(
  "SELECT COALESCE(c.region,''), count(*) FROM activities a LEFT JOIN customers c ON c.customer_id = a.customer_id
     WHERE a.occurred_on BETWEEN '2026-01-01' AND '$D' GROUP BY 1"
  "SELECT COALESCE(r.team,''), count(*) FROM activities a LEFT JOIN reps r ON r.rep_id = a.rep_id
     WHERE a.occurred_on BETWEEN '2026-01-01' AND '$D' GROUP BY 1"
  "SELECT COALESCE(c.region,''), printf('%.2f', sum(d.amount) / 100.0) FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
     WHERE d.stage = 'won' AND d.closed_on BETWEEN '2026-01-01' AND '$D' GROUP BY 1"
  "SELECT COALESCE(r.team,''), printf('%.2f', sum(CASE WHEN i.paid_on BETWEEN '2026-01-01' AND '$D' THEN i.paid ELSE 0 END) / 100.0)
     FROM invoices i LEFT JOIN customers c ON c.customer_id = i.customer_id LEFT JOIN reps r ON r.rep_id = c.owner_rep_id
     WHERE i.paid_on BETWEEN '2026-01-01' AND '$D' GROUP BY 1"
)
Q_KPI=("activities --by region" "activities --by team" "revenue --by region" "collected --by team")

# answers TAG: every question from the snapshot against plain SQL, against
# SQLite (snapshot off), and the snapshot fresh
answers() {
  local tag=$1 k a b c
  if fresh; then ok "$tag: the snapshot is fresh"; else not_ok "$tag: the snapshot is not fresh"; fi
  for k in "${!Q_KPI[@]}"; do
    # shellcheck disable=SC2086
    a=$(kpicsv ${Q_KPI[$k]})
    b=$(sqlcsv "${Q_SQL[$k]}")
    # shellcheck disable=SC2086
    c=$(SALESPLAN_SNAPSHOT=off kpicsv ${Q_KPI[$k]})
    if [ "$a" = "$b" ] && [ "$a" = "$c" ]; then ok "$tag: kpi ${Q_KPI[$k]} equals plain SQL"
    else not_ok "$tag: kpi ${Q_KPI[$k]}"; diff <(echo "$a") <(echo "$b") | head -8 | sed 's/^/#   sql /'
      diff <(echo "$a") <(echo "$c") | head -8 | sed 's/^/#   off /'; fi
  done
  for asof in 2026-06-30 $D; do
    a=$("$SP" alerts --as-of $asof --format json 2>/dev/null)
    b=$(SALESPLAN_SNAPSHOT=off "$SP" alerts --as-of $asof --format json 2>/dev/null)
    if [ "$a" = "$b" ]; then ok "$tag: alerts as of $asof (the day indexes) the same from the snapshot and from SQLite"
    else not_ok "$tag: alerts as of $asof differ"; diff <(echo "$a") <(echo "$b") | head -8 | sed 's/^/#   /'; fi
  done
}

check "init" "$SP" init
check "plan import (alerts: stale follow-ups and tier reviews read the day indexes)" "$SP" plan import "$SRCDIR/examples/plan-en.yaml"
check "import activities first (they name customers and reps not there yet)" "$SP" import activities act.csv
answers "activities alone"
va=$(built activities)

check "import customers after the activities" "$SP" import customers cust1.csv
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
eq "… the activities copied, not read again" "$(built activities)" "$va"
answers "customers after activities"

check "import reps after both" "$SP" import reps reps1.csv
eq "… the activities still copied" "$(built activities)" "$va"
answers "reps after customers"

check "import deals" "$SP" import deals deals.csv
check "import invoices" "$SP" import invoices inv.csv
check "import spend" "$SP" import spend spend1.csv
answers "every table"

# upserts that move rows, owners and regions, with new customers and reps
vc=$(built customers)
check "customers upserted (new regions and owners, new customers c41..c65)" "$SP" import customers cust2.csv
eq "… the activities still copied" "$(built activities)" "$va"
if [ "$(built customers)" != "$vc" ]; then ok "… the customers read again"; else not_ok "… the customers read again"; fi
answers "customers upserted"
check "reps upserted (new reps r9..r14)" "$SP" import reps reps2.csv
answers "reps upserted"

# a small table after the big ones: nothing else is read again
before=$("$SP" snapshot status | grep '^read ' | grep -v '^read spend')
vs=$(built spend)
check "import spend again (a small table after the big ones)" "$SP" import spend spend2.csv
after=$("$SP" snapshot status | grep '^read ' | grep -v '^read spend')
eq "… every other table copied from the snapshot before it" "$after" "$before"
if [ "$(built spend)" -gt "$vs" ]; then ok "… spend read at the new data version"; else not_ok "… spend read at the new data version"; fi
eq "… spend from the snapshot equals plain SQL" "$(kpicsv spend --by month | awk -F, '{s += $2} END {printf "%.2f", s}')" \
  "$(sqlite3 "$SALESPLAN_DB" "SELECT printf('%.2f', sum(amount) / 100.0) FROM spend WHERE spent_on BETWEEN '2026-01-01' AND '$D'")"
answers "spend again"

# the patched snapshot answers as a full rebuild does
patched=()
for k in "${!Q_KPI[@]}"; do
  # shellcheck disable=SC2086
  patched+=("$(kpicsv ${Q_KPI[$k]})")
done
check "snapshot rebuild" "$SP" snapshot rebuild
v=$(sqlite3 "$SALESPLAN_DB" "SELECT n FROM data_version")
eq "… every table read at the workspace's data version" "$("$SP" snapshot status | grep -c "^read .* at data version: $v\$")" 7
same=0
for k in "${!Q_KPI[@]}"; do
  # shellcheck disable=SC2086
  [ "${patched[$k]}" = "$(kpicsv ${Q_KPI[$k]})" ] && same=$((same + 1))
done
eq "the patched snapshot answers as the rebuilt one (${#Q_KPI[@]} questions)" "$same" "${#Q_KPI[@]}"

# a damaged snapshot is never patched from: the import rewrites it whole
printf 'XXXXXXXX' | dd of="$SNAP" bs=1 seek=$(( $(stat -c %s "$SNAP") / 2 )) conv=notrunc 2>/dev/null
check "import spend over a damaged snapshot" "$SP" import spend spend1.csv
v=$(sqlite3 "$SALESPLAN_DB" "SELECT n FROM data_version")
eq "… every table read again (nothing copied from the damaged one)" \
  "$("$SP" snapshot status | grep -c "^read .* at data version: $v\$")" 7
answers "after a damaged snapshot"

# a stale snapshot (a write the snapshot did not follow) is never patched from
check "an import with the snapshot off (it goes stale)" env SALESPLAN_SNAPSHOT=off "$SP" import customers cust1.csv
check "import spend over the stale snapshot" "$SP" import spend spend2.csv
v=$(sqlite3 "$SALESPLAN_DB" "SELECT n FROM data_version")
eq "… every table read again (nothing copied from the stale one)" \
  "$("$SP" snapshot status | grep -c "^read .* at data version: $v\$")" 7
answers "after a stale snapshot"
finish
