#!/usr/bin/env bash
# report.sh — `salesplan report`: the monthly review pack (SPEC §10).
# A workspace from the examples; the Markdown pack in both languages against
# golden files (UPDATE_GOLDEN=1 regenerates them), several numbers of the
# pack checked against plain SQL / the plan file computed here, the HTML
# page (parses, has SVG charts, no outside references, escapes hostile
# names), -o, --help, usage errors and the workspace without a plan.
. "$(dirname "$0")/lib.sh"

GOLDEN=$SRCDIR/tests/golden
D=2026-11-26
# the October pack is asked for as of D (in November) but shows October:
# every figure is as of the period's last day at the latest (issue 6.3)
DE=2026-10-31

# ---- the workspace ----
check "init" $SP init
check "plan import" $SP plan import "$SRCDIR/examples/plan-zh.yaml"
for t in reps customers leads deals activities invoices spend; do
  check "import $t" $SP import $t "$SRCDIR/examples/data/$t.csv"
done
check "review for 2026-10" $SP review add --period 2026-10 --goal revenue --cause "10月大单延期 | 客户预算冻结" \
  --lesson "提前锁定预算" --action "11月追回延期订单"
check "review for 2026-09 (not in the pack)" $SP review add --period 2026-09 --cause "九月的原因"

# ---- golden files ----
for lang in en zh; do
  f=$GOLDEN/report-2026-10-$lang.md
  expect_rc 0 "report md ($lang)" $SP --lang $lang report --period 2026-10 --as-of $D --format md
  printf '%s\n' "$OUT" >"$WORK/report-$lang.md"
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$WORK/report-$lang.md" "$f"
    ok "golden $lang regenerated"
  elif diff -u "$f" "$WORK/report-$lang.md" >"$WORK/diff-$lang"; then
    ok "report md ($lang) matches $(basename "$f")"
  else
    not_ok "report md ($lang) differs from $(basename "$f")"
    head -40 "$WORK/diff-$lang" | sed 's/^/#   /'
  fi
done
MD=$(cat "$WORK/report-en.md")
MDZ=$(cat "$WORK/report-zh.md")

# ---- numbers checked independently ----
# money of integer fen as "1,234.56"
fmt() { python3 -c 'import sys; v=int(sys.argv[1]); s="-" if v<0 else ""; v=abs(v); print(f"{s}{v//100:,}.{v%100:02d}")' "$1"; }

