#!/usr/bin/env bash
# plan_roundtrip.sh — plan import / list / export: export → check → import
# gives the same plan; unchanged re-imports store nothing; versions are kept.
# The notify keys at / weekly_pack / secret_file and members' email / mobile /
# im_id survive the round trip (YAML and JSON), show in plan show, diff.
. "$(dirname "$0")/lib.sh"

"$SP" init --quiet
for lang in zh en; do
  f=$SRCDIR/examples/plan-$lang.yaml
  db=$WORK/$lang.db
  "$SP" --db "$db" init --quiet
  expect_rc 0 "plan import ($lang)" "$SP" --db "$db" plan import "$f" --reason "first"
  contains "stored as version 1 ($lang)" "$OUT" "version 1"
  expect_rc 0 "plan export yaml ($lang)" "$SP" --db "$db" plan export -o "$WORK/exported-$lang.yaml"
  expect_rc 0 "exported plan passes check ($lang)" "$SP" check "$WORK/exported-$lang.yaml"
  expect_rc 0 "re-import of the export ($lang)" "$SP" --db "$db" plan import "$WORK/exported-$lang.yaml"
  contains "re-import changes nothing ($lang)" "$OUT" "unchanged (version 1)"
  "$SP" --db "$db" plan export -o "$WORK/exported2-$lang.yaml"
  if cmp -s "$WORK/exported-$lang.yaml" "$WORK/exported2-$lang.yaml"; then ok "export is stable ($lang)"
  else not_ok "export differs after a round trip ($lang)"; fi
  contains "export keeps the split by region ($lang)" "$(cat "$WORK/exported-$lang.yaml")" "    splits:
      - by: region
        children:
          - id: revenue-east"
  expect_rc 0 "plan export json ($lang)" "$SP" --db "$db" plan export --format json
  if printf '%s' "$OUT" | python3 -c '
import json, sys
p = json.load(sys.stdin)
assert p["plan"]["id"] == "fy2026", p["plan"]
g = {x["id"]: x for x in p["goals"]}
assert g["revenue"]["target"] == 50000000.00, g["revenue"]["target"]
assert [c["id"] for c in g["revenue"]["children"]] == ["revenue-q1", "revenue-q2", "revenue-q3", "revenue-q4"]
# the further split by region (splits:) with its own children
sp = g["revenue"]["splits"]
assert [s["by"] for s in sp] == ["region"], sp
assert [c["id"] for c in sp[0]["children"]] == ["revenue-east", "revenue-north", "revenue-south", "revenue-southwest"]
assert sum(c["target"] for c in sp[0]["children"]) == 50000000.00
assert all(c["owner"] == "r001" and c["metric"] == "revenue" for c in sp[0]["children"])
assert abs(g["q3-new-share"]["target"] - 0.4) < 1e-12
assert p["budget"]["total"] == 2000000.00
'; then ok "json export carries the plan ($lang)"; else not_ok "json export content ($lang)"; fi
done

# ---- notify's at / weekly_pack / secret_file and members' email / mobile /
# im_id: kept through import -> export -> import, in YAML and JSON ----
db=$WORK/keys.db
"$SP" --db "$db" init --quiet
cat >"$WORK/keys.yaml" <<'YAML'
plan: {id: keys, name: 通知与联系方式, period: 2026}
team:
  groups:
    - id: g1
      name: 华东组
      members:
        - {id: r1, name: 王强, role: leader, email: wang@example.com, mobile: "+86 138 0000 0001", im_id: ou_wang}
        - {id: r2, name: 李娜, role: rep, im_id: U02}
goals:
  - {id: rev, name: 营收, metric: revenue, target: 100万, period: 2026, owner: r1}
