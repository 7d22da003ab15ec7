#!/usr/bin/env bash
# plan_show.sh — `salesplan plan show`: every step in both languages and
# every format; every goal, task, budget category, strategy and team member
# of the plan appears by name (names read from the plan file with PyYAML,
# not written here twice); hostile names (<script>, quotes, ampersands) are
# escaped in HTML and Markdown; the HTML page is self-contained and
# printable; a webhook's token never shows; --step 7 is a usage error.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

cat > plan.yaml <<'YAML'
plan:
  id: show27
  name: 2027年度"西南"计划 <script>alert(1)</script>
  period: 2027
team:
  groups:
    - id: sw
      name: 西南组 & <b>先锋</b>
      focus: {region: 西南}
      members:
        - {id: r001, name: 周<i>涛</i>, role: leader}
        - {id: r002, name: "O'Neil 李", role: rep, capacity: {visits_per_month: 10}}
    - id: nc
      name: 华北组
      members:
        - {id: r003, name: 吴敏, role: rep}
goals:
  - id: revenue
    name: 营收 "<script>x</script>"
    type: result
    metric: revenue
    target: 3000万
    period: 2027
    owner: r001
    children:
      - {id: rev-h1, name: 上半年营收, period: 2027-H1, target: 1200万}
      - {id: rev-h2, name: 下半年营收, period: 2027-H2, target: 1800万}
  - id: visits
    name: 人均拜访
    type: process
    metric: visits_per_rep
    target: 8
    per: month
    period: 2027
    owner: r002
    supports: [revenue]
    filter: {team: sw}
analysis:
  pest:
    - {id: p1, factor: political, effect: opportunity, impact: 4, text: 医保政策<u>利好</u>}
    - {id: p2, factor: economic, effect: threat, impact: 2, text: 竞品 "降价" 50%}
  personas:
    - {id: hosp, industry: 医疗, size: large, pains: [排队久, 数据孤岛], decision_chain: [信息科, 院长], premium: 10%..20%}
  capabilities:
    - {id: c1, kind: strength, text: 医疗行业案例 & 口碑}
    - {id: c2, kind: weakness, text: 华北覆盖<弱>}
    - {id: c3, kind: constraint, text: 人手不足}
strategies:
  - {id: s-med, category: market, name: 深耕西南<医疗>, goals: [revenue], answers: [p1, c1], priority: 1}
  - {id: s-edu, category: channel, name: 教育渠道 '合作', goals: [revenue, visits], answers: [p2, c2], priority: 2}
tasks:
  - {id: t1, strategy: s-med, name: 梳理<b>医院</b>名单, owner: r001, collaborators: [r002], start: 2027-02-01, due: 2027-02-20, deliverable: 名单 & 联系人, budget: {category: mkt, amount: 2万}}
  - {id: t2, strategy: s-med, name: 方案宣讲, owner: r002, start: 2027-02-21, due: 2027-03-15, depends_on: [t1], milestone: true}
  - {id: t3, strategy: s-edu, name: 签约渠道伙伴, owner: r003, start: 2027-03-01, due: 2027-04-30, resources: [合同模板]}
budget:
  total: 300万
  categories:
    - {id: mkt, name: 市场<推广>, share: 50%}
    - {id: ops, name: 客户 & 运营, share: 30%}
    - {id: train, name: 培训, share: 20%}
tiers:
  - {id: strategic, name: 战略客户, min: 100万, review_every_days: 45}
  - {id: key, name: 重点客户, min: 50万}
  - {id: potential, name: 潜力客户, min: 0}
alerts:
  stale_followup_days: 10