# revenue and deals won of October per team (teams without deals show 0),
# each under its name from the plan's team groups (its id when the plan has
# no such group)
team_label() { /usr/bin/python3 -c 'import sys, yaml
p = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print({g["id"]: g.get("name", g["id"]) for g in p["team"]["groups"]}.get(sys.argv[2], sys.argv[2]))' \
  "$SRCDIR/examples/plan-zh.yaml" "$1"; }
while IFS='|' read -r team rev n; do
  contains "October revenue of team $team" "$MD" "| $(team_label "$team") | $(fmt "$rev") | $n |"
done < <(sqlite3 "$SALESPLAN_DB" "
  SELECT t.team, COALESCE(SUM(CASE WHEN d.stage='won' AND d.closed_on BETWEEN '2026-10-01' AND '2026-10-31'
                                   THEN d.amount END), 0),
         COUNT(CASE WHEN d.stage='won' AND d.closed_on BETWEEN '2026-10-01' AND '2026-10-31' THEN 1 END)
  FROM (SELECT DISTINCT team FROM reps WHERE team IS NOT NULL AND team <> '') t
  LEFT JOIN reps r ON r.team = t.team LEFT JOIN deals d ON d.owner_rep_id = r.rep_id
  GROUP BY t.team ORDER BY t.team")
tot=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) || '|' || COUNT(*) FROM deals
  WHERE stage='won' AND closed_on BETWEEN '2026-10-01' AND '2026-10-31'")
contains "October revenue total" "$MD" "| Total | $(fmt "${tot%%|*}") | ${tot##*|} |"

# marketing: allocation 200万 × 40 %, spend in October, spend of the plan's
# year up to the end of October
mk=$(sqlite3 "$SALESPLAN_DB" "SELECT SUM(amount) FROM spend WHERE category='marketing'
  AND spent_on BETWEEN '2026-01-01' AND '$DE'")
mkp=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM spend WHERE category='marketing'
  AND spent_on BETWEEN '2026-10-01' AND '$DE'")
mkpct=$(python3 -c "print(f'{round($mk / 80000000 * 100, 1):.1f}%')")
contains "marketing burn (October, to date)" "$MD" "| marketing | 市场推广 | 800,000.00 | $(fmt "$mkp") | $(fmt "$mk") | $mkpct |"
over=$(sqlite3 "$SALESPLAN_DB" "SELECT COUNT(*) FROM (SELECT category FROM spend
  WHERE spent_on BETWEEN '2026-01-01' AND '$DE' GROUP BY category
  HAVING SUM(amount) > CASE category WHEN 'marketing' THEN 80000000 WHEN 'customer_ops' THEN 60000000
                                     WHEN 'training' THEN 40000000 WHEN 'reserve' THEN 20000000 ELSE 0 END)")
contains "budget overruns counted" "$MD" "| budget overruns | $over |"

# overdue tasks: the plan's tasks not done (task_states) with due < D
sqlite3 "$SALESPLAN_DB" "SELECT task_id || ' ' || status FROM task_states" >"$WORK/states.txt"
count_overdue() {
  python3 - "$SRCDIR/examples/plan-zh.yaml" "$WORK/states.txt" "$DE" <<'EOF'
import sys, yaml, datetime
plan = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
states = dict(l.split() for l in open(sys.argv[2]) if l.strip())
d = datetime.date.fromisoformat(sys.argv[3])
print(sum(1 for t in plan.get("tasks", []) if states.get(t["id"], "todo") != "done"
          and datetime.date.fromisoformat(str(t["due"])) < d))
EOF
}
n=$(count_overdue)
rows=$(printf '%s\n' "$MD" | sed -n '/^## Overdue tasks/,/^## /p' | grep -c '^| [a-z]' || true)
[ "$rows" = "$((n + 1))" ] && ok "overdue rows ($n) match the plan and the task states" \
  || not_ok "overdue rows: $rows lines (header included), wanted $n tasks"
contains "overdue count in the alerts summary" "$MD" "| overdue tasks | $n |"
days=$(python3 -c "import datetime as d; print((d.date(2026,10,31)-d.date(2026,4,15)).days)")
contains "days overdue of bench-select (owner by name)" "$MD" "| bench-select | 筛选3家意向客户 | 王强 | 2026-04-15 | $days | to do |"
# the task done: no overdue task any more
check "task set done" $SP task set bench-select --status done
sqlite3 "$SALESPLAN_DB" "SELECT task_id || ' ' || status FROM task_states" >"$WORK/states.txt"
[ "$(count_overdue)" = 0 ] && ok "independent count is 0 once done" || not_ok "independent count after done"
expect_rc 0 "report after the task is done" $SP report --period 2026-10 --as-of $D
contains "no overdue task" "$OUT" "No overdue tasks."
contains "alerts agree" "$OUT" "| overdue tasks | 0 |"
check "task set todo again" $SP task set bench-select --status todo

# goals: October's own figures (target share 5000万 × 31/365, actual,
# attainment) and the annual revenue to the end of October beside them
rev=$(sqlite3 "$SALESPLAN_DB" "SELECT SUM(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '$DE'")
att=$(python3 -c "print(f'{round($rev / 5000000000 * 100, 1):.1f}%')")
octt=$(python3 -c "from fractions import Fraction as F; import math; print(math.floor(F(5000000000*31,365)+F(1,2)))")
octa=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-10-01' AND '$DE'")
octp=$(python3 -c "from fractions import Fraction as F; print(f'{round(float(F($octa) / F(5000000000*31,365) * 100), 1):.1f}%')")
contains "revenue goal: October and to date" "$MD" \
  "| revenue | 年度营收 | 2026 | 50,000,000.00 | $(fmt "$octt") | $(fmt "$octa") | $octp | $(fmt "$rev") | $att |"
q4t=$(python3 -c "from fractions import Fraction as F; import math; print(math.floor(F(1600000000*31,92)+F(1,2)))")
contains "Q4 child: October's share of its target" "$MD" "| ↳ revenue-q4 | 年度营收 2026-Q4 | 2026-Q4 | 16,000,000.00 | $(fmt "$q4t") | $(fmt "$octa") |"
contains "Q3 child does not meet October" "$MD" "| ↳ revenue-q3 | 年度营收 2026-Q3 | 2026-Q3 | 12,000,000.00 | — | — | — |"
# the per-month leads goal shows October (not November), 200 a month
ql=$(sqlite3 "$SALESPLAN_DB" "SELECT COUNT(*) FROM leads WHERE qualified=1 AND region='华东' AND industry='制造业'
  AND created_on BETWEEN '2026-10-01' AND '$DE'")
qlp=$(python3 -c "print(f'{round($ql / 200 * 100, 1):.1f}%')")
contains "leads goal: October" "$MD" "| leads | 华东制造业月度合格线索 | 2026 (per month 2026-10) | 200 | 200 | $ql | $qlp | $ql | $qlp |"
case $MD in *2026-11*) not_ok "a November figure in the October pack: $(printf '%s\n' "$MD" | grep -m1 2026-11)" ;;
  *) ok "nothing of November in the October pack" ;; esac
# the month-by-month line: cumulative actual of October, its last month
cum=$(sqlite3 "$SALESPLAN_DB" "SELECT SUM(amount) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-01-01' AND '2026-10-31'")
oct=$(sqlite3 "$SALESPLAN_DB" "SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2026-10-01' AND '2026-10-31'")
tgt=$(python3 -c "from fractions import Fraction as F; import math; v=F(5000000000*304,365); print(math.floor(v+F(1,2)))")
contains "October on the monthly line" "$MD" "| 2026-10 | $(fmt "$oct") | $(fmt "$cum") | $(fmt "$tgt") |"
last=$(printf '%s\n' "$MD" | sed -n '/^## Revenue month by month/,/^## /p' | grep '^| 2026-' | tail -1)
case $last in "| 2026-10 |"*) ok "the monthly line ends with October" ;; *) not_ok "the monthly line ends with: $last" ;; esac
# tiers: customers whose T12M (won deals in (DE − 1 year, DE]) reaches 100万
strat=$(sqlite3 "$SALESPLAN_DB" "SELECT COUNT(*) FROM (SELECT customer_id FROM deals WHERE stage='won'
  AND closed_on > '2025-10-31' AND closed_on <= '$DE' GROUP BY customer_id HAVING SUM(amount) >= 100000000)")
