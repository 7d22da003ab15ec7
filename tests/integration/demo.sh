#!/usr/bin/env bash
# demo.sh — `salesplan demo`: the generated workspace is deterministic for a
# seed, has the expected size at scale 1, and shows what the issue asks for
# (checked with plain SQL in the sqlite3 CLI, independently of the binary's
# own metrics): revenue behind the linear pace, Q3 met with ~40 % new-customer
# revenue, monthly qualified leads around 200, stale follow-ups, strategic
# customers due a review, an overdue task, marketing spend near its 80万
# allocation, two reviews and two plan versions; refuses to overwrite data.
. "$(dirname "$0")/lib.sh"

export SALESPLAN_TODAY=2026-11-26
D=2026-11-26
CRM="reps customers leads deals activities invoices spend"
q() { sqlite3 -batch -noheader "$1" "$2"; }
dump() { for t in $CRM; do sqlite3 "$1" ".dump $t"; done; }
# between DESC VALUE LO HI (numbers, LO <= VALUE <= HI)
between() {
  if python3 -c "import sys; v,lo,hi=map(float,sys.argv[1:4]); sys.exit(0 if lo<=v<=hi else 1)" "$2" "$3" "$4" 2>/dev/null
  then ok "$1 ($2 in $3..$4)"; else not_ok "$1 ($2 not in $3..$4)"; fi
}

expect_rc 0 "demo --help" "$SP" demo --help
contains "help names --scale" "$OUT" "--scale"
contains "help names --seed" "$OUT" "--seed"
expect_rc 2 "demo --scale 0 is a usage error" "$SP" demo --db "$WORK/bad.db" --scale 0
expect_rc 2 "demo with a stray argument is a usage error" "$SP" demo --db "$WORK/bad.db" extra

# ---- creation, timing, summary ----
t0=$(date +%s%N)
expect_rc 0 "demo --lang zh into a.db" "$SP" --lang zh demo --db "$WORK/a.db"
t1=$(date +%s%N)
secs=$(python3 -c "print('%.2f' % (($t1 - $t0) / 1e9))")
echo "# demo at scale 1 created in $secs s"
between "creation time at scale 1 under 5 s" "$secs" 0 5
contains "summary names the workspace" "$OUT" "$WORK/a.db"
contains "summary counts activities" "$OUT" "activities"
contains "summary suggests status" "$OUT" "status"
contains "summary suggests alerts" "$OUT" "alerts"
contains "summary suggests kpi" "$OUT" "kpi revenue --period 2026 --by month"
A=$WORK/a.db