notify:
  - {kind: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=TOPSECRET123", secret_env: DING_SECRET}
  - {kind: email, to: boss@example.com}
YAML

check "init" "$SP" init
expect_rc 0 "check the hostile plan" "$SP" check plan.yaml
expect_rc 0 "import it" "$SP" plan import plan.yaml

# names of every goal (all levels), task, category, strategy, member, group
$PY - plan.yaml > names.txt <<'PYEOF'
import sys, yaml
p = yaml.safe_load(open(sys.argv[1]))
def goals(gs):
    for g in gs:
        yield g["name"]
        yield from goals(g.get("children", []))
for kind, vals in [("1", goals(p["goals"])), ("4", (t["name"] for t in p["tasks"])),
                   ("5", (c["name"] for c in p["budget"]["categories"])),
                   ("3", (s["name"] for s in p["strategies"])),
                   ("5", (m["name"] for g in p["team"]["groups"] for m in g["members"])),
                   ("5", (g["name"] for g in p["team"]["groups"]))]:
    for v in vals:
        print(kind + "\t" + v)
PYEOF
check "names extracted from the plan" test "$(wc -l < names.txt)" -ge 15

# esc FORMAT TEXT: how TEXT must appear in FORMAT (html: entities; md: \< and \|)
esc() {
  case $1 in
    html) $PY -c 'import html, sys; print(html.escape(sys.argv[1], quote=True).replace("&#x27;", "&#39;"))' "$2" ;;
    md) $PY -c 'import sys; print(sys.argv[1].replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<"))' "$2" ;;
    *) printf '%s\n' "$2" ;;
  esac
}

for lang in en zh; do
  for fmt in text md html; do
    expect_rc 0 "plan show ($lang, $fmt, all steps)" "$SP" --lang "$lang" plan show --format "$fmt"
    all=$OUT
    missing=""
    while IFS=$'\t' read -r step name; do
      want=$(esc "$fmt" "$name")
      case $all in *"$want"*) ;; *) missing="$missing [$name]" ;; esac
      expect_rc 0 "plan show --step $step ($lang, $fmt)" "$SP" --lang "$lang" plan show --step "$step" --format "$fmt"
      case $OUT in *"$want"*) ;; *) missing="$missing [step $step: $name]" ;; esac
    done < names.txt
    if [ -z "$missing" ]; then ok "every goal/task/category/strategy/member by name ($lang, $fmt)"
    else not_ok "names missing ($lang, $fmt):$missing"; fi
    for step in 1 2 3 4 5 6; do
      expect_rc 0 "--step $step ($lang, $fmt)" "$SP" --lang "$lang" plan show --step "$step" --format "$fmt"
    done
    check "no member id where a person reads ($lang, $fmt)" bash -c '! grep -q "r00[123]" <<<"$1"' _ "$all"
    check "the webhook's token and path never show ($lang, $fmt)" bash -c '! grep -q "TOPSECRET\|robot/send" <<<"$1" && grep -q "oapi.dingtalk.com" <<<"$1"' _ "$all"
  done
done

# ---- HTML: escaping, self-contained, printable ----
expect_rc 0 "html to a file" "$SP" --lang zh plan show --format html -o plan.html
html=$(cat plan.html)
check "no raw <script> from plan values" bash -c '! grep -qi "<script" plan.html'
contains "script escaped" "$html" "&lt;script&gt;alert(1)&lt;/script&gt;"
contains "double quotes escaped" "$html" "&quot;西南&quot;"
contains "single quote escaped" "$html" "O&#39;Neil 李"
contains "ampersand escaped" "$html" "客户 &amp; 运营"
check "no raw <b>, <i>, <u> from plan values" bash -c '! grep -q "<b>\|<i>\|<u>\|<弱>\|<推广>" plan.html'
check "self-contained: nothing loaded from outside" bash -c '! grep -Eqi "src=|href=|@import|url\(|<link|<script|<iframe|<img" plan.html'
contains "A4 landscape" "$html" "@page { size: A4 landscape"
check "one section per step, each breaking the page" bash -c '
[ "$(grep -c "<section class=\"step\"" plan.html)" = 6 ] && grep -q "break-after: page" plan.html'
check "html has the Chinese step terms" bash -c 'for t in 目标 现状分析 策略 执行计划 资源与预算 监控; do grep -q "第 [1-6] 步 · $t" plan.html || exit 1; done'
expect_rc 0 "html --step 2" "$SP" plan show --step 2 --format html
check "--step 2 html: one section, the SWOT matrix" bash -c '
[ "$(grep -c "<section class=\"step\"" <<<"$1")" = 1 ] && grep -q "class=\"swot\"" <<<"$1"' _ "$OUT"
check "html: SWOT quadrants hold the plan's items" $PY - plan.html <<'PYEOF'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
quad = dict(re.findall(r'<div class="(s|w|o|t)"><h4>.*?</h4>(.*?)</div>', h, re.S))
assert len(quad) == 4, quad
assert "医疗行业案例 &amp; 口碑" in quad["s"], quad["s"]
assert "华北覆盖&lt;弱&gt;" in quad["w"]
assert "医保政策&lt;u&gt;利好&lt;/u&gt;" in quad["o"]
assert "竞品 &quot;降价&quot; 50%" in quad["t"]
PYEOF

