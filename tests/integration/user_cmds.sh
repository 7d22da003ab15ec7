#!/usr/bin/env bash
# user_cmds.sh — the first admin and the user / token commands (the app verbs
# of app/app_users.h) driven through the real binary, checked in plain SQL:
# `init` adds the first admin with a password printed once (which signs in
# through the real server), only when the workspace has no user, not with
# --quiet; `serve` says how to make the first user; usage errors exit 2
# and write nothing; the last enabled admin cannot be disabled; a new
# password ends the user's sessions; tokens are kept by their SHA-256 and
# revoked; messages follow --lang.
. "$(dirname "$0")/lib.sh"
q() { sqlite3 "$SALESPLAN_DB" "$1"; }

# ---- init adds the first admin ----
expect_rc 0 "init makes a workspace" "$SP" init
contains "init names the admin login" "$OUT" "login admin"
pw=$(printf '%s\n' "$OUT" | sed -n 's/.*(shown once): //p')
[ ${#pw} -ge 12 ] && ok "init prints a generated password (${#pw} characters)" || not_ok "no password in: $OUT"
[ "$(q "SELECT login || ' ' || role || ' ' || disabled FROM users")" = "admin admin 0" ] \
  && ok "the workspace holds one admin, enabled" || not_ok "users: $(q 'SELECT * FROM users')"
case $(q "SELECT pw_hash FROM users WHERE login = 'admin'") in
  '$argon2id$'*) ok "the password is kept as an Argon2id hash" ;;
  *) not_ok "pw_hash is not Argon2id" ;;
esac
q "SELECT pw_hash FROM users" | grep -qF -- "$pw" && not_ok "the password is stored in clear" || ok "the password itself is not stored"
expect_rc 0 "init again" "$SP" init
[ "$(q 'SELECT count(*) FROM users')" = 1 ] && ok "init again adds no user" || not_ok "init again added a user"
case $OUT in *"shown once"*) not_ok "init again printed a password" ;; *) ok "init again prints no password" ;; esac
expect_rc 0 "init --quiet on a new workspace" "$SP" --db "$WORK/quiet.db" init --quiet
[ -z "$OUT" ] && ok "init --quiet prints nothing" || not_ok "init --quiet printed: $OUT"
[ "$(sqlite3 "$WORK/quiet.db" 'SELECT count(*) FROM users')" = 0 ] && ok "init --quiet adds no admin" \
  || not_ok "init --quiet added a user"
expect_rc 0 "init (zh)" "$SP" --lang zh --db "$WORK/zh.db" init
contains "init in Chinese" "$OUT" "首位管理员"

# ---- the printed password signs in on the real server; serve's hint ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$SP" serve --listen "127.0.0.1:$port" >"$WORK/serve.out" 2>"$WORK/serve.err" &
spid=$!
for _ in $(seq 50); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
status=$(python3 - "$port" "$pw" <<'EOF'
import http.client, re, sys, urllib.parse
port, pw = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
c.request('GET', '/login')
r = c.getresponse(); r.read()
pre = re.search(r'sp_csrf=([^;]+)', r.getheader('Set-Cookie')).group(1)
body = urllib.parse.urlencode({'csrf': pre, 'login': 'admin', 'password': pw})
c.request('POST', '/login', body=body, headers={'Content-Type': 'application/x-www-form-urlencoded',
                                               'Cookie': 'sp_csrf=' + pre})
r = c.getresponse(); r.read()
print(r.status, 'sp_session=' in (r.getheader('Set-Cookie') or ''))
EOF
)
[ "$status" = "303 True" ] && ok "the password init printed signs in (303 with a session)" || not_ok "sign-in: $status"
kill -TERM $spid; wait $spid 2>/dev/null
grep -q "no user can sign in" "$WORK/serve.err" && not_ok "serve hinted at the first user although one exists" \
  || ok "serve gives no hint when a user exists"
"$SP" --db "$WORK/quiet.db" serve --listen 127.0.0.1:0 >"$WORK/serve2.out" 2>"$WORK/serve2.err" &
spid=$!
for _ in $(seq 50); do grep -q listening "$WORK/serve2.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM $spid; wait $spid 2>/dev/null
contains "serve on a workspace without users says how to make the first" "$(cat "$WORK/serve2.err")" \
  "salesplan init"

# ---- user add / passwd / disable ----
expect_rc 0 "user add rep (generated password)" "$SP" user add li.na --role rep --rep r002 --name 李娜
contains "the generated password is printed once" "$OUT" "password (shown once): "
[ "$(q "SELECT role || '|' || rep_id || '|' || name FROM users WHERE login = 'li.na'")" = "rep|r002|李娜" ] \
  && ok "user add stored role, rep and name" || not_ok "li.na: $(q "SELECT * FROM users WHERE login = 'li.na'")"
