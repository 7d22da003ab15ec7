#!/usr/bin/env bash
# notify_sched.sh — `salesplan serve` sends the reminders on the daily
# schedule of each channel's `at:` (docs/NOTIFY.md "When it runs"), against
# the local fakes of notify.sh (tests/notify/fake_channels.py) and an SMTP
# sink (python3-aiosmtpd). The server's clock is the tests' clock
# ($SALESPLAN_TEST_CLOCK, running $SALESPLAN_TEST_CLOCK_SPEED times as fast),
# so 09:00 in Asia/Shanghai comes a few real seconds after start.
# The data: three reps; as of 2026-06-30 s02 林静 has two stale follow-ups
# (k2 20 days, escalated to the leader s01 周海; k1 10 days) and s03 何川 an
# overdue task: three owners with reminders, one message each per channel.
# Checked: nothing before 09:00; at 09:00 exactly one message per owner on
# each scheduled channel, none on the channel without `at:`; a second server
# on the same workspace sends nothing more; a server started after 09:00
# catches the day up at start-up; a new plan version's `at:` takes effect
# without a restart; SIGTERM during a send finishes that send, records it,
# starts nothing else, exits 0; the next start sends the rest; a channel
# without its secret is named once in the log and the others go out.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"

PY=/usr/bin/python3
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "1..0 # SKIP python3-aiosmtpd missing (make deps)"; exit 77; }
q() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$SALESPLAN_DB" "$@"; }
eq() { [ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got '$2', wanted '$3')"; }

export FAKE_FEISHU_SECRET=SECfeishu-sched FAKE_DING_SECRET=SECding-sched FAKE_HOOK_SECRET=hook-sched
$PY "$SRCDIR/tests/notify/fake_channels.py" "$WORK/http.port" "$WORK/http.log" & HTTP_PID=$!
$PY "$SRCDIR/tests/notify/smtp_sink.py" "$WORK/smtp.port" "$WORK/mail" & SMTP_PID=$!
SERVERS=""
trap 'kill $HTTP_PID $SMTP_PID $SERVERS 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/http.port" ] && [ -s "$WORK/smtp.port" ] && break; sleep 0.1; done
HP=$(cat "$WORK/http.port") SMP=$(cat "$WORK/smtp.port")
[ -n "$HP" ] && [ -n "$SMP" ] && ok "fakes listening" || { not_ok "fakes did not start"; finish; exit 1; }
touch "$WORK/http.log"
ctl() { $PY -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/_control" % sys.argv[1], sys.argv[2].encode()).read()' "$HP" "$1"; }

mkdir -p "$WORK/data"
printf '%s' "$FAKE_DING_SECRET" > "$WORK/ding.secret"
plan() { # plan DINGTALK_AT_KEY
cat <<EOF
plan:
  id: sched
  name: 兰亭食品2026销售计划
  period: 2026
  timezone: Asia/Shanghai
team:
  groups:
    - id: east
      name: 华东组
      members:
        - {id: s01, name: 周海, role: leader, email: zhou.hai@lanting.example, im_id: ou_s01}
        - {id: s02, name: 林静, role: rep, email: lin.jing@lanting.example, im_id: ou_s02}
        - {id: s03, name: 何川, role: rep, email: he.chuan@lanting.example}
tasks:
  - {id: visit-dist, name: 拜访渠道商, owner: s03, start: 2026-06-01, due: 2026-06-20}
alerts:
  stale_followup_days: 7
  escalate_after_days: 14
notify:
  - {kind: webhook, url: "http://127.0.0.1:$HP/hook/salesplan", secret_env: T_HOOK_SECRET, at: "09:00"}
  - {kind: feishu, url: "http://127.0.0.1:$HP/feishu/open-apis/bot/v2/hook/fs1", secret_env: T_FEISHU_SECRET, at: "09:00"}
  - {kind: dingtalk, url: "http://127.0.0.1:$HP/dingtalk/robot/send?access_token=dtok", secret_file: $WORK/ding.secret$1}
  - {kind: email, to_owner: true, at: "09:00"}
EOF
}
plan "" > "$WORK/plan.yaml"
notify_workspace

export T_FEISHU_SECRET=$FAKE_FEISHU_SECRET T_HOOK_SECRET=$FAKE_HOOK_SECRET
export SALESPLAN_SMTP_URL="smtp://127.0.0.1:$SMP" SALESPLAN_SMTP_FROM=salesplan@lanting.example SALESPLAN_SMTP_TLS=none
export SALESPLAN_NOTIFY_TIMEOUT=8 SALESPLAN_NOTIFY_CONNECT_TIMEOUT=1 SALESPLAN_NOTIFY_RETRIES=0
export SALESPLAN_NOTIFY_BACKOFF_MS=100 SALESPLAN_NOTIFY_PACE_MS=0
unset SALESPLAN_TODAY

# serve NAME CLOCK SPEED: starts a server on a free port with the tests'
# clock; its stdout/stderr in $WORK/NAME.out / .err, its pid in $SPID
serve() {
  SALESPLAN_TEST_CLOCK=$2 SALESPLAN_TEST_CLOCK_SPEED=$3 "$SP" serve --listen 127.0.0.1:0 \
    > "$WORK/$1.out" 2> "$WORK/$1.err" & SPID=$!
  SERVERS="$SERVERS $SPID"
  for _ in $(seq 100); do grep -q listening "$WORK/$1.out" 2>/dev/null && break; sleep 0.1; done
}
# wait_for DESC SECONDS 'CONDITION': polls until the shell text CONDITION holds
wait_for() {
  local d=$1 n=$2 c=$3
  for _ in $(seq $((n * 10))); do eval "$c" && { ok "$d"; return 0; }; sleep 0.1; done
  not_ok "$d (not within $n s)"; return 1
}
hits() { grep -c "\"kind\": \"$1\"" "$WORK/http.log"; }
mails() { ls "$WORK/mail"/*.eml 2>/dev/null | wc -l; }
sent() { q "SELECT count(*) FROM notify_log WHERE day = '$1' AND state = 'sent'"; }
has() { grep -q "$2" "$WORK/$1.err"; }
stop() { kill -TERM "$1"; wait "$1"; }

# ---- 1. a server started at 08:59 (clock 10× fast: 09:00 is 6 s away) ------------
serve a 2026-06-30T08:59:00+08:00 10
A=$SPID
sleep 2
eq "before 09:00: nothing sent" "$(wc -l < "$WORK/http.log")$(mails)" 00
wait_for "at 09:00: the webhook's three messages" 30 'test "$(hits hook)" = 3'
wait_for "… Feishu's three" 20 'test "$(hits feishu)" = 3'
wait_for "… and three e-mails" 20 'test "$(mails)" = 3'
wait_for "the server logs the run" 10 'has a "notify email 2026-06-30: 3 sent, 0 failed"'
sleep 2
eq "exactly one message per owner and channel" "$(hits hook) $(hits feishu) $(mails)" "3 3 3"
eq "DingTalk has no at: — the server does not send it" "$(hits dingtalk)" 0
has a "dingtalk has no at: (not sent by the server)" && ok "… and says so at start" || not_ok "no word about dingtalk"
eq "notify_log: 9 sent for 2026-06-30" "$(sent 2026-06-30)" 9
$PY - "$WORK/http.log" > "$WORK/check.out" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
hook = sorted(r['body']['recipient']['id'] for r in log if r['kind'] == 'hook')
print(('ok' if hook == ['s01', 's02', 's03'] else 'FAIL') + ' webhook: one to each owner ' + ' '.join(hook))
print(('ok' if all(r['sig_ok'] for r in log) else 'FAIL') + ' every request signed')
days = sorted({r['body']['day'] for r in log if r['kind'] == 'hook'})
print(('ok' if days == ['2026-06-30'] else 'FAIL') + ' for the day of the clock in Asia/Shanghai: ' + ' '.join(days))
s02 = [r['body'] for r in log if r['kind'] == 'hook' and r['body']['recipient']['id'] == 's02'][0]
print(('ok' if s02['reminders'] == ['stale_followup:k2', 'stale_followup:k1'] else 'FAIL') + ' s02 gets her two stale follow-ups, stalest first')
EOF
while read -r st what; do [ "$st" = ok ] && ok "$what" || not_ok "$what"; done < "$WORK/check.out"

# ---- 2. a second server on the same workspace sends nothing more ------------------
serve b 2026-06-30T09:30:00+08:00 10
B=$SPID
wait_for "the second server ran the day's channels" 20 'has b "notify email 2026-06-30: 0 sent, 0 failed, 3 already sent"'
has b "notify webhook 2026-06-30: 0 sent, 0 failed, 3 already sent" && ok "… found the webhook's sent" || not_ok "second server webhook line"
eq "… and sent nothing" "$(wc -l < "$WORK/http.log") $(mails)" "6 3"
stop $B; eq "second server: exit 0 on SIGTERM" "$?" 0
stop $A; eq "first server: exit 0 on SIGTERM" "$?" 0
expect_rc 0 "a CLI run the same day" "$SP" notify --as-of 2026-06-30 --channel webhook
contains "… sends nothing the server sent" "$OUT" "0 sent, 0 failed, 3 already sent"

# ---- 3. started after 09:00: the day is caught up at start-up ---------------------
# (clock 60× fast: a minute a second)
serve c 2026-07-01T10:20:00+08:00 60
C=$SPID
wait_for "a server started at 10:20 sends the 09:00 reminders at once" 20 'test "$(sent 2026-07-01)" = 9'
eq "… each once" "$(hits hook) $(hits feishu) $(mails)" "6 6 6"
# ---- 4. a new plan version takes effect without a restart -------------------------
plan ', at: "10:40"' > "$WORK/plan2.yaml"
expect_rc 0 "plan v2: DingTalk at 10:40" "$SP" plan import "$WORK/plan2.yaml"
eq "DingTalk not yet" "$(hits dingtalk)" 0
wait_for "DingTalk's three at 10:40 of the running server" 60 'test "$(hits dingtalk)" = 3'
stop $C; eq "exit 0" "$?" 0

# ---- 5. SIGTERM while a message is being sent -------------------------------------
: > "$WORK/http.log"
ctl '{"hook": "timeoutx1"}'            # the webhook answers its next request after 5 s
serve d 2026-07-02T10:00:00+08:00 60
D=$SPID
wait_for "the first webhook request is in flight" 20 'test "$(hits hook)" = 1'
t0=$(date +%s.%N)
kill -TERM $D; wait $D; rc=$?
t1=$(date +%s.%N)
eq "SIGTERM during a send: exit 0" "$rc" 0
$PY -c "import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) > 2 else 1)" "$t0" "$t1" \
  && ok "… after the send in flight finished" || not_ok "exited before the send finished"
eq "the message in flight is recorded as sent" "$(q "SELECT count(*) FROM notify_log WHERE day = '2026-07-02' AND state = 'sent'")" 1
eq "nothing else was started or left claimed" "$(q "SELECT count(*) FROM notify_log WHERE day = '2026-07-02'")" 1
eq "… nothing else reached the channels" "$(wc -l < "$WORK/http.log")" 1
has d "stopped: the rest is left for the next run" && ok "the log says the rest waits" || not_ok "no stop line"
serve e 2026-07-02T11:00:00+08:00 60
E=$SPID
wait_for "the next start sends the rest of the day" 30 'test "$(sent 2026-07-02)" = 12'
sleep 1
eq "… each message once" "$(hits hook) $(hits feishu) $(hits dingtalk)" "3 3 3"
stop $E
eq "no message twice over the days" "$(q "SELECT count(*) FROM (SELECT day, channel, recipient FROM notify_log GROUP BY 1, 2, 3 HAVING count(*) > 1)")" 0

# ---- 5b. a channel that cannot send is named once, the others go out -------------
: > "$WORK/http.log"
T_FEISHU_SECRET= serve h 2026-07-04T10:00:00+08:00 60
H=$SPID
wait_for "without its secret Feishu is named in the log" 20 'has h "notify feishu 2026-07-04: not sent: the secret is missing: \$T_FEISHU_SECRET is not set"'
wait_for "… the other channels still go out" 20 'test "$(hits hook)" = 3'
sleep 1
stop $H
eq "… Feishu sent nothing and claimed nothing" "$(hits feishu) $(q "SELECT count(*) FROM notify_log WHERE day = '2026-07-04' AND channel = 'feishu'")" "0 0"
eq "… said once" "$(grep -c 'not sent: the secret is missing' "$WORK/h.err")" 1

# ---- 6. the test clock is refused when malformed; --no-notify sends nothing ---------
SALESPLAN_TEST_CLOCK=tomorrow "$SP" serve --listen 127.0.0.1:0 > "$WORK/f.out" 2> "$WORK/f.err" & F=$!
SERVERS="$SERVERS $F"
for _ in $(seq 50); do grep -q listening "$WORK/f.out" && break; sleep 0.1; done
sleep 0.5
grep -q "SALESPLAN_TEST_CLOCK" "$WORK/f.err" && ok "a malformed test clock is reported" || not_ok "no word about the test clock"
kill -TERM $F; wait $F
SALESPLAN_TEST_CLOCK=2026-07-03T10:00:00+08:00 "$SP" serve --no-notify --listen 127.0.0.1:0 > "$WORK/g.out" 2> "$WORK/g.err" & G=$!
SERVERS="$SERVERS $G"
for _ in $(seq 50); do grep -q listening "$WORK/g.out" && break; sleep 0.1; done
sleep 2
kill -TERM $G; wait $G
eq "--no-notify: nothing sent" "$(q "SELECT count(*) FROM notify_log WHERE day = '2026-07-03'")" 0

finish
