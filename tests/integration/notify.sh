#!/usr/bin/env bash
# notify.sh — `salesplan notify` end to end against local fakes of every
# channel (tests/notify/fake_channels.py: Feishu, DingTalk, WeCom, Slack, a
# JSON webhook, checking signatures and answering with each service's own
# success and error shapes) and an SMTP sink (tests/notify/smtp_sink.py,
# python3-aiosmtpd). The workspace is a small company of its own (兰亭食品,
# three reps, three customers, one overdue task), as of 2026-06-30; the
# expected messages below are worked out by hand from that data and SPEC §8:
#   k2 无锡禾丰超市 last touched 2026-06-10: 20 days > 7 → stale, > 14 →
#      escalated to the team leader s01 周海
#   k1 苏州味达食品 last touched 2026-06-20: 10 days → stale (林静 only)
#   k3 常州鲜之源 touched 2026-06-28: 2 days → not stale
#   task visit-dist (何川) due 2026-06-20, not done → 10 days overdue
# Checked: the dry run sends and records nothing; each owner gets exactly
# their own reminders on every channel, stalest first, @-mentioned; the
# signatures match; the e-mail parses and its subject decodes to Chinese;
# a second run sends nothing; failures (signature error codes in a 200
# body, an invalid URL, HTTP 500, a timeout) are reported, do not stop the
# other channels, set the exit status, and are retried by the next run;
# rate limits are retried; two runs at once send each message once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"