before=$(q 'SELECT count(*) FROM users')
expect_rc 2 "unknown role: usage error" "$SP" user add x --role root
contains "names the roles" "$ERR" "admin, manager, rep, viewer"
expect_rc 2 "bad login: usage error" "$SP" user add 'a b' --role viewer
expect_rc 2 "manager with a bad group list" "$SP" user add m --role manager --groups 'a,,b'
expect_rc 1 "a short password from stdin: refused" sh -c "echo short | '$SP' user add s --role viewer --password-stdin"
contains "says it is too short" "$ERR" "too short"
expect_rc 1 "the same login again: refused" "$SP" user add li.na --role viewer
contains "says it exists" "$ERR" "exists already"
[ "$(q 'SELECT count(*) FROM users')" = "$before" ] && ok "refused adds wrote nothing" || not_ok "a refused add wrote"

uid=$(q "SELECT user_id FROM users WHERE login = 'li.na'")
q "INSERT INTO sessions(sid_hash, user_id, csrf, created, expires) VALUES ('x1', $uid, 'c', 0, 9999999999)"
old=$(q "SELECT pw_hash FROM users WHERE login = 'li.na'")
expect_rc 0 "user passwd (stdin)" sh -c "echo 'a-new-long-password' | '$SP' user passwd li.na --password-stdin"
[ "$(q "SELECT pw_hash FROM users WHERE login = 'li.na'")" != "$old" ] && ok "the hash changed" || not_ok "same hash"
[ "$(q "SELECT count(*) FROM sessions WHERE user_id = $uid")" = 0 ] && ok "a new password ends the sessions" \
  || not_ok "sessions left after passwd"
expect_rc 1 "user passwd of nobody" "$SP" user passwd nobody

expect_rc 1 "the last enabled admin cannot be disabled" "$SP" user disable admin
contains "says why" "$ERR" "last enabled admin"
[ "$(q "SELECT disabled FROM users WHERE login = 'admin'")" = 0 ] && ok "admin still enabled" || not_ok "admin disabled"
expect_rc 1 "in Chinese too" "$SP" --lang zh user disable admin
contains "the reason in Chinese" "$ERR" "最后一个启用的管理员"
expect_rc 0 "a second admin" sh -c "echo 'another-long-password' | '$SP' user add boss --role admin --password-stdin"
expect_rc 0 "now the first admin may be disabled" "$SP" user disable admin
[ "$(q "SELECT disabled FROM users WHERE login = 'admin'")" = 1 ] && ok "admin disabled" || not_ok "not disabled"
expect_rc 0 "enable again" "$SP" user enable admin
expect_rc 0 "user list --format json" "$SP" user list --format json
python3 -c '
import json, sys
u = {x["login"]: x for x in json.loads(sys.argv[1])["users"]}
assert u["li.na"]["role"] == "rep" and u["li.na"]["rep"] == "r002" and u["li.na"]["name"] == "李娜"
assert not u["admin"]["disabled"] and "pw_hash" not in u["admin"]
' "$OUT" && ok "user list JSON holds the users, no hashes" || not_ok "user list JSON: $OUT"

# ---- tokens ----
expect_rc 0 "token add" "$SP" token add li.na --label "CRM 同步"
tok=$(printf '%s\n' "$OUT" | tail -1)
case $tok in sp_*) ok "the token is printed once" ;; *) not_ok "token: $tok" ;; esac
sha=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
[ "$(q "SELECT count(*) FROM api_tokens WHERE token_hash = '$sha'")" = 1 ] \
  && ok "kept by its SHA-256" || not_ok "no token row with the SHA-256 of the token"
expect_rc 2 "a label over 200 bytes" "$SP" token add li.na --label "$(printf 'x%.0s' $(seq 201))"
expect_rc 1 "token add for nobody" "$SP" token add nobody
expect_rc 0 "token list --format json" "$SP" token list --format json
tid=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["tokens"][0]["id"])' "$OUT")
contains "the label is listed" "$OUT" "CRM 同步"
case $OUT in *"$tok"*) not_ok "token list shows the secret" ;; *) ok "token list never shows the secret" ;; esac
expect_rc 0 "token revoke" "$SP" token revoke "$tid"
contains "token list shows it revoked" "$("$SP" token list --format json)" '"revoked":true'
expect_rc 1 "revoke a token that does not exist" "$SP" token revoke 99999
finish
