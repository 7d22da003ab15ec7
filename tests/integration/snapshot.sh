#!/usr/bin/env bash
# snapshot.sh — the columnar snapshot beside the workspace (WS.db.snap):
#  1. differential: on data with edge cases (empty cells, records after the
#     as-of date, a leap day, T12M exactly at 50万 and 100万, customers
#     without activities), every metric × filters × breakdowns answered
#     from the snapshot equals the same question answered from SQLite
#     (SALESPLAN_SNAPSHOT=off), and the tier counts equal plain SQL;
#     tiers, alerts, funnel, budget and status likewise;
#  2. faults: a truncated, byte-flipped, stale (an import by a process that
#     did not rebuild it; a write by the sqlite3 shell), wrong-format and
#     missing snapshot is never trusted: status says so, the answers stay
#     right, and a reader that may write rebuilds it;
#  3. the snapshot path is the one taken: status says fresh after import.
# (kpi_sql.sh compares every metric with plain SQL through the snapshot
# path, since its imports write one; this script also runs it once with
# the snapshot off, so both paths are checked against SQL.)
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
D=2026-03-15
PLAN=$SRCDIR/examples/plan-en.yaml
mkdir -p data
cat >data/reps.csv <<'CSV'
rep_id,name,team,role,region,industry,active
r1,甲,东组,leader,华东,制造,1
r2,乙,东组,rep,华东,,1
r3,丙,西组,rep,,金融,0
CSV
cat >data/customers.csv <<'CSV'
customer_id,name,region,industry,size,owner_rep_id,created_on
c1,一,华东,制造,large,r1,2024-02-29
c2,二,华东,,small,r2,
c3,三,西南,金融,medium,r3,2025-01-01
c4,四,,,,,2026-03-20
c5,五,华东,制造,large,r2,2023-05-05
c6,六,西南,金融,,r3,2024-02-29
CSV
# T12M as of D: c1 = 100万 exactly (strategic), c5 = 50万 exactly (key),
# c6 = 49.99万 (potential), c2 a won deal after D (never counts)
cat >data/deals.csv <<'CSV'
deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal
d1,c1,r1,云,2025-06-01,2025-06-30,won,600000.00,100000,,,
d2,c1,r1,云,2025-12-01,2026-02-28,won,400000.00,,,,1
d3,c5,r2,咨询,2025-03-16,2025-03-16,won,500000.00,200000.5,,1,
d4,c6,r3,,2024-02-29,2025-03-16,won,499999.99,,,,
d5,c2,r2,云,2026-03-01,2026-03-16,won,12345.67,,,,
d6,c2,r2,云,2026-03-01,,open,80000.00,,40,,
d7,c3,r3,咨询,2026-03-20,,open,90000.00,,90,,
d8,c3,,云,2026-01-10,2026-03-01,lost,5000.00,,,,
d9,c5,r2,云,2024-02-29,2024-02-29,won,70000.00,,,,0
CSV
cat >data/leads.csv <<'CSV'
lead_id,created_on,source,region,industry,owner_rep_id,qualified,opportunity_id,size
l1,2026-01-05,web,华东,制造,r1,1,d6,large
l2,2024-02-29,,,,r2,0,,
l3,2026-03-16,web,华东,,r2,1,,small
l4,2024-02-29,referral,西南,金融,r3,1,d7,
CSV
cat >data/activities.csv <<'CSV'
activity_id,occurred_on,rep_id,customer_id,kind
a1,2026-03-01,r1,c1,visit
a2,2026-03-16,r2,c2,visit
a3,2024-02-29,r3,c3,meeting
a4,2026-02-10,r2,,call
a5,2026-03-10,r9,c5,email
CSV
cat >data/invoices.csv <<'CSV'
invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on
i1,d1,c1,2025-07-01,2026-02-28,600000.00,600000.00,2026-02-01
i2,d2,c1,2026-03-01,2026-03-10,400000.00,100000.00,2026-03-16
i3,,c5,2026-01-01,2026-03-31,1.00,,
CSV
cat >data/spend.csv <<'CSV'
spend_id,spent_on,category,amount,strategy_id,task_id,note
s1,2026-03-01,events,1000.50,,,一
s2,2026-03-16,marketing,2000.00,,,
CSV
SNAP=$SALESPLAN_DB.snap

check "init" "$SP" init
check "plan import" "$SP" plan import "$PLAN"
for t in reps customers leads deals activities invoices spend; do
  check "import $t" "$SP" import "$t" "data/$t.csv"
done
expect_rc 0 "snapshot status" "$SP" snapshot status
contains "… fresh after the import" "$OUT" "state: fresh"
contains "… with its rows" "$OUT" "rows deals: 9"

