#!/usr/bin/env bash
# check.sh — `salesplan check`: the shipped examples pass, broken plans list
# every error at FILE:LINE:COL with exit 1, unreadable files exit 2, the JSON
# shape, --help, and last year's actuals from a workspace (Achievable).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
set +e   # expect_rc records failures itself
D=$SRCDIR/tests/data/check

# ---- the examples and a valid plan: exit 0 ----
for f in "$SRCDIR/examples/plan-zh.yaml" "$SRCDIR/examples/plan-en.yaml" "$D/valid.yaml"; do
  if [ -f "$f" ]; then
    expect_rc 0 "check $(basename "$f") is valid" "$SP" check "$f"
    contains "$(basename "$f"): SMART table header" "$OUT" "goal"
    contains "$(basename "$f"): revenue row" "$OUT" "revenue"
  else
    not_ok "missing $f"
  fi
done
expect_rc 0 "valid.yaml" "$SP" check "$D/valid.yaml"
[ -z "$ERR" ] && ok "valid.yaml: nothing on stderr" || not_ok "valid.yaml: stderr: $ERR"
contains "valid.yaml: capacity verdict shown" "$OUT" "✓"
contains "valid.yaml: summary says valid" "$OUT" "valid.yaml: valid"

# ---- warnings only: exit 0, warnings on stderr ----
expect_rc 0 "warnings only is still valid" "$SP" check "$D/warnings.yaml"
contains "warning: dependency start" "$ERR" "warnings.yaml:28:12: warning: task 'b' starts 2026-03-05, before its dependency 'a' is due (2026-03-10)"
contains "warning: no strategy" "$ERR" "warning: goal 'revenue' is not Relevant: no strategy serves this goal"

# ---- every error, with LINE:COL, sorted ----
B=$D/bad.yaml
expect_rc 1 "bad.yaml has errors" "$SP" check "$B"
contains "sum gap"        "$ERR" "bad.yaml:20:13: error: children of 'revenue' sum to 11,999,999.99 (parent 12,000,000.00; gap -0.01)"
contains "unknown owner"  "$ERR" "bad.yaml:22:12: error: goal 'revenue': unknown team member 'leed' (did you mean 'lead'?)"
contains "no supports"    "$ERR" "bad.yaml:26:5: error: goal 'visits' is not Relevant"
contains "capacity"       "$ERR" "bad.yaml:30:13: warning: goal 'visits' is not Achievable: needs 20 visits a month, more than the capacity of 8"
contains "time-bound"     "$ERR" "bad.yaml:39:13: error: goal 'late' is not Time-bound: period 2027-Q1 is not inside the plan's period 2026"
contains "idle strategy"  "$ERR" "bad.yaml:46:5: error: strategy 'idle' serves no goal"
contains "cycle"          "$ERR" "bad.yaml:62:18: error: dependency cycle: a → c → b → a"
contains "unknown strategy" "$ERR" "bad.yaml:58:15: error: task 'b': unknown strategy 'key-acounts' (did you mean 'key-accounts'?)"
contains "due before start" "$ERR" "bad.yaml:67:10: error: task 'c' is due 2026-03-25, before it starts (2026-04-01)"
contains "budget 99%"     "$ERR" "error: budget category shares sum to 99%, not 100%"
n=$(grep -c ': error: ' <<<"$ERR")
[ "$n" = 9 ] && ok "all 9 errors listed" || not_ok "expected 9 errors, got $n"
contains "summary counts" "$OUT" "bad.yaml: 9 error(s), 2 warning(s)"
lines=$(grep -o '^[^ ]*bad.yaml:[0-9]*' <<<"$ERR" | sed 's/.*://')
[ "$lines" = "$(sort -n <<<"$lines")" ] && ok "diagnostics sorted by line" || not_ok "diagnostics not sorted: $lines"