contains "strategic customers" "$MD" "| 战略客户 | $strat |"
# the review notes of October only, with the pipe escaped
contains "review note of the period" "$MD" '| revenue | 10月大单延期 \| 客户预算冻结 | 提前锁定预算 | 11月追回延期订单 |'
case $MD in *九月的原因*) not_ok "a review of another period leaked in" ;; *) ok "other periods' reviews left out" ;; esac

# the alerts summary agrees with `salesplan alerts` (every kind)
$SP alerts --as-of $DE --format json >"$WORK/alerts.json"
while read -r label kind; do
  n=$(python3 -c 'import json,sys; print(sum(1 for a in json.load(open(sys.argv[1]))["alerts"] if a["kind"]==sys.argv[2]))' "$WORK/alerts.json" "$kind")
  contains "alerts summary: $kind" "$MD" "| ${label//_/ } | $n |"
done <<'EOF2'
stale_follow-ups stale_followup
goals_off_pace goal_off_pace
strategic_reviews_due tier_review_due
EOF2

# the Chinese pack
contains "zh heading" "$MDZ" "# 月度复盘：2026-10"
contains "zh goals" "$MDZ" "## 目标"
contains "zh budget" "$MDZ" "## 预算消耗"
case $MDZ in *"Overdue tasks"*|*"Budget burn"*) not_ok "English heading in the zh pack" ;; *) ok "zh pack has no English headings" ;; esac