# the data version: bumped once per import, its 21 triggers in place after
# every import, and untouched by an import that fails (all or nothing)
eq_sql() { local got; got=$(sqlite3 "$SALESPLAN_DB" "$2"); if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$got', wanted '$3')"; fi; }
eq_sql "every data version trigger in place after the imports" "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE '%_dv_%'" 21
v0=$(sqlite3 "$SALESPLAN_DB" "SELECT n FROM data_version")
printf 'deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal\nd99,c1,r1,云,2026-01-02,2026-01-03,won,1.00,,,,\nd98,c1,r1,云,not-a-date,,open,1,,,,\n' >bad.csv
expect_rc 1 "an import with a bad row fails" "$SP" import deals bad.csv
eq_sql "… leaves the data version as it was" "SELECT n FROM data_version" "$v0"
eq_sql "… and every trigger in place" "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE '%_dv_%'" 21
expect_rc 0 "… and the snapshot fresh" "$SP" snapshot status
contains "… (status)" "$OUT" "state: fresh"

# same DESC ARGS...: the answer from the snapshot equals the one from SQLite
same() {
  local d=$1; shift
  local a b ra=0 rb=0
  a=$("$SP" "$@" 2>&1) || ra=$?
  b=$(SALESPLAN_SNAPSHOT=off "$SP" "$@" 2>&1) || rb=$?
  if [ "$a" = "$b" ] && [ "$ra" = "$rb" ]; then ok "$d"
  else not_ok "$d (exit $ra/$rb)"; diff <(echo "$a") <(echo "$b") | head -10 | sed 's/^/#   /'; fi
}

METRICS="revenue deals_won avg_deal_size new_customers new_customer_revenue new_customer_revenue_share
  renewal_rate leads qualified_leads lead_conversion_rate win_rate sales_cycle_days visits activities
  visits_per_rep gross_margin collection_rate collected pipeline weighted_pipeline active_customers
  tier_customers tier_revenue_share spend"
n_same=0 n_diff=0
for m in $METRICS; do
  for per in 2026-Q1 2026 2024-02 2025-03-16..2026-03-15; do
    # (a kpi question reads only the columns it needs from the snapshot,
    # sp_load_spec.cols: every dimension as a filter and as a breakdown)
    for args in "" "--by tier" "--by region,month" "--by rep" "--where region=华东" "--where tier=key --by team" \
                "--where industry=金融 --by size" "--by product,week" "--by source" "--where rep=r2 --by industry" \
                "--where size=large --by region" "--where team=东组" "--where source=web --by size" \
                "--where product=云 --by tier" "--by category,strategy"; do
      # shellcheck disable=SC2086
      a=$("$SP" kpi "$m" --period "$per" --as-of $D $args --format json 2>&1)
      # shellcheck disable=SC2086
      b=$(SALESPLAN_SNAPSHOT=off "$SP" kpi "$m" --period "$per" --as-of $D $args --format json 2>&1)
      if [ "$a" = "$b" ]; then n_same=$((n_same + 1))
      else n_diff=$((n_diff + 1)); echo "#   differs: kpi $m --period $per $args"; fi
    done
  done
done
if [ $n_diff = 0 ]; then ok "kpi: $n_same questions (24 metrics × 4 periods × 16 filters/breakdowns) the same from the snapshot and from SQLite"
else not_ok "kpi: $n_diff of $((n_same + n_diff)) questions differ"; fi

# the tiers at the 50万 / 100万 boundaries, against plain SQL
want=$(sqlite3 "$SALESPLAN_DB" "WITH t AS (SELECT c.customer_id, COALESCE((SELECT SUM(amount) FROM deals d
  WHERE d.customer_id = c.customer_id AND stage='won' AND closed_on > '2025-03-15' AND closed_on <= '$D'), 0) v
  FROM customers c WHERE c.created_on IS NULL OR c.created_on <= '$D')
  SELECT SUM(v >= 100000000) || ',' || SUM(v >= 50000000 AND v < 100000000) || ',' || SUM(v < 50000000) FROM t")
got=$("$SP" kpi tier_customers --period 2026-Q1 --as-of $D --by tier --format csv | tr -d '\r' | awk -F, 'NR>1 && $1 != "" {printf "%s%s", s, $2; s=","}')
contains "tier_customers by tier at the 50万/100万 boundaries equals plain SQL ($want)" "$got" "$want"

for cmd in "status --as-of $D" "alerts --as-of $D" "alerts --as-of $D --format json" "tiers --as-of $D --since 2025-06-30" \
           "funnel --as-of $D" "budget --as-of $D" "report --period 2026-03 --format md"; do
  # shellcheck disable=SC2086
  same "$cmd: the same from the snapshot and from SQLite" $cmd
done

# ---- faults ----------------------------------------------------------------
ask() { "$SP" kpi revenue --period 2026-Q1 --as-of $D --by rep; }
want=$(SALESPLAN_SNAPSHOT=off "$SP" kpi revenue --period 2026-Q1 --as-of $D --by rep)
cp "$SNAP" snap.good
size=$(stat -c %s "$SNAP")

