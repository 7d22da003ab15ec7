#!/usr/bin/env bash
# activity.sh — `salesplan activity add` (the app verb app_activity_add):
# logging a visit for a customer with a stale follow-up stores one
# activity (checked in plain SQL: id, rep, customer, day, kind) and the
# alert is gone from the next `alerts`; unknown customers, reps, kinds and
# days after today are refused and nothing is written.
. "$(dirname "$0")/lib.sh"
export SALESPLAN_TODAY=2026-06-15
check "demo workspace" "$SP" --lang en demo --quiet --as-of 2026-06-15

acts() { sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM activities"; }
before=$(acts)

expect_rc 0 "alerts --format json" "$SP" alerts --kind stale_followup --format json
read -r cust owner < <(python3 -c '
import json, sys
a = [x for x in json.loads(sys.argv[1])["alerts"] if x["kind"] == "stale_followup"]
print(a[0]["customer_id"], a[0]["owner"])' "$OUT")
[ -n "$cust" ] && ok "a stale follow-up to answer: $cust ($owner)" || not_ok "no stale follow-up in the demo"

expect_rc 0 "activity add (a visit, today, by the owner)" "$SP" activity add "$cust"
contains "the id is printed" "$OUT" "recorded"
id=$(printf '%s' "$OUT" | sed -n 's/^activity \([^ ]*\) recorded.*/\1/p')
row=$(sqlite3 "$SALESPLAN_DB" "SELECT rep_id || '|' || customer_id || '|' || occurred_on || '|' || kind FROM activities WHERE activity_id = '$id'")
[ "$row" = "$owner|$cust|2026-06-15|visit" ] && ok "stored: $row" || not_ok "stored row '$row' for id '$id'"
[ "$(acts)" = $((before + 1)) ] && ok "exactly one activity more" || not_ok "activities: $before -> $(acts)"

expect_rc 0 "alerts after the visit" "$SP" alerts --kind stale_followup --format json
python3 -c '
import json, sys
a = json.loads(sys.argv[1])["alerts"]
assert all(x["customer_id"] != sys.argv[2] for x in a), a' "$OUT" "$cust" \
  && ok "the stale follow-up of $cust is gone" || not_ok "the stale follow-up of $cust is still there"

# a call on an earlier day by another rep, with its own id; the same id again replaces it
expect_rc 0 "activity add --kind call --on --rep --id" "$SP" activity add "$cust" --kind call --on 2026-06-01 --rep r002 --id call-1
row=$(sqlite3 "$SALESPLAN_DB" "SELECT rep_id || '|' || occurred_on || '|' || kind FROM activities WHERE activity_id = 'call-1'")
[ "$row" = "r002|2026-06-01|call" ] && ok "stored: $row" || not_ok "stored row '$row'"
expect_rc 0 "the same id again" "$SP" activity add "$cust" --kind meeting --on 2026-06-02 --id call-1
[ "$(acts)" = $((before + 2)) ] && ok "an existing id is replaced, not added" || not_ok "activities: $(acts)"

n=$(acts)
expect_rc 1 "unknown customer" "$SP" activity add no-such-customer
contains "says which" "$ERR" "no customer 'no-such-customer'"
expect_rc 2 "a day after today" "$SP" activity add "$cust" --on 2026-06-16
contains "says why" "$ERR" "after today"
expect_rc 2 "unknown kind" "$SP" activity add "$cust" --kind lunch
expect_rc 2 "unknown rep" "$SP" activity add "$cust" --rep r999
expect_rc 2 "no customer given" "$SP" activity add
expect_rc 2 "bad date" "$SP" activity add "$cust" --on 2026-13-01
[ "$(acts)" = "$n" ] && ok "nothing written by the refused ones" || not_ok "activities: $n -> $(acts)"
expect_rc 1 "in Chinese" "$SP" --lang zh activity add no-such-customer
contains "message in Chinese" "$ERR" "没有客户 'no-such-customer'"
finish