# ---- parse errors: FILE:LINE:COL lines, exit 1 ----
cat >"$WORK/syntax.yaml" <<'YAML'
plan:
  id: x
  name: [unclosed
YAML
expect_rc 1 "syntax error" "$SP" check "$WORK/syntax.yaml"
contains "syntax error has a position" "$ERR" "$WORK/syntax.yaml:"
grep -qE "syntax.yaml:[0-9]+:[0-9]+: " <<<"$ERR" && ok "syntax error LINE:COL" || not_ok "no LINE:COL in: $ERR"

# ---- every problem in one run: structural ones beside sums, references,
# budget and cycles, each at the key that is wrong ----
A=$D/all-problems.yaml
expect_rc 1 "all-problems.yaml has errors" "$SP" check "$A"
contains "unknown key"      "$ERR" "all-problems.yaml:7:3: error: unknown key 'colour'"
contains "missing period"   "$ERR" "all-problems.yaml:14:5: error: goal: missing key 'period'"
contains "wrong type"       "$ERR" "all-problems.yaml:22:14: error: goal: 'target' expects a single value, got a list"
contains "sum beside them"  "$ERR" "all-problems.yaml:28:13: error: children of 'sum' sum to 900,000.00 (parent 1,000,000.00; gap -100,000.00)"
contains "bare ratio target" "$ERR" "all-problems.yaml:37:13: error: goal: 'target' is 35 without '%', which means 3500%: write 35% for a percentage (or a fraction such as 0.2)"
contains "strategy goal entry" "$ERR" "all-problems.yaml:41:67: error: strategy 's': unknown goal 'nogoal'"
contains "cycle at the entry" "$ERR" "all-problems.yaml:54:18: error: dependency cycle: a → b → a"
contains "depends_on entry" "$ERR" "all-problems.yaml:54:21: error: task 'b': unknown task 'ghost'"
contains "bad share at share" "$ERR" "all-problems.yaml:58:41: error: budget category: 'share' is 20 without '%', which means 2000%: write 20% for a percentage (or a fraction such as 0.2)"
contains "bare threshold"   "$ERR" "all-problems.yaml:61:24: error: alerts: 'goal_off_pace_below' is 90 without '%', which means 9000%"
case $ERR in *"shares sum to"*) not_ok "no sum over an unreadable share" ;; *) ok "no sum over an unreadable share" ;; esac
contains "SMART table still shown" "$OUT" "sum-h2"
expect_rc 1 "all-problems.yaml as JSON" "$SP" check --format json "$A"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
msgs = [(e["line"], e["col"], e["message"]) for e in d["errors"]]
assert (7, 3) in [(l, c) for l, c, m in msgs], msgs
assert any("ghost" in m and (l, c) == (54, 21) for l, c, m in msgs), msgs
assert [g["id"] for g in d["goals"]][:3] == ["revenue", "split", "sum"], d["goals"]
' "$OUT"; then ok "json lists structural and semantic errors together"; else not_ok "json all problems: $OUT"; fi
# a ratio written as a fraction or with % is fine; above 1 only with %
sed 's/share: 20}/share: 0.2}/; s/target: 35$/target: 35%/; s/goal_off_pace_below: 90/goal_off_pace_below: 0.9/' "$A" >"$WORK/fixed.yaml"
expect_rc 1 "fixed ratios" "$SP" check "$WORK/fixed.yaml"
case $ERR in *"without '%'"*) not_ok "0.2, 35% and 0.9 accepted: $ERR" ;; *) ok "0.2, 35% and 0.9 accepted" ;; esac