notify:
  - {kind: feishu, url: "https://open.feishu.cn/hook/TOPSECRET", secret_env: FEISHU_SECRET, at: "9:05"}
  - {kind: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=TOPSECRET", secret_file: /etc/salesplan/ding.secret, weekly_pack: 周五}
  - {kind: email, to: "boss@example.com, cfo@example.com", to_owner: true, at: "18:30", weekly_pack: monday}
YAML
expect_rc 0 "plan with the new keys imports" "$SP" --db "$db" plan import "$WORK/keys.yaml"
expect_rc 0 "export of it" "$SP" --db "$db" plan export -o "$WORK/keys-1.yaml"
expect_rc 0 "re-import of the export" "$SP" --db "$db" plan import "$WORK/keys-1.yaml"
contains "re-import of the new keys changes nothing" "$OUT" "unchanged (version 1)"
"$SP" --db "$db" plan export -o "$WORK/keys-2.yaml"
cmp -s "$WORK/keys-1.yaml" "$WORK/keys-2.yaml" && ok "export with the new keys is stable" || not_ok "export with the new keys differs"
# what the export must say, written here from the plan above: times HH:MM,
# weekdays as English words, every value of the file kept
if /usr/bin/python3 - "$WORK/keys-1.yaml" <<'PY'
import sys, yaml
p = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
m = {x["id"]: x for x in p["team"]["groups"][0]["members"]}
assert m["r1"]["email"] == "wang@example.com" and m["r1"]["mobile"] == "+86 138 0000 0001" and m["r1"]["im_id"] == "ou_wang", m
assert "email" not in m["r2"] and m["r2"]["im_id"] == "U02", m["r2"]
n = p["notify"]
assert [x["kind"] for x in n] == ["feishu", "dingtalk", "email"], n
assert n[0]["at"] == "09:05" and n[0]["secret_env"] == "FEISHU_SECRET" and "weekly_pack" not in n[0], n[0]
assert n[1]["secret_file"] == "/etc/salesplan/ding.secret" and n[1]["weekly_pack"] == "friday" and "at" not in n[1], n[1]
assert "secret_env" not in n[1], n[1]
assert n[2]["at"] == "18:30" and n[2]["weekly_pack"] == "monday" and n[2]["to_owner"] is True, n[2]
assert n[2]["to"] == "boss@example.com, cfo@example.com", n[2]
PY
then ok "export carries every new key"; else not_ok "export of the new keys: $(cat "$WORK/keys-1.yaml")"; fi
"$SP" --db "$db" plan export --format json >"$WORK/keys-1.json"
# the export, checked and imported into a fresh workspace, exports the same JSON
"$SP" --db "$WORK/keys2.db" init --quiet
expect_rc 0 "the export imports into another workspace" "$SP" --db "$WORK/keys2.db" plan import "$WORK/keys-1.yaml"
"$SP" --db "$WORK/keys2.db" plan export --format json >"$WORK/keys-2.json"
cmp -s "$WORK/keys-1.json" "$WORK/keys-2.json" && ok "json export identical after the round trip" || not_ok "json differs after the round trip"
if /usr/bin/python3 - "$WORK/keys-1.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
m = {x["id"]: x for x in p["team"]["groups"][0]["members"]}
assert m["r1"]["email"] == "wang@example.com" and m["r1"]["im_id"] == "ou_wang" and m["r2"]["email"] is None, m
n = p["notify"]
assert n[0]["at"] == "09:05" and n[0]["weekly_pack"] is None and n[0]["secret_file"] is None, n[0]
assert n[1]["at"] is None and n[1]["weekly_pack"] == "friday" and n[1]["secret_file"] == "/etc/salesplan/ding.secret", n[1]
assert n[2]["at"] == "18:30" and n[2]["weekly_pack"] == "monday", n[2]
PY
then ok "json export carries every new key"; else not_ok "json export of the new keys: $(cat "$WORK/keys-1.json")"; fi
# plan show: when, and where secrets come from (never a secret or its path)
for lang in en zh; do
  expect_rc 0 "plan show step 6 ($lang)" "$SP" --db "$db" --lang $lang plan show --step 6
  show6=$OUT
  case $show6 in *TOPSECRET*|*/etc/salesplan*) not_ok "step 6 shows no secret nor the secret file's path ($lang)" ;;
    *) ok "step 6 shows no secret nor the secret file's path ($lang)" ;; esac
  contains "step 6 names the variable ($lang)" "$show6" "FEISHU_SECRET"
  contains "step 6: 09:05 ($lang)" "$show6" "09:05"
  contains "step 6: 18:30 ($lang)" "$show6" "18:30"
  expect_rc 0 "plan show step 5 ($lang)" "$SP" --db "$db" --lang $lang plan show --step 5
  contains "step 5 shows the e-mail ($lang)" "$OUT" "wang@example.com"
  if [ $lang = en ]; then
    contains "step 6: daily at" "$show6" "daily at 09:05"
    contains "step 6: weekly pack on Friday" "$show6" "weekly review pack on Friday"
    contains "step 6: weekly pack on Monday" "$show6" "weekly review pack on Monday"
    contains "step 6: secret from a file" "$show6" "signed (secret from a file)"
  else
    contains "step 6: 每天 (zh)" "$show6" "每天 09:05"
    contains "step 6: 每周五 (zh)" "$show6" "每周五发送周复盘报告"
    contains "step 6: 密钥取自文件 (zh)" "$show6" "已签名（密钥取自文件）"
    contains "step 5: 邮箱 (zh)" "$OUT" "邮箱"
  fi