# default as-of: the last day of a past period, today while it runs
export SALESPLAN_TODAY=$D
a=$($SP report --period 2026-10); b=$($SP report --period 2026-10 --as-of 2026-10-31)
[ "$a" = "$b" ] && ok "as-of defaults to the end of a past period" || not_ok "default as-of of a past period"
a=$($SP report --period 2026-11); b=$($SP report --period 2026-11 --as-of $D)
[ "$a" = "$b" ] && ok "as-of defaults to today while the period runs" || not_ok "default as-of of a running period"
unset SALESPLAN_TODAY

# ---- HTML ----
expect_rc 0 "report html" $SP report --period 2026-10 --as-of $D --format html
printf '%s\n' "$OUT" >"$WORK/r.html"
html_check() {
  python3 - "$1" <<'EOF'
import sys, html.parser
VOID = {"meta", "br", "img", "input", "link", "hr"}
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.bad = []; s.tags = set()
    def handle_starttag(s, t, a):
        s.tags.add(t)
        if t in ("script", "iframe", "object", "embed"): s.bad.append("tag " + t)
        for k, v in a:
            if k.startswith("on") or (v and ("http:" in v or "https:" in v or "//" in v[:2])): s.bad.append(f"attr {k}={v}")
        if t not in VOID: s.stack.append(t)
    def handle_startendtag(s, t, a): s.tags.add(t)
    def handle_endtag(s, t):
        if not s.stack or s.stack[-1] != t: s.bad.append(f"unbalanced </{t}> in {s.stack[-3:]}")
        else: s.stack.pop()
text = open(sys.argv[1], encoding="utf-8").read()
p = P(); p.feed(text); p.close()
if p.stack: p.bad.append(f"unclosed {p.stack}")
for need in ("html", "head", "style", "body", "svg", "table", "polyline", "rect"):
    if need not in p.tags: p.bad.append("no <" + need + ">")
if text.count("<svg") < 2: p.bad.append("fewer than two charts")
if "@media print" not in text: p.bad.append("no print style")
if "WenQuanYi Micro Hei" not in text: p.bad.append("no CJK font")
print("; ".join(p.bad[:5]))
sys.exit(1 if p.bad else 0)
EOF
}
check "html parses, is balanced, has charts, no scripts" html_check "$WORK/r.html"
if grep -q -e 'http://' -e 'https://' "$WORK/r.html"; then not_ok "html references the outside"; else ok "html has no http(s) references"; fi
contains "html svg" "$OUT" "<svg"
contains "html 100% line" "$OUT" 'class="target"'
contains "html marketing spend" "$OUT" "$(fmt "$mk")"
contains "html title of the period" "$OUT" "<title>Monthly review: 2026-10"
contains "html review escaped" "$OUT" "10月大单延期 | 客户预算冻结"
expect_rc 0 "report html zh" $SP --lang zh report --period 2026-10 --as-of $D --format html
contains "html zh lang" "$OUT" '<html lang="zh-CN">'
contains "html zh axis label" "$OUT" "达成率（实际 / 目标）"

# -o FILE
expect_rc 0 "-o writes a file" $SP report --period 2026-10 --as-of $D --format html -o "$WORK/out.html"
[ -z "$OUT" ] && ok "-o: nothing on stdout" || not_ok "-o: stdout not empty"
cmp -s "$WORK/out.html" "$WORK/r.html" && ok "-o file equals stdout output" || not_ok "-o file differs"
expect_rc 0 "-o md" $SP report --period 2026-10 --as-of $D -o "$WORK/out.md"
cmp -s "$WORK/out.md" <(printf '%s\n' "$MD") && ok "-o md equals the golden run" || not_ok "-o md differs"
expect_rc 1 "-o into a missing directory" $SP report --period 2026-10 -o "$WORK/nodir/x.md"
contains "-o error names the file" "$ERR" "nodir/x.md"