PY=/usr/bin/python3
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "1..0 # SKIP python3-aiosmtpd missing (make deps)"; exit 77; }
q() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$SALESPLAN_DB" "$@"; }
eq() { [ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got '$2', wanted '$3')"; }

# ---- the fakes -------------------------------------------------------------
export FAKE_FEISHU_SECRET=SECfeishu-lanting FAKE_DING_SECRET=SECding-lanting FAKE_HOOK_SECRET=hook-lanting
$PY "$SRCDIR/tests/notify/fake_channels.py" "$WORK/http.port" "$WORK/http.log" & HTTP_PID=$!
$PY "$SRCDIR/tests/notify/smtp_sink.py" "$WORK/smtp.port" "$WORK/mail" & SMTP_PID=$!
trap 'kill $HTTP_PID $SMTP_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/http.port" ] && [ -s "$WORK/smtp.port" ] && break; sleep 0.1; done
HP=$(cat "$WORK/http.port") SMP=$(cat "$WORK/smtp.port")
[ -n "$HP" ] && [ -n "$SMP" ] && ok "fakes listening" || { not_ok "fakes did not start"; finish; exit 1; }
touch "$WORK/http.log"
ctl() { $PY -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/_control" % sys.argv[1], sys.argv[2].encode()).read()' "$HP" "$1"; }

# ---- the workspace ---------------------------------------------------------
mkdir -p "$WORK/data"
printf '%s' "$FAKE_DING_SECRET" > "$WORK/ding.secret"
cat > "$WORK/plan.yaml" <<EOF
plan:
  id: lanting
  name: 兰亭食品2026销售计划
  period: 2026
team:
  groups:
    - id: east
      name: 华东组
      members:
        - {id: s01, name: 周海, role: leader, email: zhou.hai@lanting.example, mobile: "13900000001", im_id: ou_s01}
        - {id: s02, name: 林静, role: rep, email: lin.jing@lanting.example, mobile: "13900000002", im_id: ou_s02}
        - {id: s03, name: 何川, role: rep, email: he.chuan@lanting.example}
tasks:
  - {id: visit-dist, name: 拜访渠道商, owner: s03, start: 2026-06-01, due: 2026-06-20}
tiers:
  - {id: strategic, name: 战略客户, min: 100万, review_every_days: 30}
  - {id: potential, name: 潜力客户, min: 0}
alerts:
  stale_followup_days: 7
  escalate_after_days: 14
notify:
  - {kind: feishu, url: "http://127.0.0.1:$HP/feishu/open-apis/bot/v2/hook/fs1", secret_env: T_FEISHU_SECRET}
  - {kind: dingtalk, url: "http://127.0.0.1:$HP/dingtalk/robot/send?access_token=dtok", secret_file: $WORK/ding.secret}
  - {kind: wecom, url: "http://127.0.0.1:$HP/wecom/cgi-bin/webhook/send?key=wkey"}
  - {kind: slack, url: "http://127.0.0.1:$HP/slack/services/T0/B0/x"}
  - {kind: webhook, url: "http://127.0.0.1:$HP/hook/salesplan", secret_env: T_HOOK_SECRET}
  - {kind: email, to_owner: true}
EOF
notify_workspace

export T_FEISHU_SECRET=$FAKE_FEISHU_SECRET T_HOOK_SECRET=$FAKE_HOOK_SECRET
export SALESPLAN_SMTP_URL="smtp://127.0.0.1:$SMP" SALESPLAN_SMTP_FROM=salesplan@lanting.example SALESPLAN_SMTP_TLS=none
export SALESPLAN_NOTIFY_TIMEOUT=1 SALESPLAN_NOTIFY_CONNECT_TIMEOUT=1 SALESPLAN_NOTIFY_RETRIES=1
export SALESPLAN_NOTIFY_BACKOFF_MS=100 SALESPLAN_NOTIFY_PACE_MS=0
D=2026-06-30

# the expected texts (written from the data above, not from the program)
cat > "$WORK/expected.json" <<'EOF'
{"s01": {"name": "周海", "title": "销售提醒 2026-06-30：周海",
         "text": "跟进停滞（1）\n1. 无锡禾丰超市：20 天未跟进（潜力客户）；负责人 林静\n",
         "reminders": ["stale_followup:k2"], "mobile": "13900000001", "im": "ou_s01",
         "email": "zhou.hai@lanting.example"},
 "s02": {"name": "林静", "title": "销售提醒 2026-06-30：林静",
         "text": "跟进停滞（2）\n1. 无锡禾丰超市：20 天未跟进（潜力客户）\n2. 苏州味达食品有限公司：10 天未跟进（潜力客户）\n",
         "reminders": ["stale_followup:k2", "stale_followup:k1"], "mobile": "13900000002", "im": "ou_s02",
         "email": "lin.jing@lanting.example"},
 "s03": {"name": "何川", "title": "销售提醒 2026-06-30：何川",
         "text": "逾期任务（1）\n1. 拜访渠道商：逾期 10 天（截止 2026-06-20）\n",
         "reminders": ["task_overdue:visit-dist"], "mobile": null, "im": null,
         "email": "he.chuan@lanting.example"}}
EOF

# ---- 1. the dry run: exactly what would be sent, nothing sent or recorded ---
expect_rc 0 "dry run" "$SP" notify --dry-run --as-of $D
contains "dry run shows the Feishu payload" "$OUT" '"msg_type":"text"'
contains "dry run shows the escalated line" "$OUT" "1. 无锡禾丰超市：20 天未跟进（潜力客户）；负责人 林静"
contains "dry run hides the URL's token" "$OUT" "dingtalk/robot/send?…"
case $OUT in *dtok*) not_ok "dry run prints the access token" ;; *) ok "dry run prints no access token" ;; esac
eq "dry run: nothing reached the channels" "$(wc -l < "$WORK/http.log")" 0
eq "dry run: no mail" "$(ls "$WORK/mail" | wc -l)" 0
eq "dry run: nothing recorded" "$(q 'SELECT count(*) FROM notify_log')" 0
expect_rc 0 "dry run as JSON" "$SP" notify --dry-run --as-of $D --format json
eq "JSON: 18 messages would go (3 owners × 6 channels)" \
   "$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(json.load(sys.stdin)["counts"]["dry_run"])')" 18
expect_rc 2 "unknown channel is a usage error" "$SP" notify --channel telegram --as-of $D
contains "… naming the channels" "$ERR" "feishu, dingtalk, wecom, slack, webhook, email"

# ---- 2. the real run -------------------------------------------------------
expect_rc 0 "notify sends everything" "$SP" notify --as-of $D
contains "summary says 18 sent" "$OUT" "18 sent, 0 failed"
eq "notify_log: 18 sent" "$(q "SELECT count(*) FROM notify_log WHERE state = 'sent' AND day = '$D'")" 18
eq "notify_log keeps the channel's answer" "$(q "SELECT answer FROM notify_log WHERE channel = 'dingtalk' AND recipient = 's02'")" \
   '{"errcode": 0, "errmsg": "ok"}'

$PY - "$WORK/http.log" "$WORK/expected.json" > "$WORK/check.out" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
exp = json.load(open(sys.argv[2], encoding='utf-8'))
def out(ok, what): print(('ok ' if ok else 'FAIL ') + what)
by = {}
for r in log:
    by.setdefault(r['kind'], []).append(r)
for k in ('feishu', 'dingtalk', 'wecom', 'slack', 'hook'):
    out(len(by.get(k, [])) == 3, '%s: one message per owner (%d)' % (k, len(by.get(k, []))))
    out(all(r['content_type'].startswith('application/json') for r in by.get(k, [])), k + ': JSON content type')
