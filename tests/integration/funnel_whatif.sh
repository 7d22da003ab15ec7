#!/usr/bin/env bash
# funnel_whatif.sh — the reverse funnel's units and its what-if (issue 6,
# items 1 and 21), on a plan written for another company than the examples
# (tests/data/numbers: 6 reps of role rep, 8 visits per rep a month).
# Every number is computed here from the plan file and plain SQL on the
# workspace, following SPEC §7, not the C code.
. "$(dirname "$0")/lib.sh"
DATA=$SRCDIR/tests/data/numbers
D=2027-02-28

check "init" $SP init
check "plan import" $SP plan import "$DATA/plan.yaml"
for t in reps customers leads deals activities spend; do check "import $t" $SP import $t "$DATA/$t.csv"; done

# ---- the plan side: a monthly rate is not spread over months ----------------
# visits_per_rep 8 (a rate per rep and month) × the plan's members of role rep
want_visits=$(/usr/bin/python3 - "$DATA/plan.yaml" <<'PY'
import sys, yaml
p = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
reps = sum(1 for g in p["team"]["groups"] for m in g["members"] if m["role"] == "rep")
vpr = [g for g in p["goals"] if g["metric"] == "visits_per_rep"][0]["target"]
print(f"{vpr * reps:.2f}")
PY
)
expect_rc 0 "funnel json" $SP funnel --goal revenue --as-of $D --format json
printf '%s' "$OUT" >"$WORK/f.json"
got=$(python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["plan"]["visits"])' "$WORK/f.json")
[ "$got" = "$want_visits" ] && ok "plan visits a month = 8 × reps ($got)" || not_ok "plan visits a month: $got, want $want_visits"
expect_rc 0 "funnel table" $SP funnel --goal revenue --as-of $D
contains "table shows the plan's visits a month" "$OUT" "$(printf '%.1f' "$want_visits")"
expect_rc 0 "report of 2027-02" $SP report --period 2027-02 --as-of $D
row=$(printf '%s\n' "$OUT" | sed -n '/^## Reverse funnel/,/^## /p' | grep '^| visits | ' | head -1)
case $row in *"| $(printf '%.1f' "$want_visits") |"*) ok "review pack's plan visits ($row)" ;;
  *) not_ok "review pack's plan visits: $row, want $(printf '%.1f' "$want_visits")" ;; esac