done
# plan diff: a changed time and weekly pack between versions
sed 's/at: "9:05"/at: "09:30"/; s/weekly_pack: 周五/weekly_pack: 周四/' "$WORK/keys.yaml" >"$WORK/keys-v2.yaml"
expect_rc 0 "import of changed times" "$SP" --db "$db" plan import "$WORK/keys-v2.yaml"
contains "changed times make version 2" "$OUT" "version 2"
expect_rc 0 "plan diff 1 2" "$SP" --db "$db" plan diff 1 2
contains "diff: at 09:05 → 09:30" "$OUT" "09:05 → 09:30"
contains "diff: weekly pack friday → thursday" "$OUT" "friday → thursday"
expect_rc 0 "plan diff json" "$SP" --db "$db" plan diff 1 2 --format json
if printf '%s' "$OUT" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
ch = d["changes"] if isinstance(d, dict) else d
f = {(c.get("entity"), c.get("field")): c for c in ch}
at = f[("notify", "at")]
assert at["old"] == "09:05" and at["new"] == "09:30", at
assert f[("notify", "weekly_pack")]["new"] == "thursday"
assert len(ch) == 2, ch
'; then ok "diff json: at and weekly_pack"; else not_ok "diff json: $OUT"; fi

# a changed plan becomes version 2; the old one is kept
db=$WORK/zh.db
sed 's/target: 1600万/target: 1700万/; s/target: 5000万/target: 5100万/; s/target: 600万}/target: 700万}/' "$SRCDIR/examples/plan-zh.yaml" >"$WORK/v2.yaml"
expect_rc 0 "import of a changed plan" "$SP" --db "$db" plan import "$WORK/v2.yaml" --reason "Q4 上调"
contains "stored as version 2" "$OUT" "version 2"
expect_rc 0 "plan list" "$SP" --db "$db" plan list
contains "list shows version 2" "$OUT" "2"
contains "list shows the reason" "$OUT" "Q4 上调"
expect_rc 0 "plan list json" "$SP" --db "$db" plan list --format json
contains "list json version" "$OUT" '"version": 2'
expect_rc 0 "export version 1" "$SP" --db "$db" plan export --version 1
contains "version 1 keeps the old target" "$OUT" "16000000"
expect_rc 1 "export of a missing version" "$SP" --db "$db" plan export --version 9
expect_rc 2 "bad --version" "$SP" --db "$db" plan export --version x

# an invalid plan is not stored
printf 'plan:\n  id: bad\n  name: x\n  period: 2026\ngoals:\n  - id: g\n    metric: revenue\n    target: 10\n    period: 2027\n' >"$WORK/bad.yaml"
expect_rc 1 "an invalid plan is refused" "$SP" --db "$db" plan import "$WORK/bad.yaml"
contains "the refusal names the place" "$ERR" "bad.yaml:"
expect_rc 0 "list after refusal" "$SP" --db "$db" plan list --format json
case $OUT in *'"bad"'*) not_ok "refused plan was stored" ;; *) ok "refused plan not stored" ;; esac
expect_rc 2 "plan import needs a file" "$SP" --db "$db" plan import
finish