def full(e, mention=''):
    return mention + e['title'] + '\n\n' + e['text']
# Feishu: {"timestamp","sign","msg_type":"text","content":{"text"}} signed, <at> by im_id
got = sorted(r['body']['content']['text'] for r in by['feishu'])
want = sorted(full(e, '<at user_id="%s">%s</at> ' % (e['im'], e['name']) if e['im'] else '') for e in exp.values())
out(got == want, 'feishu: exact texts')
out(all(r['sig_ok'] and set(r['body']) == {'timestamp', 'sign', 'msg_type', 'content'} for r in by['feishu']),
    'feishu: signed, exact keys')
# DingTalk: signed in the query; @mobile in the text and in at.atMobiles
for r in by['dingtalk']:
    b = r['body']
    e = [e for e in exp.values() if e['title'] in b['text']['content']][0]
    m = e['mobile'] or e['im']
    out(b == {'msgtype': 'text', 'text': {'content': full(e, '@%s ' % m if m else '')},
              'at': {'atMobiles': [e['mobile']] if e['mobile'] else [], 'atUserIds': [e['im']] if e['im'] else [],
                     'isAtAll': False}} and r['sig_ok'], 'dingtalk: exact payload and signature for ' + e['name'])
# WeCom: mentioned_list / mentioned_mobile_list
for r in by['wecom']:
    b = r['body']
    e = [e for e in exp.values() if e['title'] in b['text']['content']][0]
    out(b == {'msgtype': 'text', 'text': {'content': full(e), 'mentioned_list': [e['im']] if e['im'] else [],
              'mentioned_mobile_list': [e['mobile']] if e['mobile'] else []}}, 'wecom: exact payload for ' + e['name'])
# Slack: {"text"} with <@id>
got = sorted(r['body']['text'] for r in by['slack'])
want = sorted(('<@%s> ' % e['im'] if e['im'] else '') + '*' + e['title'] + '*\n\n' + e['text'] for e in exp.values())
out(got == want and all(set(r['body']) == {'text'} for r in by['slack']), 'slack: exact payloads')
# the webhook: documented payload, HMAC-SHA256 over "timestamp.body"
for r in by['hook']:
    b = r['body']
    rid = b['recipient']['id']
    e = exp[rid]
    want = {'version': 1, 'plan': 'lanting', 'day': '2026-06-30', 'channel': 'webhook', 'lang': 'zh',
            'recipient': {'id': rid, 'name': e['name'], 'email': e['email'], 'mobile': e['mobile'], 'im_id': e['im']},
            'title': e['title'], 'text': e['text'], 'reminders': e['reminders']}
    out(b == want, 'webhook: exact payload for ' + e['name'])
    out(r['sig_ok'] is True and r['headers'].get('X-Salesplan-Signature', '').startswith('sha256='),
        'webhook: signature header verifies for ' + e['name'])
EOF
while read -r st what; do [ "$st" = ok ] && ok "$what" || not_ok "$what"; done < "$WORK/check.out"

# e-mail: each owner got one message, at their own address, with their own reminders
$PY - "$WORK/mail" "$WORK/expected.json" > "$WORK/mail.out" <<'EOF'
import email, email.header, email.policy, glob, json, os, sys
exp = json.load(open(sys.argv[2], encoding='utf-8'))
def out(ok, what): print(('ok ' if ok else 'FAIL ') + what)
files = sorted(glob.glob(os.path.join(sys.argv[1], '*.eml')))
out(len(files) == 3, 'smtp: three messages (%d)' % len(files))
seen = set()
for f in files:
    env = json.load(open(f[:-4] + '.json'))
    raw = open(f, 'rb').read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    rid = [k for k, e in exp.items() if [e['email']] == env['rcpt']]
    out(len(rid) == 1, 'smtp: envelope to one owner only: %s' % env['rcpt'])
    if not rid: continue
    e = exp[rid[0]]
    seen.add(rid[0])
    subj = str(email.header.make_header(email.header.decode_header(msg['Subject'])))
    out(subj == e['title'], 'smtp: subject decodes to %s' % e['title'])
    out(b'Subject: =?UTF-8?B?' in raw and all(len(l) <= 78 for l in raw.split(b'\r\n')), 'smtp: RFC 2047 subject, short lines')
    out(msg['To'] == e['email'] and env['from'] == 'salesplan@lanting.example', 'smtp: To and From for ' + e['name'])
    out(msg.get_content_type() == 'text/plain' and msg.get_content_charset() == 'utf-8', 'smtp: text/plain UTF-8')
    body = msg.get_content().replace('\r\n', '\n')
    out(body == e['text'], 'smtp: body is exactly %s\'s reminders' % e['name'])