# ---- determinism ----
expect_rc 0 "same seed into b.db" "$SP" --lang zh demo --db "$WORK/b.db" --seed 1 --quiet
if [ "$(dump "$A" | md5sum)" = "$(dump "$WORK/b.db" | md5sum)" ]; then ok "same seed: identical CRM tables"
else not_ok "same seed: CRM tables differ"; fi
expect_rc 0 "seed 2 into c.db" "$SP" --lang zh demo --db "$WORK/c.db" --seed 2 -q
if [ "$(dump "$A" | md5sum)" != "$(dump "$WORK/c.db" | md5sum)" ]; then ok "another seed: different data"
else not_ok "another seed: same data"; fi
# the fitted totals do not depend on the seed
r1=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$D'")
r2=$(q "$WORK/c.db" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$D'")
[ "$r1" = "$r2" ] && ok "revenue 2026 is the same for both seeds" || not_ok "revenue 2026 differs by seed ($r1 vs $r2)"

# ---- sizes at scale 1 ----
between "reps" "$(q "$A" 'SELECT count(*) FROM reps')" 7 12
between "customers" "$(q "$A" 'SELECT count(*) FROM customers')" 200 450
between "deals" "$(q "$A" 'SELECT count(*) FROM deals')" 1000 2200
between "leads" "$(q "$A" 'SELECT count(*) FROM leads')" 4000 12000
between "activities" "$(q "$A" 'SELECT count(*) FROM activities')" 15000 26000
between "invoices" "$(q "$A" 'SELECT count(*) FROM invoices')" 300 900
between "spend" "$(q "$A" 'SELECT count(*) FROM spend')" 100 600
n=$(q "$A" "SELECT (SELECT count(*) FROM customers WHERE created_on > '$D') + (SELECT count(*) FROM deals WHERE created_on > '$D' OR closed_on > '$D') + (SELECT count(*) FROM leads WHERE created_on > '$D') + (SELECT count(*) FROM activities WHERE occurred_on > '$D') + (SELECT count(*) FROM invoices WHERE issued_on > '$D' OR paid_on > '$D') + (SELECT count(*) FROM spend WHERE spent_on > '$D')")
[ "$n" = 0 ] && ok "no record dated after the as-of date" || not_ok "$n records dated after $D"
n=$(q "$A" "SELECT count(*) FROM deals d LEFT JOIN customers c USING(customer_id) WHERE c.customer_id IS NULL OR d.created_on < c.created_on OR d.closed_on < d.created_on")
[ "$n" = 0 ] && ok "deals point at existing customers, dates in order" || not_ok "$n deals with a bad customer or dates"
n=$(q "$A" "SELECT count(*) FROM leads l LEFT JOIN deals d ON d.deal_id = l.opportunity_id WHERE l.opportunity_id IS NOT NULL AND d.deal_id IS NULL")
[ "$n" = 0 ] && ok "lead opportunity ids point at deals" || not_ok "$n dangling opportunity ids"

# ---- the plan's team and a second team ----
contains "plan team in Chinese" "$(q "$A" "SELECT group_concat(rep_id || name || role, ',') FROM reps")" "r001王强leader,r002李娜rep,r003赵敏rep,r004陈杰presales"
between "a second team of reps" "$(q "$A" "SELECT count(*) FROM reps WHERE team <> 'mfg'")" 2 6

# ---- revenue: behind the linear pace of 5000万, Q3 met, seasonal ----
rev=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$D'")
pace=$(python3 -c "import datetime as d; e=(d.date(2026,11,26)-d.date(2026,1,1)).days+1; print(5000000000*e/365)")
between "revenue 2026 to date / linear pace" "$(python3 -c "print($rev / $pace)")" 0.70 1.00
q3=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-07-01' AND '2026-09-30'")
between "revenue 2026-Q3 reaches 1200万 (in 万)" "$(python3 -c "print($q3 / 1e6)")" 1200 1500
share=$(q "$A" "SELECT 1.0 * sum(CASE WHEN is_new_customer = 1 THEN amount ELSE 0 END) / sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-07-01' AND '2026-09-30'")
between "Q3 new-customer revenue share" "$share" 0.35 0.45
q1=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '2026-03-31'")
q4m=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2025-10-01' AND '2025-12-31'")
[ "$q1" -lt "$q4m" ] && ok "Q1 weaker than last year's Q4 (seasonal)" || not_ok "no seasonal shape ($q1 vs $q4m)"
ly=$(q "$A" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2025-01-01' AND '2025-12-31'")
between "last year's revenue (in 万) exists for seasonal pacing" "$(python3 -c "print($ly / 1e6)")" 3000 4800
reps_rev=$(q "$A" "SELECT max(s) * 1.0 / min(s) FROM (SELECT owner_rep_id, sum(amount) s FROM deals WHERE stage='won' AND closed_on >= '2026-01-01' AND owner_rep_id IN ('r002','r003','r006','r007','r008') GROUP BY 1)")
between "reps ahead and behind (best / worst seller)" "$reps_rev" 1.5 100

# ---- qualified leads in 华东 制造业 around 200 a month ----
ql=$(q "$A" "SELECT count(*) FROM leads WHERE qualified = 1 AND region = '华东' AND industry = '制造业' AND created_on BETWEEN '2026-01-01' AND '$D'")
between "qualified leads 2026 in 华东 制造业" "$ql" 1800 2800
met=$(q "$A" "SELECT count(*) FROM (SELECT substr(created_on,1,7) m, count(*) n FROM leads WHERE qualified = 1 AND region = '华东' AND industry = '制造业' AND created_on BETWEEN '2026-01-01' AND '2026-10-31' GROUP BY 1) WHERE n >= 200")
between "months Jan-Oct meeting 200 qualified leads" "$met" 3 8

# ---- stale follow-ups (SPEC §8, threshold 7 days) ----
stale_sql="WITH o AS (SELECT customer_id, min(created_on) since FROM deals WHERE created_on <= '$D' AND (stage = 'open' OR closed_on > '$D') GROUP BY 1),
 l AS (SELECT customer_id, max(occurred_on) m FROM activities WHERE occurred_on <= '$D' GROUP BY 1)
 SELECT count(*) FROM o LEFT JOIN l USING(customer_id) WHERE julianday('$D') - julianday(coalesce(l.m, o.since)) > DAYS"
stale=$(q "$A" "${stale_sql/DAYS/7}")
between "stale follow-ups" "$stale" 3 12
between "stale follow-ups past 14 days (escalated)" "$(q "$A" "${stale_sql/DAYS/14}")" 1 12
expect_rc 0 "alerts --kind stale_followup --format json" "$SP" --db "$A" alerts --kind stale_followup --format json
n=$(printf '%s' "$OUT" | python3 -c "import json,sys; print(sum(1 for a in json.load(sys.stdin)['alerts'] if a['kind']=='stale_followup'))" 2>/dev/null)
[ "$n" = "$stale" ] && ok "alerts agrees with SQL on stale follow-ups ($n)" || not_ok "alerts says $n stale follow-ups, SQL $stale"

# ---- strategic customers (T12M >= 100万), one or two without a visit/meeting in 30 days ----
strat="SELECT customer_id FROM deals WHERE stage = 'won' AND closed_on > date('$D', '-1 year') AND closed_on <= '$D' GROUP BY 1 HAVING sum(amount) >= 100000000"
between "strategic customers" "$(q "$A" "SELECT count(*) FROM ($strat)")" 3 20
due=$(q "$A" "SELECT count(*) FROM ($strat) s WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.customer_id = s.customer_id AND a.kind IN ('visit','meeting') AND a.occurred_on > date('$D', '-30 days') AND a.occurred_on <= '$D')")
between "strategic customers due a review" "$due" 1 2

# ---- overdue task, budget, reviews, plan versions ----
contains "bench-select is in progress (so overdue)" "$(q "$A" "SELECT task_id || ':' || status FROM task_states WHERE plan_id = 'fy2026'")" "bench-select:doing"
mkt=$(q "$A" "SELECT sum(amount) FROM spend WHERE category = 'marketing' AND spent_on BETWEEN '2026-01-01' AND '$D'")
between "marketing spend / (40% x 200万)" "$(python3 -c "print($mkt / (0.4 * 2000000 * 100))")" 0.90 1.10
[ "$(q "$A" "SELECT group_concat(period, ',') FROM (SELECT period FROM reviews WHERE plan_id = 'fy2026' ORDER BY period)")" = "2026-09,2026-10" ] \
  && ok "two reviews: 2026-09 and 2026-10" || not_ok "reviews: $(q "$A" 'SELECT period FROM reviews')"
n=$(q "$A" "SELECT count(*) FROM reviews WHERE cause <> '' AND lesson <> '' AND action <> ''")
[ "$n" = 2 ] && ok "reviews carry cause, lesson and action" || not_ok "reviews lack text ($n)"
[ "$(q "$A" "SELECT count(*) FROM plan_versions WHERE plan_id = 'fy2026'")" = 2 ] && ok "two plan versions" || not_ok "plan versions: $(q "$A" 'SELECT count(*) FROM plan_versions')"
contains "version reasons" "$(q "$A" "SELECT group_concat(reason, '|') FROM (SELECT reason FROM plan_versions ORDER BY version)")" "年初计划|Q4 上调"
v1=$(q "$A" "SELECT body FROM plan_versions WHERE version = 1")
v2=$(q "$A" "SELECT body FROM plan_versions WHERE version = 2")
contains "version 1: revenue 4900万" "$v1" "target: 49000000"
contains "version 1: Q4 1500万" "$v1" "target: 15000000"
contains "version 2: revenue 5000万" "$v2" "target: 50000000"
contains "version 2: Q4 1600万" "$v2" "target: 16000000"
printf '%s\n' "$v2" > "$WORK/v2.yaml"
expect_rc 0 "stored version 2 passes check" "$SP" check "$WORK/v2.yaml"

# ---- English ----
expect_rc 0 "demo --lang en" "$SP" --lang en demo --db "$WORK/en.db" -q
E=$WORK/en.db
contains "English rep names" "$(q "$E" "SELECT group_concat(name, ',') FROM (SELECT name FROM reps ORDER BY rep_id)")" "Wang Qiang,Li Na,Zhao Min,Chen Jie"
contains "English plan" "$(q "$E" "SELECT name FROM plans")" "2026 Annual Sales Plan"
between "English: qualified leads 2026 in East China / Manufacturing" \
  "$(q "$E" "SELECT count(*) FROM leads WHERE qualified = 1 AND region = 'East China' AND industry = 'Manufacturing' AND created_on >= '2026-01-01'")" 1800 2800
n=$(q "$E" "SELECT count(*) FROM customers WHERE name GLOB '*[^ -~]*' OR region GLOB '*[^ -~]*'")
[ "$n" = 0 ] && ok "English: customer names and regions are ASCII" || not_ok "English: $n customers with non-ASCII text"
contains "English reasons" "$(q "$E" "SELECT group_concat(reason, '|') FROM (SELECT reason FROM plan_versions ORDER BY version)")" "initial plan|raise Q4"
contains "English review text" "$(q "$E" "SELECT cause FROM reviews WHERE period = '2026-09'")" "Q3 revenue"

# ---- overwriting ----
expect_rc 1 "existing workspace without --force" "$SP" demo --db "$A"
contains "says to use --force" "$ERR" "--force"
[ "$(dump "$A" | md5sum)" = "$(dump "$WORK/b.db" | md5sum)" ] && ok "refused: data untouched" || not_ok "refused demo changed the data"
expect_rc 0 "--force replaces it" "$SP" --lang zh demo --db "$A" --force --seed 2 -q
[ "$(dump "$A" | md5sum)" = "$(dump "$WORK/c.db" | md5sum)" ] && ok "--force: the new seed's data" || not_ok "--force did not replace the data"
[ "$(q "$A" "SELECT count(*) FROM plan_versions")" = 2 ] && ok "--force: still two plan versions" || not_ok "--force: plan versions piled up"
expect_rc 0 "init makes an empty workspace" "$SP" init --db "$WORK/empty.db"
expect_rc 0 "demo fills an empty workspace" "$SP" demo --db "$WORK/empty.db" -q
printf 'not a database at all, just some text that is long enough\n%.0s' {1..200} > "$WORK/junk.db"
expect_rc 1 "a file that is not a workspace is refused" "$SP" demo --db "$WORK/junk.db" --force
[ -s "$WORK/junk.db" ] && ok "the other file is left alone" || not_ok "demo --force deleted a non-workspace file"
expect_rc 0 "default path (\$SALESPLAN_DB)" "$SP" demo -q
[ -s "$SALESPLAN_DB" ] && ok "created at \$SALESPLAN_DB" || not_ok "nothing at \$SALESPLAN_DB"

# ---- scale ----
expect_rc 0 "demo --scale 2" "$SP" demo --db "$WORK/s2.db" --scale 2 -q
c1=$(q "$A" "SELECT count(*) FROM activities"); c2=$(q "$WORK/s2.db" "SELECT count(*) FROM activities")
between "scale 2 doubles the activities" "$(python3 -c "print($c2 / $c1)")" 1.8 2.2
c1=$(q "$A" "SELECT count(*) FROM customers"); c2=$(q "$WORK/s2.db" "SELECT count(*) FROM customers")
between "scale 2 doubles the customers" "$(python3 -c "print($c2 / $c1)")" 1.7 2.3
rev2=$(q "$WORK/s2.db" "SELECT sum(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$D'")
[ "$rev2" = "$rev" ] && ok "scale 2 keeps revenue fitted to the plan" || not_ok "scale 2 revenue $rev2 vs $rev"

finish