# ---- YAML slips of a Chinese input method: translated, with hints ----
printf 'plan:\n  id： x\n  name: y\n' >"$WORK/fwcolon.yaml"
printf 'plan:\n\tid: x\n' >"$WORK/tab.yaml"
printf 'plan:\n\xe3\x80\x80id: x\n  name: y\n' >"$WORK/fwspace.yaml"
expect_rc 1 "full-width colon" "$SP" check "$WORK/fwcolon.yaml"
contains "full-width colon hint" "$ERR" "fwcolon.yaml:2:5: error: hint: this line has a full-width colon '：' after the key"
LANG=zh_CN.UTF-8 expect_rc 1 "full-width colon (zh)" "$SP" check "$WORK/fwcolon.yaml"
contains "zh: hint" "$ERR" "提示：这一行的键后面是全角冒号“：”"
contains "zh: libfyaml message translated" "$ERR" "无效的多行普通键"
case $ERR in *"invalid multiline plain key"*) not_ok "zh: no English left" ;; *) ok "zh: no English left" ;; esac
expect_rc 1 "tab indentation" "$SP" check "$WORK/tab.yaml"
contains "tab hint" "$ERR" "tab.yaml:2:1: error: hint: this line is indented with a tab"
LANG=zh_CN.UTF-8 expect_rc 1 "tab (zh)" "$SP" check "$WORK/tab.yaml"
contains "zh: tab message" "$ERR" "不能用制表符缩进"
expect_rc 1 "full-width space" "$SP" check "$WORK/fwspace.yaml"
contains "full-width space hint" "$ERR" "fwspace.yaml:2:1: error: hint: this line has a full-width space (U+3000)"
LANG=zh_CN.UTF-8 expect_rc 1 "full-width space (zh)" "$SP" check "$WORK/fwspace.yaml"
contains "zh: full-width space hint" "$ERR" "全角空格"
# inside a list item the slip makes one text value instead of a mapping
printf 'plan: {id: x, name: y, period: 2026}\ngoals:\n  - id： g\n    metric： revenue\n' >"$WORK/fwitem.yaml"
expect_rc 1 "full-width colon in a list item" "$SP" check "$WORK/fwitem.yaml"
contains "item: mapping expected" "$ERR" "fwitem.yaml:3:5: error: goal: expected a mapping, got a single value"
contains "item: hint line 3" "$ERR" "fwitem.yaml:3:7: error: hint: this line has a full-width colon"
contains "item: hint line 4" "$ERR" "fwitem.yaml:4:11: error: hint: this line has a full-width colon"
case $ERR in *"goal '?'"*) not_ok "no verdict noise for the unreadable goal" ;; *) ok "no verdict noise for the unreadable goal" ;; esac

# ---- notify and member keys: bad values at their place, in both languages;
# a secret written in the plan says where secrets come from ----
cat >"$WORK/notify.yaml" <<'YAML'
plan: {id: x, name: y, period: 2026}
team:
  groups:
    - id: g
      members:
        - {id: r1, email: wang.example.com}
        - {id: r2, password: hunter2}
notify:
  - {kind: feishu, url: "https://h", at: 25:00}
  - {kind: feishu, url: "https://h", at: 9点, weekly_pack: mondy}
  - {kind: dingtalk, url: "https://h", secret_env: DING, secret_file: /etc/ding}
  - {kind: slack, url: "https://h", token: xoxb-123}
  - {kind: email, to_owner: true, at: "08:30", weekly_pack: 周一}
YAML
expect_rc 1 "bad notify and member keys" "$SP" check "$WORK/notify.yaml"
contains "email without @" "$ERR" "notify.yaml:6:27: error: member: 'email' is not an e-mail address: 'wang.example.com' (write it as name@example.com)"
contains "password in the plan" "$ERR" "notify.yaml:7:20: error: 'password' looks like a secret, and secrets are never written in the plan file: keep it in an environment variable named by 'secret_env' or in a file named by 'secret_file' (under 'notify')"
contains "at 25:00" "$ERR" "notify.yaml:9:42: error: notify: 'at' expects a time of day HH:MM from 00:00 to 23:59 (24-hour, in the plan's time zone), got '25:00'"
contains "at 9点" "$ERR" "notify.yaml:10:42: error: notify: 'at' expects a time of day HH:MM"
contains "unknown weekday" "$ERR" "notify.yaml:10:59: error: notify: unknown weekday 'mondy' for 'weekly_pack' (did you mean 'monday'?); expected monday … sunday or 周一 … 周日"
contains "both secrets" "$ERR" "notify.yaml:11:58: error: notify: give either 'secret_env' or 'secret_file', not both"
contains "token in the plan" "$ERR" "notify.yaml:12:37: error: 'token' looks like a secret"
case $ERR in *hunter2*|*xoxb*) not_ok "a secret written in the plan is not echoed" ;; *) ok "a secret written in the plan is not echoed" ;; esac
n=$(grep -c ': error: ' <<<"$ERR")
[ "$n" = 7 ] && ok "7 errors, 周一 and \"08:30\" accepted" || not_ok "expected 7 errors, got $n: $ERR"
expect_rc 1 "bad notify and member keys (--lang zh)" "$SP" --lang zh check "$WORK/notify.yaml"
contains "zh: email" "$ERR" "notify.yaml:6:27: 错误：member：'email' 不是邮箱地址：'wang.example.com'（应写成 name@example.com 的形式）"
contains "zh: secret" "$ERR" "notify.yaml:7:20: 错误：'password' 看起来是密钥，而密钥绝不写在计划文件里：请把它放在环境变量中并用 'secret_env' 指明变量名，或放在文件中并用 'secret_file' 指明文件（写在 'notify' 下）"
contains "zh: at" "$ERR" "notify.yaml:9:42: 错误：通知 notify：'at' 应为 00:00 到 23:59 之间的时刻 HH:MM（24 小时制，按计划的时区），实际为 '25:00'"
contains "zh: weekday" "$ERR" "notify.yaml:10:59: 错误：通知 notify：'weekly_pack' 的星期 'mondy' 无法识别（是否想写 'monday'？）"
contains "zh: both secrets" "$ERR" "notify.yaml:11:58: 错误：通知 notify：'secret_env' 和 'secret_file' 只能写一个，不能同时写"
case $ERR in *"looks like"*|*"expects a time"*|*"not both"*) not_ok "zh: no English message left" ;; *) ok "zh: no English message left" ;; esac
# secret_env holding the secret itself is refused without echoing it
printf 'plan: {id: x, name: y}\nnotify:\n  - {kind: feishu, url: "https://h", secret_env: "SECxyz+/abc="}\n' >"$WORK/pasted.yaml"
expect_rc 1 "secret pasted into secret_env" "$SP" check "$WORK/pasted.yaml"
contains "secret_env names a variable" "$ERR" "pasted.yaml:3:51: error: notify: 'secret_env' names an environment variable"
case $ERR in *SECxyz*) not_ok "the pasted secret is not echoed" ;; *) ok "the pasted secret is not echoed" ;; esac