out(seen == set(exp), 'smtp: every owner got theirs')
EOF
while read -r st what; do [ "$st" = ok ] && ok "$what" || not_ok "$what"; done < "$WORK/mail.out"

# ---- 3. never twice in a day -------------------------------------------------
before=$(wc -l < "$WORK/http.log")
expect_rc 0 "a second run succeeds" "$SP" notify --as-of $D
contains "… and says they were sent already" "$OUT" "0 sent, 0 failed, 18 already sent"
eq "… and sends nothing" "$(wc -l < "$WORK/http.log")" "$before"
eq "… and no more mail" "$(ls "$WORK/mail"/*.eml | wc -l)" 3
expect_rc 0 "a dry run after it says already sent" "$SP" notify --dry-run --as-of $D --format json
eq "… for all 18" "$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(json.load(sys.stdin)["counts"]["already_sent"])')" 18

# ---- 4. failures: each channel's own error shapes -------------------------
D2=2026-07-01   # a new day: every message is due again
: > "$WORK/http.log"
ctl '{"wecom": "93000", "hook": "500", "slack": "429x1", "dingtalk": "130101x1"}'
export T_FEISHU_SECRET=wrong-secret          # Feishu answers 19021 in a 200 body
start=$(date +%s)
expect_rc 1 "failures set the exit status" "$SP" notify --as-of $D2 --channel feishu
contains "Feishu's error code is reported" "$OUT" "code 19021: sign match fail"
expect_rc 1 "WeCom invalid URL" "$SP" notify --as-of $D2 --channel wecom
contains "WeCom's errcode is reported" "$OUT" "errcode 93000: invalid webhook url"
expect_rc 1 "webhook HTTP 500" "$SP" notify --as-of $D2 --channel webhook
contains "HTTP 500 reported, retried" "$OUT" "(after 2 attempts)"
eq "HTTP 500 retried once, then the channel is given up" "$(grep -c '"kind": "hook"' "$WORK/http.log")" 2
expect_rc 0 "Slack 429 is retried and goes through" "$SP" notify --as-of $D2 --channel slack
eq "… after Retry-After" "$(q "SELECT attempts FROM notify_log WHERE channel = 'slack' AND day = '$D2' ORDER BY attempts DESC LIMIT 1")" 2
expect_rc 0 "DingTalk's rate limit (130101) is retried" "$SP" notify --as-of $D2 --channel dingtalk
eq "… three sent" "$(q "SELECT count(*) FROM notify_log WHERE channel = 'dingtalk' AND day = '$D2' AND state = 'sent'")" 3
eq "failed ones are recorded as failed, not sent" \
   "$(q "SELECT count(*) FROM notify_log WHERE day = '$D2' AND state = 'failed'")" 3
eq "… with the channel's answer" "$(q "SELECT answer FROM notify_log WHERE day = '$D2' AND channel = 'wecom' AND state = 'failed'" | head -c 13)" \
   "errcode 93000"

# one failing channel does not stop the others; the timeout is bounded
export T_FEISHU_SECRET=$FAKE_FEISHU_SECRET
ctl '{"hook": "timeout"}'
: > "$WORK/http.log"
t0=$(date +%s)
expect_rc 1 "a timeout fails the run" "$SP" notify --as-of 2026-07-02
t1=$(date +%s)
contains "timeout reported" "$OUT" "Timeout was reached"
contains "other channels still went out" "$OUT" "15 sent"
[ $((t1 - t0)) -lt 15 ] && ok "bounded: $((t1 - t0)) s" || not_ok "took $((t1 - t0)) s"
eq "the timed-out channel was tried twice, then given up for the day's other messages" \
   "$(grep -c '"kind": "hook"' "$WORK/http.log")" 2

# the next run retries only what failed
ctl '{}'
: > "$WORK/http.log"
expect_rc 0 "the next run sends what failed" "$SP" notify --as-of $D2
# (e-mail had not run that day: its three go now too)
contains "… and only that" "$OUT" "12 sent, 0 failed, 6 already sent"
eq "… 9 requests (feishu, wecom, webhook × 3)" "$(wc -l < "$WORK/http.log")" 9
eq "the day is complete" "$(q "SELECT count(*) FROM notify_log WHERE day = '$D2' AND state = 'sent'")" 18

