#!/usr/bin/env bash
# ics.sh — `salesplan ics OWNER`: the owner's task deadlines, milestones and
# strategic reviews due as all-day VEVENTs, read back by an independent
# parser (python3-icalendar, Debian). The workspace is its own small company
# (青禾农机, as of 2026-09-30), the expected events worked out by hand:
#   s02 owns task demo-day (due 2026-10-15, a milestone) and task 报价单 (due
#   2026-10-08, a long Chinese name with ',' and ';' to escape and fold);
#   customer m1 (won 150万 on 2026-03-01 → strategic, review every 30 days)
#   was last visited 2026-08-01 → its review fell due 2026-08-31.
#   s03 owns task train (2026-11-02), not s02's.
# Checked: CRLF, every line at most 75 octets and each a whole UTF-8 text,
# the parser's view of every event, identical bytes on a second run and with
# -o, stable UIDs and SEQUENCE counting the moves of a date across plan
# versions.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
$PY -c 'import icalendar' 2>/dev/null || { echo "1..0 # SKIP python3-icalendar missing (make deps)"; exit 77; }
eq() { [ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got '$2', wanted '$3')"; }
D=2026-09-30

plan() { # plan DUE_OF_QUOTE DUE_OF_DEMO
cat > "$WORK/plan.yaml" <<EOF
plan:
  id: qinghe
  name: 青禾农机2026计划
  period: 2026
team:
  groups:
    - id: north
      name: 华北组
      members:
        - {id: s01, name: 马骏, role: leader}
        - {id: s02, name: 田甜, role: rep}
        - {id: s03, name: 吴宇, role: rep}
tasks:
  - {id: quote, name: "为河北丰收合作社准备2027年度联合收割机与播种机的报价单, 含分期方案; 附维保条款", owner: s02, start: 2026-09-01, due: $1, deliverable: 报价单}
  - {id: demo-day, name: 田间演示日, owner: s02, start: 2026-09-01, due: $2, milestone: true}
  - {id: train, name: 经销商培训, owner: s03, start: 2026-10-01, due: 2026-11-02}
tiers:
  - {id: strategic, name: 战略客户, min: 100万, review_every_days: 30}
  - {id: potential, name: 潜力客户, min: 0}
EOF
}
plan 2026-10-08 2026-10-15
printf 'rep_id,name,team,role\ns01,马骏,north,leader\ns02,田甜,north,rep\ns03,吴宇,north,rep\n' > "$WORK/reps.csv"
printf 'customer_id,name,owner_rep_id\nm1,河北丰收农机合作社,s02\n' > "$WORK/customers.csv"
printf 'deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount\nw1,m1,s02,2026-01-10,2026-03-01,won,1500000\n' > "$WORK/deals.csv"
printf 'activity_id,occurred_on,rep_id,customer_id,kind\nv1,2026-08-01,s02,m1,visit\n' > "$WORK/activities.csv"
expect_rc 0 "init" "$SP" init
expect_rc 0 "plan import" "$SP" plan import "$WORK/plan.yaml"
for t in reps customers deals activities; do expect_rc 0 "import $t" "$SP" import $t "$WORK/$t.csv"; done

expect_rc 0 "ics s02" "$SP" --lang zh ics s02 --as-of $D
"$SP" --lang zh ics s02 --as-of $D > "$WORK/a.ics"
"$SP" --lang zh ics s02 --as-of $D > "$WORK/b.ics"
cmp -s "$WORK/a.ics" "$WORK/b.ics" && ok "the same feed twice: identical bytes" || not_ok "two runs differ"
expect_rc 0 "ics -o FILE" "$SP" --lang zh ics s02 --as-of $D -o "$WORK/c.ics"
cmp -s "$WORK/a.ics" "$WORK/c.ics" && ok "-o writes the same bytes" || not_ok "-o differs"

check() { # check FILE EXPECTED-JSON: the feed read by python3-icalendar
$PY - "$1" "$2" <<'EOF'
import json, sys
import icalendar
raw = open(sys.argv[1], 'rb').read()
want = json.loads(sys.argv[2])
def out(ok, what): print(('ok ' if ok else 'FAIL ') + what)
lines = raw.split(b'\r\n')
out(raw.endswith(b'\r\n') and b'\n' not in raw.replace(b'\r\n', b''), 'CRLF line ends only')
out(all(len(l) <= 75 for l in lines), 'every line at most 75 octets (longest %d)' % max(len(l) for l in lines))
try:
    for l in lines: l.decode('utf-8')
    out(True, 'folding never splits a UTF-8 character')
except UnicodeDecodeError:
    out(False, 'folding never splits a UTF-8 character')
out(any(l.startswith(b' ') for l in lines), 'long lines are folded')
cal = icalendar.Calendar.from_ical(raw)
out(str(cal.get('VERSION')) == '2.0' and cal.get('PRODID') is not None, 'VERSION and PRODID')
evs = [c for c in cal.walk('VEVENT')]
out(not list(cal.walk('VTODO')), 'no VTODO')
got = {str(e['UID']): [e['DTSTART'].dt.isoformat(), e['DTEND'].dt.isoformat(), int(e['SEQUENCE']), str(e['SUMMARY'])]
       for e in evs}
out(got == want, 'events as expected: %s' % json.dumps(got, ensure_ascii=False))
out(all(e['DTSTART'].params.get('VALUE') == 'DATE' and e.get('DTSTAMP') is not None for e in evs),
    'all-day (VALUE=DATE), with DTSTAMP')
EOF
}
Q='为河北丰收合作社准备2027年度联合收割机与播种机的报价单, 含分期方案; 附维保条款'
want() { # want QUOTE_DUE QUOTE_END QUOTE_SEQ DEMO_DUE DEMO_END DEMO_SEQ
cat <<EOF
{"task-quote@qinghe.salesplan": ["$1", "$2", $3, "截止：$Q"],
 "task-demo-day@qinghe.salesplan": ["$4", "$5", $6, "里程碑：田间演示日"],
 "review-m1-20260801@qinghe.salesplan": ["2026-08-31", "2026-09-01", 0, "战略客户待复盘：河北丰收农机合作社"]}
EOF
}
check "$WORK/a.ics" "$(want 2026-10-08 2026-10-09 0 2026-10-15 2026-10-16 0)" > "$WORK/chk"
while read -r st what; do [ "$st" = ok ] && ok "$what" || not_ok "$what"; done < "$WORK/chk"
grep -q 'SUMMARY:截止：为河北.*\\,.*\\;' <("$SP" --lang zh ics s02 --as-of $D | tr -d '\r' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g') \
  && ok "',' and ';' escaped" || not_ok "',' and ';' not escaped"

# a date moves: the same UID, SEQUENCE 1; the task that did not move stays 0
plan 2026-10-12 2026-10-15
expect_rc 0 "plan import (quote moved)" "$SP" plan import "$WORK/plan.yaml"
"$SP" --lang zh ics s02 --as-of $D > "$WORK/d.ics"
check "$WORK/d.ics" "$(want 2026-10-12 2026-10-13 1 2026-10-15 2026-10-16 0)" > "$WORK/chk"
while read -r st what; do [ "$st" = ok ] && ok "moved once: $what" || not_ok "moved once: $what"; done < "$WORK/chk"
plan 2026-10-12 2026-10-20
expect_rc 0 "plan import (demo moved)" "$SP" plan import "$WORK/plan.yaml"
plan 2026-10-09 2026-10-20
expect_rc 0 "plan import (quote moved again)" "$SP" plan import "$WORK/plan.yaml"
"$SP" --lang zh ics s02 --as-of $D > "$WORK/e.ics"
check "$WORK/e.ics" "$(want 2026-10-09 2026-10-10 2 2026-10-20 2026-10-21 1)" > "$WORK/chk"
while read -r st what; do [ "$st" = ok ] && ok "moved again: $what" || not_ok "moved again: $what"; done < "$WORK/chk"

# s03 sees only their own task; an unknown owner is an error
"$SP" --lang en ics s03 --as-of $D > "$WORK/f.ics"
eq "s03: one event" "$(grep -c '^BEGIN:VEVENT' "$WORK/f.ics")" 1
grep -q '^SUMMARY:Due: 经销商培训' "$WORK/f.ics" && ok "English summary" || not_ok "English summary"
expect_rc 1 "unknown owner" "$SP" ics nobody --as-of $D
contains "… says so" "$ERR" "unknown owner 'nobody'"
expect_rc 2 "no owner: usage" "$SP" ics

finish