# ---- bounded time and memory: the worst shapes at the 16 MiB limit ----
/usr/bin/python3 "$D/gen_limits.py" "$WORK"
limit_s=10 limit_kb=$((400 * 1024))
case $SP in *asan*|*fuzz*) limit_kb=$((1200 * 1024)) ;; esac
for shape in keys items flow nodes scalar deep big; do
  f=$WORK/$shape.yaml
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$WORK/.mem" "$SP" check "$f" >/dev/null 2>"$WORK/.err"; rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 )); kb=$(tail -1 "$WORK/.mem")
  [ "$rc" = 1 ] && ok "$shape: refused with errors" || not_ok "$shape: exit $rc"
  [ "$ms" -lt $((limit_s * 1000)) ] && ok "$shape: ${ms} ms" || not_ok "$shape: ${ms} ms, over ${limit_s} s"
  [ "$kb" -lt "$limit_kb" ] && ok "$shape: peak ${kb} KB" || not_ok "$shape: peak ${kb} KB, over $limit_kb KB"
done
"$SP" check "$WORK/keys.yaml" 2>"$WORK/.err" >/dev/null
contains "keys: limit at the key that passes it" "$(cat "$WORK/.err")" "keys.yaml:1003:3: error: a mapping may hold at most 1000 keys"
"$SP" check "$WORK/items.yaml" 2>"$WORK/.err" >/dev/null
contains "items: limit" "$(cat "$WORK/.err")" "items.yaml:10003:5: error: a list may hold at most 10000 items"
"$SP" check "$WORK/nodes.yaml" 2>"$WORK/.err" >/dev/null
contains "nodes: limit" "$(cat "$WORK/.err")" "error: the plan file holds more than 200000 values"
printf 'plan:\n  id: x\n  name: y\n  id: z\n' >"$WORK/dupkey.yaml"
expect_rc 1 "duplicate key" "$SP" check "$WORK/dupkey.yaml"
contains "duplicate key found" "$ERR" "dupkey.yaml:4:3: error: duplicate key 'id' (first at line 2, column 3)"

# ---- unreadable: exit 2 ----
expect_rc 2 "missing file" "$SP" check "$WORK/nope.yaml"
contains "missing file named" "$ERR" "nope.yaml"
expect_rc 2 "a directory" "$SP" check "$WORK"
expect_rc 2 "no FILE" "$SP" check
expect_rc 2 "bad --format" "$SP" check --format xml "$D/valid.yaml"
expect_rc 2 "bad --as-of" "$SP" check --as-of 2026-13-01 "$D/valid.yaml"
expect_rc 0 "--help" "$SP" check --help
contains "--help usage" "$OUT" "Usage: salesplan check FILE"
contains "--help points to the format" "$OUT" "docs/PLAN.md"

