# followups_pages.sh — the stale follow-ups page at scale: a page shows 50
# reps, each with its 20 stalest customers and a link to all of them
# (?rep=ID), and links to the other pages of reps (?page=N); every stale
# customer is on exactly one page, counted against plain SQL. Real
# `salesplan serve` on 127.0.0.1 (an ephemeral port), stopped by its pid.
. "$SRCDIR/tests/integration/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }
D=2026-06-30
mkdir -p data
# 61 reps; rep k has 20 + k/2 customers (rep 0: 20, rep 60: 50), each with
# an open deal and its last activity 8 + (k + c) % 50 days before D
/usr/bin/python3 - <<'PY'
import datetime
d = datetime.date(2026, 6, 30)
reps = ["rep_id,name,team,role"]
cus = ["customer_id,name,region,owner_rep_id"]
deals = ["deal_id,customer_id,owner_rep_id,created_on,stage,amount"]
acts = ["activity_id,occurred_on,rep_id,customer_id,kind"]
for k in range(61):
    r = "r%03d" % k
    reps.append("%s,销售%d,t%d,rep" % (r, k, k % 3))
    for c in range(20 + k // 2):
        cid = "c%03d-%02d" % (k, c)
        cus.append("%s,客户%s,华东,%s" % (cid, cid, r))
        deals.append("d-%s,%s,%s,2026-01-05,open,1000" % (cid, cid, r))
        on = d - datetime.timedelta(days=8 + (k + c) % 50)
        acts.append("a-%s,%s,%s,%s,call" % (cid, on.isoformat(), r, cid))
for name, rows in (("reps", reps), ("customers", cus), ("deals", deals), ("activities", acts)):
    open("data/%s.csv" % name, "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
"$SP" init --quiet >/dev/null
for t in reps customers deals activities; do
  check "import $t" "$SP" import $t data/$t.csv --quiet
done
want=$(sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM customers c WHERE EXISTS (SELECT 1 FROM deals d WHERE d.customer_id = c.customer_id AND d.stage = 'open')
  AND (SELECT max(occurred_on) FROM activities a WHERE a.customer_id = c.customer_id) < date('$D', '-7 days')")
wantr=$(sqlite3 "$SALESPLAN_DB" "SELECT count(*) FROM customers WHERE owner_rep_id = 'r060'")
echo "correct-horse-9" | "$SP" user add boss --role admin --password-stdin >/dev/null
TOK=$("$SP" token add boss | tail -1)

"$SP" serve --listen 127.0.0.1:0 --no-notify >"$WORK/serve.out" 2>"$WORK/serve.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/serve.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$WORK/serve.out")
[ -n "$PORT" ] || { not_ok "the server started"; cat "$WORK/serve.log"; finish; exit 1; }
get() { curl -s -H "Authorization: Bearer $TOK" -H "Accept-Language: en" "http://127.0.0.1:$PORT$1"; }
rows() { grep -o '<tr id="stale-' | wc -l; }
cards() { grep -o '<div class="card"><h2>' | wc -l; }

p1=$(get "/followups?as_of=$D")
contains "page 1 names the whole: every stale customer (plain SQL: $want) of 61 reps" "$p1" "$want customers of 61 reps"
contains "page 1 of 2" "$p1" "page 1 of 2"
got=$(echo "$p1" | cards)
[ "$got" = 50 ] && ok "page 1 shows 50 reps" || not_ok "page 1 shows $got reps"
got=$(echo "$p1" | rows)
[ "$got" = 1000 ] && ok "… each with its 20 stalest customers (1000 rows)" || not_ok "page 1 has $got rows"
contains "… and a link to all of a rep's customers" "$p1" "/followups?as_of=$D&amp;rep="
contains "… and to the next page" "$p1" "/followups?as_of=$D&amp;page=2"
p2=$(get "/followups?as_of=$D&page=2")
got=$(echo "$p2" | cards)
[ "$got" = 11 ] && ok "page 2 shows the other 11 reps" || not_ok "page 2 shows $got reps"
contains "… and links back" "$p2" "/followups?as_of=$D"
one=$(get "/followups?as_of=$D&rep=r060")
got=$(echo "$one" | rows)
[ "$got" = "$wantr" ] && ok "?rep=r060: all $wantr of its customers (plain SQL)" || not_ok "?rep=r060 shows $got rows, SQL says $wantr"
got=$(echo "$one" | cards)
[ "$got" = 1 ] && ok "… and no other rep" || not_ok "?rep=r060 shows $got reps"
# every stale customer on exactly one page: the rows of each rep's own page
total=0
for k in $(seq 0 60); do
  n=$(get "/followups?as_of=$D&rep=$(printf r%03d "$k")" | rows)
  total=$((total + n))
done
[ "$total" = "$want" ] && ok "the reps' own pages hold $total rows: every stale customer once" || not_ok "the reps' pages hold $total rows, SQL says $want"
zh=$(curl -s -H "Authorization: Bearer $TOK" -H "Accept-Language: zh-CN" "http://127.0.0.1:$PORT/followups?as_of=$D")
contains "in Chinese: 第 1 页，共 2 页" "$zh" "第 1 页，共 2 页"
st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "http://127.0.0.1:$PORT/followups?page=0")
[ "$st" = 400 ] && ok "?page=0 is refused (400)" || not_ok "?page=0 answered $st"
finish