fault() { # fault DESC STATE: status says STATE, the answer is right (read-only: no rebuild), then a writer-capable reader rebuilds
  local d=$1 st=$2
  expect_rc 0 "$d: status" env SALESPLAN_SNAPSHOT=read "$SP" snapshot status
  contains "$d: status says $st" "$OUT" "state: $st"
  local got
  got=$(SALESPLAN_SNAPSHOT=read ask 2>&1)
  if [ "$got" = "$want" ]; then ok "$d: the answer stays right"; else not_ok "$d: wrong answer"; echo "$got" | head -5 | sed 's/^/#   /'; fi
  got=$(ask 2>&1)
  if [ "$got" = "$want" ]; then ok "$d: right while rebuilding"; else not_ok "$d: wrong answer while rebuilding"; fi
  # (a query verifies only the columns it reads: the damage may lie in one
  # revenue by rep does not read; a listing of the deals reads them all)
  "$SP" kpi revenue --period 2026-Q1 --as-of $D --explain >/dev/null 2>&1
  "$SP" snapshot status >"$WORK/st" 2>&1
  contains "$d: a reader that can write rebuilt it" "$(cat "$WORK/st")" "state: fresh"
}

for cut in 0 17 100 $((size / 2)) $((size - 1)); do
  head -c "$cut" snap.good >"$SNAP"
  fault "truncated to $cut bytes" damaged
done
for at in 3 9 40 130 300 $((size / 3)) $((size / 2 + 7)) $((size - 70)); do
  cp snap.good "$SNAP"
  python3 - "$SNAP" "$at" <<'PY'
import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[at] ^= 0x5A
open(p, "wb").write(bytes(b))
PY
  fault "byte $at flipped" damaged
done
cp snap.good "$SNAP"
python3 - "$SNAP" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
struct.pack_into("<I", b, 8, 99)  # the format version
open(p, "wb").write(bytes(b))
PY
fault "another format version" damaged
rm -f "$SNAP"
fault "missing" missing

# stale: an import by a process that did not rebuild the snapshot
cp "$SNAP" snap.before
printf 'deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,probability,is_new_customer,is_renewal\nd10,c3,r3,云,2026-01-02,2026-01-03,won,777.00,,,,\n' >more.csv
check "an import that does not rebuild the snapshot" env SALESPLAN_SNAPSHOT=off "$SP" import deals more.csv
want=$(SALESPLAN_SNAPSHOT=off "$SP" kpi revenue --period 2026-Q1 --as-of $D --by rep)
contains "… the new deal counts (r3)" "$want" "777.00"
fault "stale after an import that did not rebuild it" stale
# stale: a write by the sqlite3 shell bumps the data version too (triggers)
sqlite3 "$SALESPLAN_DB" "UPDATE deals SET amount = amount + 100 WHERE deal_id = 'd10'"
want=$(SALESPLAN_SNAPSHOT=off "$SP" kpi revenue --period 2026-Q1 --as-of $D --by rep)
contains "… the sqlite3 change counts" "$want" "778.00"
fault "stale after a write by the sqlite3 shell" stale
# an old snapshot put back is stale, never trusted
cp snap.before "$SNAP"
fault "an older snapshot put back" stale

# a read-only directory: bypassed, never rebuilt, still right
mkdir ro && sqlite3 "$SALESPLAN_DB" ".backup ro/ws.db" && cp snap.before ro/ws.db.snap && chmod 555 ro
if [ -w ro ]; then ok "# skipped read-only directory (running as root)"; else
  got=$(SALESPLAN_DB=ro/ws.db "$SP" kpi revenue --period 2026-Q1 --as-of $D --by rep 2>&1)
  contains "read-only directory: the answer stays right" "$got" "778.00"
fi
chmod 755 ro

expect_rc 0 "snapshot rebuild" "$SP" snapshot rebuild
contains "… says what it wrote" "$OUT" "data version"
expect_rc 2 "snapshot status takes no arguments" "$SP" snapshot status extra
expect_rc 0 "snapshot status in Chinese" "$SP" --lang zh snapshot status
contains "… translated, the state a keyword" "$OUT" "状态：fresh"

# ---- kpi_sql.sh (every metric against plain SQL) through the SQLite path --
if SALESPLAN_SNAPSHOT=off bash "$SRCDIR/tests/integration/kpi_sql.sh" >"$WORK/kpi_sql.log" 2>&1; then
  ok "kpi_sql.sh with the snapshot off: $(tail -1 "$WORK/kpi_sql.log")"
else
  not_ok "kpi_sql.sh with the snapshot off"; grep '^not ok' "$WORK/kpi_sql.log" | head -10 | sed 's/^/#   /'
fi
finish