# ---- the plan format is documented in the repository itself ----
[ -f "$SRCDIR/docs/PLAN.md" ] && ok "docs/PLAN.md exists" || not_ok "docs/PLAN.md missing"
if grep -q 'SPEC\.md' "$SRCDIR/README.md"; then not_ok "README names SPEC.md (users do not have it)"
else ok "README does not name SPEC.md"; fi
contains "README links docs/PLAN.md" "$(cat "$SRCDIR/README.md")" "(docs/PLAN.md)"
# every key the reader accepts (its *_keys[] vocabularies) is documented,
# and so is every word of the vocabularies a value may take
if /usr/bin/python3 - "$SRCDIR/src/io/plan_yaml.c" "$SRCDIR/docs/PLAN.md" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
doc = open(sys.argv[2], encoding="utf-8").read()
missing = []
for name, body in re.findall(r'static const char \*const (\w+)\[\] = \{(.*?)\};', src, re.S):
    if not (name.endswith("_keys") or name.endswith("_words")): continue
    for w in re.findall(r'"([^"]*)"', body):
        if w and "`%s`" % w not in doc and not re.search(r'[\s,({]%s[\s,|):]' % re.escape(w), doc):
            missing.append("%s: %s" % (name, w))
if missing:
    print("undocumented:", ", ".join(missing)); sys.exit(1)
PY
then ok "docs/PLAN.md documents every key and word the reader accepts"; else not_ok "docs/PLAN.md is missing keys"; fi
for step in "Step 1" "Step 2" "Step 3" "Step 4" "Step 5" "Step 6"; do
  # each step's section holds an example
  /usr/bin/python3 -c 'import sys,re; d=open(sys.argv[1],encoding="utf-8").read(); s=d[d.index("## "+sys.argv[2]):]; s=s[:s.index("\n## ",3)] if "\n## " in s[3:] else s; sys.exit(0 if "```yaml" in s else 1)' "$SRCDIR/docs/PLAN.md" "$step" \
    && ok "docs/PLAN.md: an example for $step" || not_ok "docs/PLAN.md: no example for $step"
done
# the examples in docs/PLAN.md are valid YAML plan fragments: the whole of
# them (with the plan section) passes check's reader
/usr/bin/python3 - "$SRCDIR/docs/PLAN.md" "$WORK/doc-plan.yaml" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r'```yaml\n(.*?)```', doc, re.S)
open(sys.argv[2], "w", encoding="utf-8").write("".join(blocks))
PY
"$SP" check "$WORK/doc-plan.yaml" >/dev/null 2>"$WORK/.err"
if grep -E "unknown key|expects|is not|duplicate key|missing key" "$WORK/.err" | grep -v "is not Relevant\|is not Achievable\|is not Time-bound\|is not Measurable\|is not Specific" >/dev/null; then
  not_ok "docs/PLAN.md examples have structural errors: $(head -5 "$WORK/.err")"
else ok "docs/PLAN.md examples read without structural errors"; fi

# ---- JSON ----
expect_rc 1 "json on bad.yaml" "$SP" check --format json "$B"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["file"].endswith("bad.yaml"), d["file"]
assert d["valid"] is False
assert len(d["errors"]) == 9, len(d["errors"])
assert len(d["warnings"]) == 2
e = d["errors"][0]
assert (e["line"], e["col"]) == (20, 13), e
assert "gap -0.01" in e["message"]
ids = [g["id"] for g in d["goals"]]
assert ids == ["revenue", "rev-h1", "rev-h2", "visits", "late"], ids
v = d["goals"][3]
assert v["A"]["verdict"] == "fail" and "capacity" in v["A"]["reason"], v["A"]
assert v["R"]["verdict"] == "fail"
assert d["goals"][0]["A"]["verdict"] == "unknown"
assert d["goals"][4]["T"]["verdict"] == "fail"
for g in d["goals"]:
    assert set("SMART") <= set(g), g
