#!/usr/bin/env bash
# weekly.sh — the weekly pack (周报, issue 10 "The weekly pack"):
# `report --period YYYY-Www` shows this week against the whole week before
# and the pace for each goal, the deals won, created and lost in the week,
# leads and visits per rep in both weeks, each rep's stale follow-ups by
# customer name, the tasks due in the week after and the overdue tasks.
#
# Data: the trial company of tests/data/trial (GBK export, Chinese names)
# plus rows written here around week 2027-W26 (2027-06-28..07-04) as of
# Wednesday 2027-06-30: on its Monday, on D, after D inside the week (never
# counted), on the Sunday before (last week) and the Monday before. Every
# number asserted is computed independently: SQL on the workspace (Python's
# sqlite3) or `alerts --format json`.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
DATA=$SRCDIR/tests/data/trial
D=2027-06-30
W=2027-W26

# the trial plan with two tasks due in the week after W26 (one done) and one
# due the week after that
sed 's/^  - {id: t-upsell, /  - {id: t-nextwk, strategy: s-ret, name: 东北续约清单, owner: e01, start: 2027-06-20, due: 2027-07-06}\n  - {id: t-donewk, strategy: s-ret, name: 已完成的任务, owner: e02, start: 2027-06-20, due: 2027-07-07}\n  - {id: t-later, strategy: s-ret, name: 更晚的任务, owner: e02, start: 2027-06-20, due: 2027-07-12}\n  - {id: t-upsell, /' \
  "$DATA/plan.yaml" >plan.yaml
check "the plan has the added tasks" grep -q t-nextwk plan.yaml
check "init" "$SP" init
expect_rc 0 "plan import" "$SP" plan import plan.yaml
for t in reps customers leads deals activities invoices spend; do
  expect_rc 0 "import $t (GBK)" "$SP" import "$t" "$DATA/$t.csv"
done

cat >deals.csv <<'EOF'
deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount
WK1,C001,s02,智慧医院平台,2027-06-01,2027-06-28,won,50万
WK2,C002,s03,HIS升级,2027-06-10,2027-06-30,won,12.5万
WK3,C003,s02,智慧医院平台,2027-06-10,2027-07-01,won,99万
WK4,C004,n02,智慧校园,2027-06-01,2027-06-27,won,7万
WK5,C005,s02,HIS升级,2027-05-01,2027-06-29,lost,30万
WK6,C006,n02,智慧校园,2027-06-28,,open,8万
WK7,C007,s02,智慧医院平台,2027-07-02,,open,66万
WK8,C008,e02,零售中台,2027-06-30,2027-06-30,won,"1,234.56"
EOF
cat >leads.csv <<'EOF'
lead_id,created_on,source,region,industry,owner_rep_id,qualified
WL1,2027-06-28,官网,西南,医疗,s02,1
WL2,2027-06-30,展会,西南,医疗,s02,0
WL3,2027-07-01,官网,华北,教育,n02,1
WL4,2027-06-21,官网,华北,教育,n02,1
WL5,2027-06-27,官网,华北,教育,n02,0
WL6,2027-06-28,转介绍,东北,零售,e02,1
EOF
cat >activities.csv <<'EOF'
activity_id,occurred_on,rep_id,customer_id,kind
WA1,2027-06-29,s02,C001,visit
WA2,2027-06-29,s03,C002,call
WA3,2027-06-22,n02,C004,visit
WA4,2027-07-02,s02,C003,visit
WA5,2027-06-30,e02,C008,visit
EOF
for t in deals leads activities; do
  expect_rc 0 "import the week's $t" "$SP" import "$t" "$t.csv"
done
expect_rc 0 "task set t-donewk done" "$SP" task set t-donewk --status done

for lang in zh en; do
  expect_rc 0 "weekly pack ($lang, Markdown)" "$SP" --lang "$lang" report --period "$W" --as-of "$D"
  printf '%s\n' "$OUT" >"pack-$lang.md"
  expect_rc 0 "weekly pack ($lang, HTML)" "$SP" --lang "$lang" report --period "$W" --as-of "$D" --format html -o "pack-$lang.html"
