#!/usr/bin/env bash
# alerts_many.sh — stale follow-ups by the thousand (their JSON is written
# in chunks, their order sorted through indexes): every customer with a deal
# open on D whose last activity (or, without one, the open deal) is more
# than 7 days old, counted and listed against plain SQL in the sqlite3 CLI,
# stalest first, ties by customer id; from the snapshot and from SQLite.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }

python3 - "$WORK" <<'PY'
import random, sys, datetime as dt
w = sys.argv[1]
rnd = random.Random(88)
def day(a, b):
    a, b = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return (a + dt.timedelta(days=rnd.randint(0, (b - a).days))).isoformat()
with open(w + "/reps.csv", "w") as f:
    f.write("rep_id,name,team,role,region,industry,active\n")
    for i in range(1, 6): f.write("r%d,销售%d,t,rep,华东,零售,1\n" % (i, i))
n = 3000
with open(w + "/customers.csv", "w") as f:
    f.write("customer_id,name,region,industry,size,owner_rep_id,created_on\n")
    for i in range(n): f.write("c%05d,客户%d,华东,零售,small,r%d,2025-01-01\n" % (i, i, i % 5 + 1))
with open(w + "/deals.csv", "w") as f:
    f.write("deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount\n")
    for i in range(n * 2):
        c = rnd.randrange(n)
        created = day("2025-06-01", "2026-12-31")      # some after D
        stage = rnd.choice(["open", "open", "won", "lost"])
        closed = "" if stage == "open" else day(created, "2027-03-01")  # some closed after D
        f.write("d%05d,c%05d,r%d,MES,%s,%s,%s,%d.00\n" % (i, c, c % 5 + 1, created, closed, stage, rnd.randint(1, 900000)))
with open(w + "/activities.csv", "w") as f:
    f.write("activity_id,occurred_on,rep_id,customer_id,kind\n")
    for i in range(n * 3):
        c = rnd.randrange(n * 4 // 5)                   # a fifth of the customers: no activity
        f.write("a%05d,%s,r%d,c%05d,%s\n" % (i, day("2026-06-01", "2026-12-31"), c % 5 + 1, c, rnd.choice(["visit", "call"])))
PY
check "init" "$SP" init
for t in reps customers deals activities; do check "import $t" "$SP" import "$t" "$WORK/$t.csv"; done

D=2026-11-26
sqlite3 -batch -csv "$SALESPLAN_DB" "
WITH open_c AS (
  SELECT customer_id, min(created_on) AS since FROM deals
  WHERE created_on <= '$D' AND (stage = 'open' OR closed_on > '$D') GROUP BY customer_id),
last AS (SELECT customer_id, max(occurred_on) AS t FROM activities WHERE occurred_on <= '$D' GROUP BY customer_id)
SELECT customer_id, CAST(julianday('$D') - julianday(coalesce(last.t, open_c.since)) AS INTEGER) AS days
FROM open_c LEFT JOIN last USING (customer_id)
WHERE julianday('$D') - julianday(coalesce(last.t, open_c.since)) > 7
ORDER BY days DESC, customer_id" >"$WORK/want.csv"
for mode in auto off; do
  if [ $mode = off ]; then export SALESPLAN_SNAPSHOT=off; else unset SALESPLAN_SNAPSHOT; fi
  "$SP" alerts --kind stale_followup --as-of $D --format json >"$WORK/got.json" 2>"$WORK/err" &&
    ok "alerts json ($mode)" || not_ok "alerts json ($mode): $(head -3 "$WORK/err")"
  if python3 - "$WORK/got.json" "$WORK/want.csv" <<'PY'
import csv, json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(raw)
got = [(a["customer_id"], a["days"]) for a in d["alerts"]]
want = [(r[0], int(r[1])) for r in csv.reader(open(sys.argv[2]))]
assert len(raw) > 3 * 65536, "want a JSON of several chunks, got %d bytes" % len(raw)
assert d["counts"]["stale_followup"] == len(want), (d["counts"], len(want))
assert got == want, "first difference at %s" % next((i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w)
PY
  then ok "stale follow-ups = SQL, stalest first, ties by id ($mode)"; else not_ok "stale follow-ups = SQL ($mode)"; fi
done
unset SALESPLAN_SNAPSHOT
finish