# ---- Markdown escaping ----
expect_rc 0 "md" "$SP" plan show --format md
check "md: no raw HTML from plan values" bash -c '! grep -q "[^\\]<script\|[^\\]<b>" <<<"$1"' _ "$OUT"

# ---- values: budget amounts from total x share, computed here ----
expect_rc 0 "step 5 (text)" "$SP" plan show --step 5
for c in mkt:50 ops:30 train:20; do
  amount=$($PY -c 'import sys; print(f"{3000000 * int(sys.argv[1]) / 100:,.2f}")' "${c#*:}")
  contains "budget ${c%%:*}: $amount" "$OUT" "$amount"
done
contains "task budget of mkt (2万)" "$OUT" "20,000.00"
contains "step 5: capacity of a rep" "$OUT" "10"
expect_rc 0 "step 6 (zh)" "$SP" --lang zh plan show --step 6
contains "stale threshold from the plan" "$OUT" "10 天"
contains "tier review rhythm" "$OUT" "每 45 天"
contains "signing named by its variable, not its value" "$OUT" "DING_SECRET"
contains "e-mail recipient" "$OUT" "boss@example.com"

# ---- usage errors ----
expect_rc 2 "--step 7 is a usage error" "$SP" plan show --step 7
contains "--step 7 says why" "$ERR" "1 to 6"
expect_rc 2 "--step 0 is a usage error" "$SP" plan show --step 0
expect_rc 2 "--step x is a usage error" "$SP" plan show --step x
expect_rc 2 "--format pdf is a usage error" "$SP" plan show --format pdf
expect_rc 2 "--format json is a usage error" "$SP" plan show --format json
expect_rc 2 "two plan ids" "$SP" plan show a b
expect_rc 1 "an unknown plan id" "$SP" plan show nope
expect_rc 0 "plan show --help" "$SP" plan show --help
contains "help names the steps" "$OUT" "--step 1..6"

# a bare plan: no analysis, strategies, tasks, budget, tiers or channels
export SALESPLAN_DB=$WORK/bare.db
check "init bare" "$SP" init
cat > bare.yaml <<'YAML'
plan: {id: bare, name: Bare, period: 2026}
team:
  groups:
    - {id: g1, name: G, members: [{id: r1, name: One, role: rep}]}
goals:
  - {id: revenue, name: Revenue, type: result, metric: revenue, target: 100万, period: 2026, owner: r1}
YAML
expect_rc 0 "import the bare plan" "$SP" plan import bare.yaml
for lang in en zh; do
  for fmt in text md html; do
    expect_rc 0 "bare plan, every step ($lang, $fmt)" "$SP" --lang "$lang" plan show --format "$fmt"
  done
done
expect_rc 0 "bare plan, step 3 (zh)" "$SP" --lang zh plan show --step 3
contains "bare plan: the default tiers, translated" "$OUT" "战略客户"
contains "bare plan: says the defaults apply" "$OUT" "采用默认分层"

# no plan yet
export SALESPLAN_DB=$WORK/empty.db
check "init empty" "$SP" init
expect_rc 1 "plan show without a plan" "$SP" plan show
finish