done
expect_rc 0 "alerts as of D (JSON)" "$SP" alerts --as-of "$D" --format json
printf '%s\n' "$OUT" >alerts.json
expect_rc 0 "monthly pack" "$SP" --lang en report --period 2027-06 --as-of "$D"
printf '%s\n' "$OUT" >month.md

# The assertions, in Python: the pack's Markdown tables against SQL.
D=$D W=$W $PY - >checks.txt 2>&1 <<'PYEOF'
import json, os, re, sqlite3
db = sqlite3.connect(os.environ["SALESPLAN_DB"])
D = os.environ["D"]
MON, SUN = "2027-06-28", "2027-07-04"
PMON, PSUN = "2027-06-21", "2027-06-27"

def q(sql, *a):
    r = db.execute(sql, a).fetchone()
    return r[0] if r and r[0] is not None else 0

def res(ok, desc, detail=""):
    print(("PASS " if ok else "FAIL ") + desc + ("" if ok else "  -- " + detail))

def sections(md):
    """heading text -> list of tables (each a list of rows of cells)"""
    out, cur, tab = {}, None, None
    for line in md.splitlines():
        if line.startswith("#"):
            cur = line.lstrip("#").strip()
            out[cur] = []
            tab = None
        elif line.startswith("|") and cur is not None:
            cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            if all(re.fullmatch(r"-+:?", c) for c in cells):
                continue
            if tab is None:
                tab = []
                out[cur].append(tab)
            tab.append(cells)
        else:
            tab = None
    return out

def find(secs, prefix):
    for k, v in secs.items():
        if k.startswith(prefix):
            return v
    return None

def same(s, v):
    """the shown amount s is v fen: exact in yuan; in 万 to the 0.01万 shown"""
    return abs(fen(s) - v) <= (5000 if s.endswith("万") else 0)

def fen(s):
    """an amount as the pack shows it, in fen: 1,234.56 or 12.5万"""
    s = s.replace(",", "")
    if s.endswith("万"):
        return round(float(s[:-1]) * 1000000)
    return round(float(s) * 100)

rep_name = dict(db.execute("select rep_id, name from reps"))
cust_name = dict(db.execute("select customer_id, name from customers"))