' "$OUT"; then ok "json fields"; else not_ok "json fields"; fi
expect_rc 0 "json on the Chinese example" "$SP" check --format json "$SRCDIR/examples/plan-zh.yaml"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["valid"] is True and d["errors"] == []
names = [g.get("name") for g in d["goals"]]
assert "年度营收" in names, names
' "$OUT"; then ok "json keeps Chinese as UTF-8"; else not_ok "json Chinese"; fi
expect_rc 1 "json on a syntax error" "$SP" check --format json "$WORK/syntax.yaml"
if python3 -c 'import json,sys
d = json.loads(sys.argv[1]); assert d["valid"] is False and d["errors"][0]["line"] > 0' "$OUT"; then
  ok "json parse errors"; else not_ok "json parse errors"; fi

# ---- Chinese messages ----
LANG=zh_CN.UTF-8 expect_rc 1 "Chinese" "$SP" check "$B"
contains "Chinese error text" "$ERR" "周期"

# ---- history from a workspace: last year's revenue 1000万 vs target 1200万 (+20%);
# d4 closes in 2026 and must not count ----
if "$SP" init --quiet >/dev/null 2>&1; then
  cat >"$WORK/deals.csv" <<'CSV'
deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount
d1,c1,rep1,2025-01-10,2025-03-01,won,5000000
d2,c1,rep1,2025-05-10,2025-08-01,won,3000000
d3,c1,rep1,2025-09-10,2025-12-31,won,2000000
d4,c1,rep1,2025-09-10,2026-01-02,won,9000000
CSV
  cat >"$WORK/customers.csv" <<'CSV'
customer_id,name
c1,Customer One
CSV
  "$SP" import customers "$WORK/customers.csv" >/dev/null 2>&1
  if "$SP" import deals "$WORK/deals.csv" >/dev/null 2>&1; then
    expect_rc 0 "check with history" "$SP" check --format json --as-of 2026-01-15 "$D/valid.yaml"
    if python3 -c 'import json,sys
d = json.loads(sys.argv[1])
a = d["goals"][0]["A"]
assert a["verdict"] == "pass", a
assert "20%" in a["reason"] and "10,000,000.00" in a["reason"], a
h1 = d["goals"][1]["A"]   # H1 2025: 500万 -> 500万
assert h1["verdict"] == "pass" and "growth 0%" in h1["reason"], h1
h2 = d["goals"][2]["A"]   # H2 2025: 500万 -> 700万 = +40%
assert h2["verdict"] == "pass" and "growth 40% over last year\x27s 5,000,000.00" in h2["reason"], h2
' "$OUT"; then ok "Achievable uses last year's actuals"; else not_ok "history: $OUT"; fi
    sed 's/target: 1200万/target: 1600万/; s/target: 700万/target: 1100万/' "$D/valid.yaml" >"$WORK/grow.yaml"
    expect_rc 0 "60% growth fails Achievable (a warning)" "$SP" check --as-of 2026-01-15 "$WORK/grow.yaml"
    contains "growth figure" "$ERR" "growth 60% over last year's 10,000,000.00 (at most 50%)"
    # 36,165,870 over 10,000,000 is +261.6587 %: printed with one decimal
    sed 's/target: 1200万/target: 36165870/' "$D/valid.yaml" >"$WORK/grow2.yaml"
    expect_rc 1 "261.6587% growth" "$SP" check --as-of 2026-01-15 "$WORK/grow2.yaml"
    contains "growth with one decimal" "$ERR" "growth 261.7% over last year's 10,000,000.00 (at most 50%)"
    case $ERR$OUT in *261.65*) not_ok "no 4-decimal percentage left" ;; *) ok "no 4-decimal percentage left" ;; esac
    if grep -qE '[0-9]\.[0-9]{2,}%' <<<"$ERR$OUT"; then not_ok "a percentage with 2+ decimals: $(grep -oE '[0-9.]+\.[0-9]{2,}%' <<<"$ERR$OUT" | head -3)"
    else ok "every percentage has at most one decimal"; fi
  else
    not_ok "import deals for the history test"
  fi
else
  not_ok "init for the history test"
fi
rm -f "$SALESPLAN_DB"
expect_rc 0 "no workspace: no history, still valid" "$SP" check "$D/valid.yaml"

finish