# ---- usage ----
expect_rc 0 "--help" $SP report --help
contains "--help usage" "$OUT" "Usage: salesplan report --period P"
expect_rc 2 "bad --period" $SP report --period 2026-13
contains "bad --period message" "$ERR" "2026-13"
expect_rc 2 "missing --period" $SP report
expect_rc 2 "bad --format" $SP report --period 2026-10 --format xml
expect_rc 2 "bad --as-of" $SP report --period 2026-10 --as-of 2026-02-30
expect_rc 2 "stray argument" $SP report --period 2026-10 extra
expect_rc 1 "no plan" env SALESPLAN_DB="$WORK/empty.db" sh -c '"$0" init >/dev/null && "$0" report --period 2026-10' "$SP"
contains "no plan message" "$ERR" "no plan"

# ---- hostile names ----
export SALESPLAN_DB=$WORK/hostile.db
cat >"$WORK/hostile.yaml" <<'EOF'
plan:
  id: evil
  name: "Evil & <Co>"
  period: 2026
team:
  groups:
    - id: g1
      name: "<G&>"
      members:
        - {id: r1, name: Eve, role: rep}
goals:
  - id: rev
    name: "<script>alert(1)</script>"
    metric: revenue
    target: 100万
    period: 2026
    owner: r1
tasks:
  - id: t1
    name: "task \"quoted\" & 'single' <b>"
    owner: r1
    start: 2026-01-05
    due: 2026-02-01
EOF
printf 'rep_id,name,team,role\nr1,Eve,"<img src=x onerror=alert(2)>|x",rep\n' >"$WORK/reps.csv"
printf 'deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount\nd1,c1,r1,2026-09-01,2026-10-10,won,1000\n' >"$WORK/deals.csv"
printf 'customer_id,name,owner_rep_id\nc1,"<i>Cust</i>",r1\n' >"$WORK/customers.csv"
check "hostile init" $SP init
check "hostile plan import" $SP plan import "$WORK/hostile.yaml"
printf 'spend_id,spent_on,category,amount\ns1,2026-03-01,"<sp&>",12.5\n' >"$WORK/spend.csv"
for t in reps customers deals spend; do check "hostile import $t" $SP import $t "$WORK/$t.csv"; done
check "hostile review" $SP review add --period 2026-10 --cause "</td></tr><script>x()</script>"
expect_rc 0 "hostile html" $SP report --period 2026-10 --as-of 2026-11-26 --format html
H=$OUT
printf '%s\n' "$H" >"$WORK/h.html"
contains "goal name escaped" "$H" "&lt;script&gt;alert(1)&lt;/script&gt;"
contains "team name escaped" "$H" "&lt;img src=x onerror=alert(2)&gt;|x"
contains "task name escaped" "$H" "task &quot;quoted&quot; &amp; &#39;single&#39; &lt;b&gt;"
contains "plan name escaped" "$H" "Evil &amp; &lt;Co&gt;"
contains "unplanned spend category escaped" "$H" "&lt;sp&amp;&gt;"
contains "review escaped" "$H" "&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;x()&lt;/script&gt;"
case $H in *"<script"*|*"<img"*|*"<i>"*) not_ok "raw hostile markup in the html" ;; *) ok "no raw hostile markup" ;; esac
check "hostile html still balanced" html_check "$WORK/h.html"
expect_rc 0 "hostile md" $SP report --period 2026-10 --as-of 2026-11-26
contains "md escapes | and < in cells" "$OUT" '| \<img src=x onerror=alert(2)>\|x | 1,000.00 | 1 |'
contains "md goal name without raw html" "$OUT" '| rev | \<script>alert(1)\</script> |'

finish