# ---- 5. missing secrets: not sent unsigned -------------------------------------
unset T_FEISHU_SECRET
expect_rc 1 "a missing secret fails its channel" "$SP" notify --as-of 2026-07-03 --channel feishu
contains "… naming the variable" "$OUT" 'T_FEISHU_SECRET is not set'
export T_FEISHU_SECRET=$FAKE_FEISHU_SECRET
case $(cat "$WORK/plan.yaml") in *"$FAKE_FEISHU_SECRET"*) not_ok "secret in the plan" ;; *) ok "secrets never in the plan" ;; esac

# ---- 6. two processes at once: each message once ------------------------------
: > "$WORK/http.log"
rm -f "$WORK/mail"/*
D3=2026-07-06
"$SP" notify --as-of $D3 > "$WORK/a.out" 2>&1 & pa=$!
"$SP" notify --as-of $D3 > "$WORK/b.out" 2>&1 & pb=$!
wait $pa; ra=$?; wait $pb; rb=$?
eq "both runs succeed" "$ra$rb" 00
eq "15 HTTP messages, each once" "$(wc -l < "$WORK/http.log")" 15
eq "3 e-mails, each once" "$(ls "$WORK/mail"/*.eml | wc -l)" 3
eq "18 recorded, once each" "$(q "SELECT count(*) FROM notify_log WHERE day = '$D3' AND state = 'sent'")" 18
dups=$($PY - "$WORK/http.log" <<'EOF'
import json, sys
seen = {}
for l in open(sys.argv[1], encoding='utf-8'):
    r = json.loads(l)
    # Feishu's body carries its timestamp: compare the text; the others' whole body
    k = (r['kind'], r['body']['content']['text'] if r['kind'] == 'feishu' else r['raw'])
    seen[k] = seen.get(k, 0) + 1
print(sum(1 for v in seen.values() if v > 1))
EOF
)
eq "no message twice" "$dups" 0

# ---- 7. SMTP AUTH: the password is the channel's secret ---------------------
export SINK_AUTH='notify@lanting.example:p4ss-lanting'
$PY "$SRCDIR/tests/notify/smtp_sink.py" "$WORK/smtp2.port" "$WORK/mail2" & SMTP2_PID=$!
trap 'kill $HTTP_PID $SMTP_PID $SMTP2_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/smtp2.port" ] && break; sleep 0.1; done
unset SINK_AUTH
sed 's/- {kind: email, to_owner: true}/- {kind: email, to_owner: true, secret_env: T_SMTP_PASSWORD}/' "$WORK/plan.yaml" > "$WORK/plan2.yaml"
expect_rc 0 "plan import (e-mail with a password)" "$SP" plan import "$WORK/plan2.yaml"
export SALESPLAN_SMTP_URL="smtp://127.0.0.1:$(cat "$WORK/smtp2.port")" SALESPLAN_SMTP_USER=notify@lanting.example
export T_SMTP_PASSWORD=p4ss-lanting
# smtp:// means STARTTLS or nothing: a server without it gets no password
SALESPLAN_SMTP_TLS= expect_rc 1 "smtp:// without STARTTLS on the server is refused" "$SP" notify --as-of 2026-07-08 --channel email
contains "… saying TLS failed" "$OUT" "SSL"
eq "… nothing sent" "$(ls "$WORK/mail2"/*.eml 2>/dev/null | wc -l)" 0
export T_SMTP_PASSWORD=wrong
expect_rc 1 "a refused login fails" "$SP" notify --as-of 2026-07-08 --channel email
contains "… with the server's refusal" "$OUT" "Login denied"
eq "… not retried (one try)" "$(q "SELECT attempts FROM notify_log WHERE day = '2026-07-08' AND channel = 'email'")" 1
export T_SMTP_PASSWORD=p4ss-lanting
expect_rc 0 "AUTH with the secret sends" "$SP" notify --as-of 2026-07-08 --channel email
eq "three mails through AUTH" "$(ls "$WORK/mail2"/*.eml 2>/dev/null | wc -l)" 3
unset SALESPLAN_SMTP_USER T_SMTP_PASSWORD

# ---- 8. English when asked -------------------------------------------------------
expect_rc 0 "--lang en dry run" "$SP" --lang en notify --dry-run --as-of 2026-07-07 --channel slack
contains "English text" "$OUT" "Stale follow-ups (2)"
contains "English line" "$OUT" "1. 无锡禾丰超市: 27 days since the last touch (潜力客户)"

finish