for lang, title, won_h, new_h, lost_h, reps_h, stale_h, next_h, cmp_h in [
    ("zh", "周报：2027-W26", "赢单", "新建", "输单", "各销售的线索与拜访", "各销售的超期未跟进客户", "下周到期的任务", "本周与上周对比"),
    ("en", "Weekly report: 2027-W26", "Won", "New", "Lost", "Leads and visits per rep", "Stale follow-ups per rep", "Tasks due next week", "This week against last week"),
]:
    md = open(f"pack-{lang}.md", encoding="utf-8").read()
    s = sections(md)
    res(title in s, f"{lang}: titled {title}", str(list(s)[:3]))
    # deals of the week: count and sum against SQL, nothing after D
    for head, where in [(won_h, f"stage='won' and closed_on between '{MON}' and '{D}'"),
                        (new_h, f"created_on between '{MON}' and '{D}'"),
                        (lost_h, f"stage='lost' and closed_on between '{MON}' and '{D}'")]:
        n, total = q(f"select count(*) from deals where {where}"), q(f"select sum(amount) from deals where {where}")
        t = s.get(head)
        if not t:
            res(n == 0, f"{lang}: {head}: no table when SQL has no deal", f"SQL {n}")
            continue
        last = t[0][-1]
        shown_n = int(re.search(r"\d+", last[1]).group())
        res(shown_n == n, f"{lang}: {head}: {n} deals = SQL", f"pack {last}")
        res(same(last[-1], total), f"{lang}: {head}: total {total} fen = SQL", f"pack {last[-1]}")
        ids = [r[0] for r in db.execute(f"select customer_id from deals where {where}")]
        names = {r[1] for r in t[0][1:-1]}
        res(all(cust_name.get(i, i) in names for i in ids), f"{lang}: {head}: customers by name", f"{names}")
    res("99万" not in md and "990,000.00" not in md, f"{lang}: a deal won after D (07-01) is not shown")
    res("66万" not in md and "660,000.00" not in md, f"{lang}: a deal created after D is not shown")
    # leads and visits per rep, this week (to D) and the whole week before
    t = find(s, reps_h)
    rows = {r[0]: r for r in t[0][1:]} if t else {}
    bad = []
    for rid, name in rep_name.items():
        want = [q("select count(*) from leads where owner_rep_id=? and created_on between ? and ?", rid, MON, D),
                q("select count(*) from leads where owner_rep_id=? and created_on between ? and ?", rid, PMON, PSUN),
                q("select count(*) from activities where rep_id=? and kind='visit' and occurred_on between ? and ?", rid, MON, D),
                q("select count(*) from activities where rep_id=? and kind='visit' and occurred_on between ? and ?", rid, PMON, PSUN)]
        r = rows.get(name or rid)
        if r is None or [int(x) for x in r[2:6]] != want:
            bad.append((rid, want, r))
    res(t is not None and not bad, f"{lang}: leads and visits of every rep, both weeks = SQL ({len(rep_name)} reps)", str(bad[:3]))
    # stale follow-ups per rep = alerts --format json, names not ids
    al = [a for a in json.load(open("alerts.json"))["alerts"] if a["kind"] == "stale_followup"]
    per = {}
    for a in al:
        per.setdefault(a["owner"], []).append(a)
    t = find(s, stale_h)
    got = {r[0]: r for r in t[0][1:]} if t else {}
    bad = []
    for owner, lst in per.items():
        r = got.get(rep_name.get(owner) or owner)
        first = cust_name.get(lst[0]["customer_id"], lst[0]["customer_id"])
        if r is None or int(r[1]) != len(lst) or int(r[2]) != lst[0]["days"] or not r[3].startswith(first):
            bad.append((owner, len(lst), lst[0]["days"], first, r))
    res(bool(per) and not bad and len(got) == len(per), f"{lang}: stale follow-ups per rep = alerts ({len(al)})", str(bad[:3]))
    # tasks due next week: not done, due 07-05..07-11
    t = find(s, next_h)
    ids = [r[0] for r in t[0][1:]] if t else []
    res(ids == ["t-nextwk"], f"{lang}: tasks due next week: only the open one", str(ids))
    res(t is not None and t[0][1][2] == rep_name["e01"], f"{lang}: task owner shown by name", str(t and t[0][1]))
    # this week against last week: the revenue goal
    t = find(s, cmp_h)
    rev = {r[0]: r for r in t[0][1:]}.get("revenue") if t else None
    this = q(f"select sum(amount) from deals where stage='won' and closed_on between '{MON}' and '{D}'")
    prev = q(f"select sum(amount) from deals where stage='won' and closed_on between '{PMON}' and '{PSUN}'")
    ok = rev is not None and same(rev[3], this) and same(rev[4], prev) and same(rev[5].lstrip("+"), this - prev)
    res(ok, f"{lang}: revenue this week {this}, last week {prev}, change = SQL", str(rev))

month = open("month.md", encoding="utf-8").read()
res("Monthly review: 2027-06" in month and "Leads and visits per rep" not in month,
    "a monthly pack has no weekly sections")
html = open("pack-zh.html", encoding="utf-8").read()
res("<h2>本周商机（2027-W26）</h2>" in html and "<h3>赢单</h3>" in html, "HTML: the weekly sections")
PYEOF
while IFS= read -r line; do
  case $line in
    PASS\ *) ok "${line#PASS }" ;;
    FAIL\ *) not_ok "${line#FAIL }" ;;
    *) echo "# $line" ;;
  esac
done <checks.txt
check "the Python checks ran" grep -q '^PASS' checks.txt
finish