# ---- the history, by SQL ------------------------------------------------------
Y=$(python3 -c 'import datetime as d; x=d.date.fromisoformat("'$D'"); print(x.replace(year=x.year-1))')
hist=$(sqlite3 "$SALESPLAN_DB" "SELECT
  (SELECT COUNT(*) FROM deals WHERE stage='won' AND closed_on > '$Y' AND closed_on <= '$D') || ' ' ||
  (SELECT SUM(amount) FROM deals WHERE stage='won' AND closed_on > '$Y' AND closed_on <= '$D') || ' ' ||
  (SELECT COUNT(*) FROM deals WHERE stage='lost' AND closed_on > '$Y' AND closed_on <= '$D') || ' ' ||
  (SELECT COUNT(*) FROM leads WHERE created_on > '$Y' AND created_on <= '$D') || ' ' ||
  (SELECT COUNT(*) FROM leads WHERE created_on > '$Y' AND created_on <= '$D' AND opportunity_id IS NOT NULL AND opportunity_id <> '') || ' ' ||
  (SELECT COUNT(*) FROM leads WHERE created_on > '$Y' AND created_on <= '$D' AND qualified = 1) || ' ' ||
  (SELECT COUNT(*) FROM activities WHERE kind='visit' AND occurred_on > '$Y' AND occurred_on <= '$D') || ' ' ||
  (SELECT COALESCE(SUM(amount),0) FROM deals WHERE stage='won' AND closed_on BETWEEN '2027-01-01' AND '$D')")
echo "# history: $hist"

# expect.py HIST CHANGES...: the needs per month (current and what-if) as JSON
cat >"$WORK/expect.py" <<'PY'
import sys, json, calendar, datetime as dt
won, amount, lost, leads, conv, qual, visits, actual = map(int, sys.argv[1].split())
target = 1200_0000_00                      # 1200万 in fen (the plan's revenue goal)
d = dt.date(2027, 2, 28)
# months left: Σ over the months of (D, 2027-12-31] of days inside / days of the month
m, x = 0.0, d + dt.timedelta(days=1)
while x <= dt.date(2027, 12, 31):
    dim = calendar.monthrange(x.year, x.month)[1]
    m += (dim - x.day + 1) / dim
    x = dt.date(x.year, x.month, dim) + dt.timedelta(days=1)
months = max(m, 1)
avg = (2 * amount + won) // (2 * won)      # rounded half up (positive)
rates = {"avg_deal_size": avg, "win_rate": won / (won + lost), "lead_conversion_rate": conv / leads}
def needs(r):
    rem = max(target - actual, 0)
    deals = rem / r["avg_deal_size"] / months
    opp = deals / r["win_rate"]
    ld = opp / r["lead_conversion_rate"]
    return {"deals": deals, "opportunities": opp, "leads": ld, "qualified_leads": ld * qual / leads,
            "visits": deals * visits / won}
w = dict(rates)
for ch in sys.argv[2:]:
    k, v = ch.split("=")
    if v.endswith("pp"): w[k] = rates[k] + float(v[:-2]) / 100
    elif v[0] in "+-" and v.endswith("%"):
        w[k] = rates[k] * (1 + float(v[:-1]) / 100)
        if k == "avg_deal_size": w[k] = int(w[k] + 0.5)
    elif v.endswith("%"): w[k] = float(v[:-1]) / 100
    elif v.endswith("万"): w[k] = int(round(float(v[:-1]) * 10000 * 100))
    else: w[k] = int(round(float(v) * 100)) if k == "avg_deal_size" else float(v)
print(json.dumps({"current": needs(rates), "what_if": needs(w), "rates": rates, "w": w}))
PY

# whatif DESC CHANGES...: funnel --what-if … --format json against expect.py
whatif() {
  local desc=$1; shift
  local args=() ch
  for ch in "$@"; do args+=(--what-if "$ch"); done
  if ! $SP funnel --goal revenue --as-of $D --format json "${args[@]}" >"$WORK/w.json" 2>"$WORK/err"; then
    not_ok "$desc (funnel failed: $(head -2 "$WORK/err"))"; return; fi
  python3 "$WORK/expect.py" "$hist" "$@" >"$WORK/want.json"
  local why
  if why=$(python3 - "$WORK/w.json" "$WORK/want.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["what_if"]
want = json.load(open(sys.argv[2]))
errs = []
for k in ("deals", "opportunities", "leads", "qualified_leads", "visits"):
    g = got["per_month"][k]
    for side in ("current", "what_if"):
        if abs(g[side] - want[side][k]) > 0.006:
            errs.append(f"{k} {side}: {g[side]} != {want[side][k]:.4f}")
    if abs(g["difference"] - (want["what_if"][k] - want["current"][k])) > 0.011:
        errs.append(f"{k} difference {g['difference']}")
r = got["rates"]
if abs(r["win_rate"]["what_if"] - want["w"]["win_rate"]) > 5e-5: errs.append("win_rate what_if")
if abs(r["lead_conversion_rate"]["what_if"] - want["w"]["lead_conversion_rate"]) > 5e-5: errs.append("conversion what_if")
if round(r["avg_deal_size"]["what_if"] * 100) != want["w"]["avg_deal_size"]: errs.append(f"avg what_if {r['avg_deal_size']['what_if']}")
print("; ".join(errs)); sys.exit(1 if errs else 0)
PY
  ); then ok "$desc"; else not_ok "$desc: $why"; fi
}
whatif "what-if win_rate +5pp and avg_deal_size +10%" win_rate=+5pp avg_deal_size=+10%
whatif "what-if lead_conversion_rate -10pp" lead_conversion_rate=-10pp
whatif "what-if absolute win_rate 30% and conversion 0.5" win_rate=30% lead_conversion_rate=0.5
whatif "what-if absolute avg_deal_size 20万" avg_deal_size=20万
whatif "what-if all three" win_rate=+5pp avg_deal_size=-10% lead_conversion_rate=+2.5pp

# table: current | what-if | difference, in both languages
expect_rc 0 "what-if table" $SP funnel --goal revenue --as-of $D --what-if win_rate=+5pp
contains "what-if table header" "$OUT" "current"
contains "what-if table: difference of the win rate" "$OUT" "+5.0pp"
expect_rc 0 "what-if table (zh)" $SP --lang zh funnel --goal revenue --as-of $D --what-if win_rate=+5pp
contains "what-if table in Chinese" "$OUT" "假设"

# refusals
expect_rc 2 "the same rate twice" $SP funnel --what-if win_rate=+5pp --what-if win_rate=+1pp
contains "names the rate twice" "$ERR" "win_rate"
expect_rc 2 "unknown rate" $SP funnel --what-if margin=+5pp
expect_rc 2 "a signed change without a unit" $SP funnel --what-if win_rate=+5
expect_rc 2 "points on an amount" $SP funnel --what-if avg_deal_size=+5pp
expect_rc 2 "an absolute rate above 100%" $SP funnel --what-if win_rate=120%
expect_rc 1 "a change that leaves 0..100%" $SP funnel --goal revenue --as-of $D --what-if win_rate=+50pp
contains "says which rate" "$ERR" "win_rate"
finish
