#!/usr/bin/env bash
# notify_weekly.sh — two parts of `salesplan notify` (docs/NOTIFY.md):
# - the weekly pack's summary on a channel's `weekly_pack:` weekday, to the
#   plan's leaders and managers: once to a group channel (everyone of them
#   @-mentioned), to each of them by e-mail (to_owner);
# - per-owner e-mail addresses from the reps table (the `email` column, here
#   a GBK CSV with the header 邮箱) when the plan's team gives none.
# Against the local fakes of notify.sh (tests/notify/fake_channels.py) and an
# SMTP sink (python3-aiosmtpd). The company: 王总 m01 (manager, e-mail only
# in the plan), 周海 s01 (leader, e-mail only in the reps CSV), 林静 s02 (rep,
# e-mail only in the reps CSV), 何川 s03 (rep, e-mail in the plan). Monday
# 2026-06-29: the pack is that of 2026-W26 (06-22..06-28), as of 06-28.
# Worked out by hand from the rows below:
#   won in W26: d4 120,000 (06-24); in W25: d7 90,000 (06-17)
#   new in W26: d5 (06-23); lost in W26: d6 20,000 (06-25)
#   revenue 2026 to 06-28: 210,000 of 5,000,000 = 4.2 %; deals won 2 of 40 = 5.0 %
#   stale as of 06-28 (> 7 days): k2 (last 06-10: 18 days), k1 (06-20: 8 days): 林静 2
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "1..0 # SKIP python3-aiosmtpd missing (make deps)"; exit 77; }
q() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$SALESPLAN_DB" "$@"; }
eq() { [ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got '$2', wanted '$3')"; }

export FAKE_FEISHU_SECRET=SECfeishu-weekly FAKE_HOOK_SECRET=hook-weekly
$PY "$SRCDIR/tests/notify/fake_channels.py" "$WORK/http.port" "$WORK/http.log" & HTTP_PID=$!
$PY "$SRCDIR/tests/notify/smtp_sink.py" "$WORK/smtp.port" "$WORK/mail" & SMTP_PID=$!
trap 'kill $HTTP_PID $SMTP_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/http.port" ] && [ -s "$WORK/smtp.port" ] && break; sleep 0.1; done
HP=$(cat "$WORK/http.port") SMP=$(cat "$WORK/smtp.port")
[ -n "$HP" ] && [ -n "$SMP" ] && ok "fakes listening" || { not_ok "fakes did not start"; finish; exit 1; }
touch "$WORK/http.log"

cat > "$WORK/plan.yaml" <<EOF
plan:
  id: weekly
  name: 兰亭食品2026销售计划
  period: 2026
  timezone: Asia/Shanghai
team:
  groups:
    - id: east
      name: 华东组
      members:
        - {id: m01, name: 王总, role: manager, email: boss@lanting.example, im_id: ou_m01}
        - {id: s01, name: 周海, role: leader, im_id: ou_s01}
        - {id: s02, name: 林静, role: rep}
        - {id: s03, name: 何川, role: rep, email: he.chuan@lanting.example}
goals:
  - {id: revenue, name: 年度营收, type: result, metric: revenue, target: 500万, period: 2026, owner: m01}
  - {id: won-deals, name: 赢单数, type: result, metric: deals_won, target: 40, period: 2026, owner: s01}
alerts:
  stale_followup_days: 7
  escalate_after_days: 14
notify:
  - {kind: webhook, url: "http://127.0.0.1:$HP/hook/salesplan", secret_env: T_HOOK_SECRET, weekly_pack: monday}
  - {kind: feishu, url: "http://127.0.0.1:$HP/feishu/open-apis/bot/v2/hook/fs1", secret_env: T_FEISHU_SECRET, weekly_pack: 周一}
  - {kind: email, to_owner: true, weekly_pack: 星期一}
EOF
# the reps table as Excel on a Chinese Windows saves it: GBK, Chinese headers
$PY - "$WORK/reps.csv" <<'EOF'
import sys
rows = ("工号,姓名,团队,角色,邮箱\r\n"
        "s01,周海,华东组,leader,zhou.hai@lanting.example\r\n"
        "s02,林静,华东组,rep,lin.jing@lanting.example\r\n"
        "s03,何川,华东组,rep,\r\n"
        "m01,王总,,manager,\r\n")
open(sys.argv[1], 'wb').write(rows.encode('gbk'))
EOF
cat > "$WORK/customers.csv" <<'EOF'
customer_id,name,owner_rep_id,created_on
k1,苏州味达食品有限公司,s02,2025-01-01
k2,无锡禾丰超市,s02,2025-01-01
k3,常州鲜之源贸易,s03,2025-01-01
EOF
cat > "$WORK/deals.csv" <<'EOF'
deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount
d1,k1,s02,2026-05-01,,open,100000
d2,k2,s02,2026-05-01,,open,50000
d3,k3,s03,2026-05-01,,open,80000
d4,k3,s03,2026-03-01,2026-06-24,won,120000
d5,k1,s02,2026-06-23,,open,30000
d6,k2,s02,2026-04-01,2026-06-25,lost,20000
d7,k3,s03,2026-02-01,2026-06-17,won,90000
EOF
cat > "$WORK/activities.csv" <<'EOF'
activity_id,occurred_on,rep_id,customer_id,kind
a1,2026-06-20,s02,k1,call
a2,2026-06-10,s02,k2,visit
a3,2026-06-28,s03,k3,visit
EOF
expect_rc 0 "init" "$SP" init
expect_rc 0 "plan import (weekly_pack: monday, 周一, 星期一)" "$SP" plan import "$WORK/plan.yaml"
for t in reps customers deals activities; do expect_rc 0 "import $t" "$SP" import "$t" "$WORK/$t.csv"; done

# ---- 1. the reps' e-mail column (schema 8), from a GBK header 邮箱 --------------
eq "the reps table has an email column" "$(q "SELECT count(*) FROM pragma_table_info('reps') WHERE name = 'email'")" 1
eq "邮箱 read into it (GBK)" "$(q "SELECT group_concat(rep_id || '=' || coalesce(email, ''), ' ') FROM (SELECT * FROM reps ORDER BY rep_id)")" \
   "m01= s01=zhou.hai@lanting.example s02=lin.jing@lanting.example s03="
printf 'rep_id,name,E-mail\nx1,张三,zhang@lanting.example\n' > "$WORK/reps2.csv"
expect_rc 0 "the header E-mail is the same column" "$SP" import reps "$WORK/reps2.csv"
eq "… stored" "$(q "SELECT email FROM reps WHERE rep_id = 'x1'")" "zhang@lanting.example"
q "DELETE FROM reps WHERE rep_id = 'x1'"

# ---- 2. Monday: the daily reminders and the weekly pack -------------------------
export T_FEISHU_SECRET=$FAKE_FEISHU_SECRET T_HOOK_SECRET=$FAKE_HOOK_SECRET
export SALESPLAN_SMTP_URL="smtp://127.0.0.1:$SMP" SALESPLAN_SMTP_FROM=salesplan@lanting.example SALESPLAN_SMTP_TLS=none
export SALESPLAN_NOTIFY_TIMEOUT=5 SALESPLAN_NOTIFY_CONNECT_TIMEOUT=1 SALESPLAN_NOTIFY_RETRIES=0 SALESPLAN_NOTIFY_PACE_MS=0
expect_rc 0 "notify on Monday 2026-06-29" "$SP" notify --as-of 2026-06-29 --base-url http://crm.lanting.example:8080
contains "the weekly pack is named in the outcome" "$OUT" "weekly pack 2026-W26"
# daily: m01, s01, s02 have alerts (s03 none) → 3 per channel; weekly: 1 per group channel, 2 e-mails
contains "13 messages sent" "$OUT" "13 sent, 0 failed"

cat > "$WORK/expected.txt" <<'EOF'
目标（2）：偏离 2
进度落后（2）
1. 年度营收：偏离，累计完成目标的 4.2%；本周 12万，上周 9万
2. 赢单数：偏离，累计完成目标的 5.0%；本周 1，上周 1
本周商机：赢单 1 个（12万），新增 1 个，丢单 1 个（2万）
截至 2026-06-28 跟进停滞：2
1. 林静：2 个，最久 18 天
本周 2026-W26（2026-06-22..2026-06-28），上周 2026-W25。
详情：http://crm.lanting.example:8080/
EOF
$PY - "$WORK/http.log" "$WORK/expected.txt" "$WORK/mail" > "$WORK/check.out" <<'EOF'
import email, email.header, email.policy, glob, json, os, sys
log = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
text = open(sys.argv[2], encoding='utf-8').read()
title = '周报 2026-W26：兰亭食品2026销售计划'
def out(ok, what): print(('ok ' if ok else 'FAIL ') + what)
hook = [r['body'] for r in log if r['kind'] == 'hook']
weekly = [b for b in hook if b.get('weekly_pack')]
out(len(hook) == 4 and len(weekly) == 1, 'webhook: 3 daily messages and 1 weekly pack (%d, %d)' % (len(hook), len(weekly)))
if weekly:
    w = weekly[0]
    out(w['weekly_pack'] == '2026-W26' and w['title'] == title, 'webhook: the pack of 2026-W26, titled ' + w['title'])
    out(w['text'] == text, 'webhook: the summary is exactly the hand-worked one')
    if w['text'] != text:
        print('FAIL got: ' + repr(w['text']))
    out(w['recipient']['id'] == 'team' and w['reminders'] == ['weekly_pack:2026-W26'], 'webhook: to the team')
out(all('weekly_pack' not in b for b in hook if b not in weekly), 'webhook: daily messages carry no weekly_pack')
fs = [r['body']['content']['text'] for r in log if r['kind'] == 'feishu']
fw = [t for t in fs if title in t]
out(len(fs) == 4 and len(fw) == 1, 'feishu: 3 daily messages and 1 weekly pack')
if fw:
    out(fw[0] == '<at user_id="ou_m01">王总</at> <at user_id="ou_s01">周海</at> ' + title + '\n\n' + text,
        'feishu: the pack @-mentions the manager and the leader')
out(all(r['sig_ok'] for r in log), 'every request signed')
# e-mail: daily to m01 (plan), s01 and s02 (reps table); the pack to m01 and s01
got = []
for f in sorted(glob.glob(os.path.join(sys.argv[3], '*.eml'))):
    env = json.load(open(f[:-4] + '.json'))
    msg = email.message_from_bytes(open(f, 'rb').read(), policy=email.policy.default)
    subj = str(email.header.make_header(email.header.decode_header(msg['Subject'])))
    body = msg.get_content().replace('\r\n', '\n')
    got.append((env['rcpt'][0], 'weekly' if subj == title else 'daily', body == text if subj == title else True))
got.sort()
want = sorted([('boss@lanting.example', 'daily', True), ('zhou.hai@lanting.example', 'daily', True),
               ('lin.jing@lanting.example', 'daily', True), ('boss@lanting.example', 'weekly', True),
               ('zhou.hai@lanting.example', 'weekly', True)])
out(got == want, 'smtp: daily to 王总, 周海 and 林静 (the last two at the reps table address), the pack to 王总 and 周海: %r' % got)
EOF
while read -r st what; do [ "$st" = ok ] && ok "$what" || not_ok "$what"; done < "$WORK/check.out"

# the summary's figures are the weekly pack's own (report --period 2026-W26)
expect_rc 0 "the weekly pack" "$SP" report --period 2026-W26 --as-of 2026-06-29
contains "… has 林静 with 2 stale follow-ups, the stalest 18 days" "$OUT" "| 林静 | 2 | 18 |"
contains "… and 赢单数 1 this week, 1 the week before" "$OUT" "| won-deals | 赢单数 | 1 | 1 | 1 |"
eq "SQL: deals won in W26" "$(q "SELECT count(*) || ' ' || sum(amount) FROM deals WHERE stage = 'won' AND closed_on BETWEEN '2026-06-22' AND '2026-06-28'")" "1 12000000"
eq "notify_log: the pack under its own key" "$(q "SELECT group_concat(channel || ':' || recipient, ' ') FROM (SELECT * FROM notify_log WHERE channel LIKE '%/weekly' ORDER BY channel, recipient)")" \
   "email/weekly:m01 email/weekly:s01 feishu/weekly:team webhook/weekly:team"

# ---- 3. never twice; not on other days ------------------------------------------
before=$(wc -l < "$WORK/http.log")
expect_rc 0 "a second run on Monday" "$SP" notify --as-of 2026-06-29
contains "… sends nothing" "$OUT" "0 sent, 0 failed, 13 already sent"
eq "… no request" "$(wc -l < "$WORK/http.log")" "$before"
expect_rc 0 "Tuesday: dry run" "$SP" notify --dry-run --as-of 2026-06-30 --format json
eq "… no weekly pack on Tuesday" "$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin)["messages"] if m["weekly_pack"]))')" 0

# ---- 4. a member with no address anywhere is reported, naming both places --------
sed 's/, email: boss@lanting.example//' "$WORK/plan.yaml" > "$WORK/plan2.yaml"
expect_rc 0 "plan v2: 王总 without an e-mail" "$SP" plan import "$WORK/plan2.yaml"
expect_rc 1 "notify fails for him" "$SP" notify --as-of 2026-07-06 --channel email
contains "… saying where an address can come from" "$OUT" "m01 has no e-mail address: give the member an email: in the plan's team, or the rep an email column in the reps table"

# ---- 5. check refuses a weekday it does not know -----------------------------------
sed 's/weekly_pack: monday/weekly_pack: someday/' "$WORK/plan.yaml" > "$WORK/bad.yaml"
expect_rc 1 "check: weekly_pack must be a weekday" "$SP" check "$WORK/bad.yaml"
contains "… at the key" "$OUT$ERR" "weekly_pack"

finish
