#!/usr/bin/env bash
# kpi_sql.sh — every metric of SPEC §6 from `salesplan kpi --format json`
# against an independent computation in plain SQL.
#
# The CSV fixtures of tests/data/kpi/ are imported into a workspace with
# `salesplan import`, and loaded raw (text columns) into a separate scratch
# SQLite database with the sqlite3 CLI (`.import --csv`). The SQL below is
# written from SPEC §6, not from the C code. cmp.py compares: money exact to
# the fen (and printed with exactly two decimals), counts exactly, ratios and
# days within 1e-9; rows the SQL does not return must be zero (or null for
# ratios) — the zero-filled buckets and reps — and NROWS, when given, is the
# exact row count. Needs: sqlite3, python3.
set -euo pipefail
: "${SALESPLAN:?set SALESPLAN to the binary}" "${SRCDIR:?set SRCDIR to the source root}"
SP=$SALESPLAN
DATA=$SRCDIR/tests/data/kpi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export SALESPLAN_DB=$WORK/ws.db LANG=C.UTF-8
unset LANGUAGE LC_ALL LC_MESSAGES
RAW=$WORK/raw.db
fails=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 CLI missing"; exit 77; }

# ---- the workspace ------------------------------------------------------
if "$SP" init >/dev/null 2>"$WORK/err"; then ok "init"; else not_ok "init: $(cat "$WORK/err")"; exit 1; fi
for t in reps customers leads deals activities invoices spend; do
  if "$SP" import "$t" "$DATA/$t.csv" >/dev/null 2>"$WORK/err"; then ok "import $t"
  else not_ok "import $t: $(head -5 "$WORK/err")"; fi
done

# ---- the raw copy and typed views ----------------------------------------
{
  for t in reps customers leads deals activities invoices spend; do echo ".import --csv $DATA/$t.csv $t"; done
  cat <<'SQL'
CREATE VIEW dl AS SELECT deal_id id, customer_id cid, NULLIF(owner_rep_id,'') owner, NULLIF(product,'') product,
  created_on cr, NULLIF(closed_on,'') cl, stage, CAST(ROUND(amount*100) AS INTEGER) amt,
  CASE WHEN cost='' THEN NULL ELSE CAST(ROUND(cost*100) AS INTEGER) END cost,
  CASE WHEN probability='' THEN 0 ELSE CAST(probability AS INTEGER) END prob,
  NULLIF(is_new_customer,'') isnew, NULLIF(is_renewal,'') isren FROM deals;
CREATE VIEW cu AS SELECT customer_id id, NULLIF(region,'') region, NULLIF(industry,'') industry,
  NULLIF(size,'') size, NULLIF(owner_rep_id,'') owner FROM customers;
CREATE VIEW rp AS SELECT rep_id id, NULLIF(team,'') team, role, NULLIF(region,'') region,
  NULLIF(industry,'') industry, active FROM reps;
CREATE VIEW ld AS SELECT lead_id id, created_on cr, NULLIF(source,'') source, NULLIF(region,'') region,
  NULLIF(owner_rep_id,'') owner, qualified='1' q, opportunity_id<>'' conv FROM leads;
CREATE VIEW ac AS SELECT activity_id id, occurred_on d, rep_id rep, NULLIF(customer_id,'') cid, kind FROM activities;
CREATE VIEW iv AS SELECT invoice_id id, customer_id cid, issued_on iss, due_on due, NULLIF(paid_on,'') paid_on,
  CAST(ROUND(amount*100) AS INTEGER) amt,
  CASE WHEN paid='' THEN 0 ELSE CAST(ROUND(paid*100) AS INTEGER) END paid FROM invoices;
CREATE VIEW sp AS SELECT spend_id id, spent_on d, category, NULLIF(strategy_id,'') strategy,
  CAST(ROUND(amount*100) AS INTEGER) amt FROM spend;
SQL
} | sqlite3 "$RAW" && ok "raw copy" || { not_ok "raw copy"; exit 1; }

cat >"$WORK/cmp.py" <<'PY'
import json, re, sys
from decimal import Decimal
got_text = open(sys.argv[1], encoding="utf-8").read()
got = json.loads(got_text, parse_float=Decimal)
wt = open(sys.argv[2], encoding="utf-8").read().strip()
want = json.loads(wt) if wt else []
nrows = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
unit, by = got["unit"], got["by"]
errs = []
if unit == "money":
    for m in re.finditer(r'"(value|total)": ([^,}\s]+)', got_text):
        if m.group(2) != "null" and not re.fullmatch(r"-?\d+\.\d\d", m.group(2)):
            errs.append("money printed as " + m.group(2))
def key(r):
    return tuple("" if r.get(k) is None else str(r[k]) for k in by)
def same(g, w):
    if g is None or w is None:
        return g is None and w is None
    if unit == "money":
        return Decimal(g) * 100 == Decimal(str(w))
    if unit == "count":
        return Decimal(g) == Decimal(str(w))
    return abs(float(g) - float(w)) <= 1e-9
rows = {key(r): r["value"] for r in got["rows"]}
if len(rows) != len(got["rows"]):
    errs.append("duplicate rows")
# tiers sort by level (min descending, SPEC §6), customers in no tier last;
# every other key by its label
TIER_ORDER = {"strategic": 0, "key": 1, "potential": 2, "": 3}
def sort_key(k):
    return tuple((TIER_ORDER.get(v, 9), v) if b == "tier" else (0, v) for b, v in zip(by, k))
keys = [key(r) for r in got["rows"]]
if keys != sorted(keys, key=sort_key):
    errs.append("rows not sorted")
if "tier" in by and nrows is None and "where" in got and "tier" not in got["where"]:
    for t in ("strategic", "key", "potential"):
        if not any(k[by.index("tier")] == t for k in keys):
            errs.append("tier row missing: " + t)
W = {key(r): r.get("value") for r in want}
for k, w in W.items():
    if k not in rows:
        errs.append(f"missing row {k} (want {w})")
    elif not same(rows[k], w):
        errs.append(f"row {k}: got {rows[k]}, want {w}")
for k, g in rows.items():
    if k not in W and g is not None and g != 0:
        errs.append(f"extra row {k} = {g}")
if not by and "total" in got and not same(got["total"], W.get((), None)):
    errs.append(f"total {got['total']}")
if nrows is not None and len(got["rows"]) != nrows:
    errs.append(f"{len(got['rows'])} rows, want {nrows}")
if errs:
    print("; ".join(errs[:6]))
    sys.exit(1)
PY

minus_year() { python3 -c 'import sys,datetime as d;x=d.date.fromisoformat(sys.argv[1]);print(x.replace(year=x.year-1,day=28 if (x.month,x.day)==(2,29) else x.day))' "$1"; }
prev_day() { python3 -c 'import sys,datetime as d;print(d.date.fromisoformat(sys.argv[1])-d.timedelta(days=1))' "$1"; }

# setp PERIOD FIRST LAST ASOF: the period and as-of date of the next checks;
# E = min(LAST, ASOF) ends the effective period.
setp() {
  P=$1 PF=$2 PL=$3 D=$4
  if [[ "$PL" < "$D" ]]; then E=$PL; else E=$D; fi
  DM1Y=$(minus_year "$D")
  # won deals closed in the effective period (a deal created after D does not exist)
  WON="stage='won' AND cl BETWEEN '$PF' AND '$E' AND cr <= '$D'"
}

# pre: the common CTEs: tiers as of D (T12M over (D-1y, D], default levels),
# deal facts with the customer's and owner's dimensions.
pre() {
  cat <<SQL
WITH t12 AS (SELECT cu.id cid, COALESCE((SELECT SUM(amt) FROM dl WHERE dl.cid=cu.id AND stage='won'
    AND cl > '$DM1Y' AND cl <= '$D'), 0) v FROM cu),
tier AS (SELECT cid, v, CASE WHEN v >= 100000000 THEN 'strategic' WHEN v >= 50000000 THEN 'key'
    WHEN v >= 0 THEN 'potential' END tier FROM t12),
df AS (SELECT dl.*, cu.region, cu.industry, cu.size, rp.team, dl.owner rep, tier.tier FROM dl
    LEFT JOIN cu ON cu.id = dl.cid LEFT JOIN rp ON rp.id = dl.owner LEFT JOIN tier ON tier.cid = dl.cid),
fw AS (SELECT * FROM df x WHERE stage='won' AND cl IS NOT NULL AND cl <= '$D' AND cr <= '$D' AND NOT EXISTS (
    SELECT 1 FROM dl y WHERE y.cid = x.cid AND y.stage='won' AND y.cl IS NOT NULL AND y.cl <= '$D'
    AND y.cr <= '$D' AND (y.cl < x.cl OR (y.cl = x.cl AND y.id < x.id)))),
days(x) AS (SELECT '$PF' WHERE '$PF' <= '$E' UNION ALL SELECT date(x, '+1 day') FROM days WHERE x < '$E'),
mon AS (SELECT COALESCE(SUM(1.0 / CAST(strftime('%d', date(x, 'start of month', '+1 month', '-1 day')) AS INT)), 0) m FROM days),
af AS (SELECT ac.*, cu.region, cu.industry, cu.size, rp.team, tier.tier FROM ac
    LEFT JOIN cu ON cu.id = ac.cid LEFT JOIN rp ON rp.id = ac.rep LEFT JOIN tier ON tier.cid = ac.cid),
ivf AS (SELECT iv.*, cu.region, cu.owner rep, rp.team FROM iv LEFT JOIN cu ON cu.id = iv.cid LEFT JOIN rp ON rp.id = cu.owner)
SQL
}

# q DESC NROWS SQL METRIC [kpi args...]: compare kpi's JSON with the SQL rows
q() {
  local desc=$1 nrows=$2 sql=$3
  shift 3
  if ! "$SP" kpi "$@" --period "$P" --as-of "$D" --format json >"$WORK/got.json" 2>"$WORK/err"; then
    not_ok "$desc (kpi failed: $(head -3 "$WORK/err"))"
    return
  fi
  if ! { pre; echo "$sql;"; } | sqlite3 -json "$RAW" >"$WORK/want.json" 2>"$WORK/err"; then
    not_ok "$desc (SQL failed: $(head -3 "$WORK/err"))"
    return
  fi
  local why
  if why=$(python3 "$WORK/cmp.py" "$WORK/got.json" "$WORK/want.json" "$nrows"); then ok "$desc"
  else not_ok "$desc: $why"; fi
}

# usage RC DESC ARGS...: an invalid call exits RC with a message naming the value
usage() {
  local want=$1 desc=$2 needle=$3
  shift 3
  local rc=0
  "$SP" kpi "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$needle" "$WORK/err"; then ok "$desc"
  else not_ok "$desc (exit $rc: $(head -2 "$WORK/err"))"; fi
}

MONTH="substr(cl,1,7)"
for per in "2026-Q1 2026-01-01 2026-03-31 2026-03-15" "2025 2025-01-01 2025-12-31 2026-03-15" \
           "2026 2026-01-01 2026-12-31 2026-03-15" "2025-H2 2025-07-01 2025-12-31 2025-12-31"; do
  # shellcheck disable=SC2086
  setp $per
  tag="$P@$D"
  # ---- deals ----
  q "revenue $tag" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON" revenue
  q "revenue $tag region=华东" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND region='华东'" revenue --where region=华东
  q "revenue $tag region 华东 or 华南" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND region IN ('华东','华南')" \
    revenue --where region=华东 --where region=华南
  q "revenue $tag team and product" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND team='华北组' AND product='云平台'" \
    revenue --where team=华北组 --where product=云平台
  q "revenue $tag size=large" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND size='large'" revenue --where size=large
  for t in strategic key potential; do
    q "revenue $tag tier=$t" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND tier='$t'" revenue --where tier=$t
  done
  q "revenue $tag by month" "" "SELECT $MONTH month, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by month
  q "revenue $tag by region,product" "" "SELECT region, product, SUM(amt) value FROM df WHERE $WON GROUP BY 1,2" revenue --by region,product
  q "revenue $tag by tier" "" "SELECT tier, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by tier
  q "revenue $tag by rep in 华南组 (zero-filled)" 3 "SELECT rep, SUM(amt) value FROM df WHERE $WON AND team='华南组' GROUP BY 1" \
    revenue --where team=华南组 --by rep
  q "deals_won $tag by industry" "" "SELECT industry, COUNT(*) value FROM df WHERE $WON GROUP BY 1" deals_won --by industry
  q "deals_won $tag" 1 "SELECT COUNT(*) value FROM df WHERE $WON" deals_won
  q "avg_deal_size $tag" 1 "SELECT CASE WHEN COUNT(*)=0 THEN NULL ELSE CAST(ROUND(1.0*SUM(amt)/COUNT(*)) AS INTEGER) END value FROM df WHERE $WON" avg_deal_size
  q "avg_deal_size $tag by team" "" "SELECT team, CAST(ROUND(1.0*SUM(amt)/COUNT(*)) AS INTEGER) value FROM df WHERE $WON GROUP BY 1" avg_deal_size --by team
  q "new_customers $tag" 1 "SELECT COUNT(*) value FROM fw WHERE cl BETWEEN '$PF' AND '$E'" new_customers
  q "new_customers $tag by rep" "" "SELECT rep, COUNT(*) value FROM fw WHERE cl BETWEEN '$PF' AND '$E' GROUP BY 1" new_customers --by rep
  q "new_customers $tag product=咨询" 1 "SELECT COUNT(*) value FROM fw WHERE cl BETWEEN '$PF' AND '$E' AND product='咨询'" new_customers --where product=咨询
  NCR="(isnew='1' OR (isnew IS NULL AND id IN (SELECT id FROM fw)))"
  q "new_customer_revenue $tag" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $WON AND $NCR" new_customer_revenue
  q "new_customer_revenue $tag by month" "" "SELECT $MONTH month, SUM(amt) value FROM df WHERE $WON AND $NCR GROUP BY 1" new_customer_revenue --by month
  q "new_customer_revenue_share $tag" 1 "SELECT CASE WHEN COALESCE(SUM(amt),0)=0 THEN NULL ELSE 1.0*SUM(CASE WHEN $NCR THEN amt ELSE 0 END)/SUM(amt) END value FROM df WHERE $WON" new_customer_revenue_share
  WL="stage IN ('won','lost') AND cl BETWEEN '$PF' AND '$E' AND cr <= '$D'"
  q "win_rate $tag" 1 "SELECT CASE WHEN COUNT(*)=0 THEN NULL ELSE 1.0*SUM(stage='won')/COUNT(*) END value FROM df WHERE $WL" win_rate
  q "win_rate $tag by month,team" "" "SELECT $MONTH month, team, 1.0*SUM(stage='won')/COUNT(*) value FROM df WHERE $WL GROUP BY 1,2" win_rate --by month,team
  q "sales_cycle_days $tag" 1 "SELECT AVG(julianday(cl)-julianday(cr)) value FROM df WHERE $WON" sales_cycle_days
  q "sales_cycle_days $tag by rep" "" "SELECT rep, AVG(julianday(cl)-julianday(cr)) value FROM df WHERE $WON GROUP BY 1" sales_cycle_days --by rep
  GM="$WON AND cost IS NOT NULL"
  q "gross_margin $tag" 1 "SELECT CASE WHEN COALESCE(SUM(amt),0)=0 THEN NULL ELSE 1 - 1.0*SUM(cost)/SUM(amt) END value FROM df WHERE $GM" gross_margin
  q "gross_margin $tag by product" "" "SELECT product, CASE WHEN SUM(amt)=0 THEN NULL ELSE 1 - 1.0*SUM(cost)/SUM(amt) END value FROM df WHERE $GM GROUP BY 1" gross_margin --by product
  OPEN="cr <= '$D' AND (stage='open' OR (cl IS NOT NULL AND cl > '$D'))"
  q "pipeline $tag" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $OPEN" pipeline
  q "pipeline $tag region=华东" 1 "SELECT COALESCE(SUM(amt),0) value FROM df WHERE $OPEN AND region='华东'" pipeline --where region=华东
  q "weighted_pipeline $tag" 1 "SELECT CAST(ROUND(COALESCE(SUM(amt*prob),0)/100.0) AS INTEGER) value FROM df WHERE $OPEN" weighted_pipeline
  q "weighted_pipeline $tag by rep" "" "SELECT rep, CAST(ROUND(SUM(amt*prob)/100.0) AS INTEGER) value FROM df WHERE $OPEN GROUP BY 1" weighted_pipeline --by rep
  # ---- renewal rate: tiers the day before P starts (capped at D) ----
  T0=$(prev_day "$PF"); [[ "$T0" < "$D" ]] || T0=$D
  T0M1Y=$(minus_year "$T0")
  REN="WITH b AS (SELECT cu.*, rp.team, COALESCE((SELECT SUM(amt) FROM dl WHERE dl.cid=cu.id AND stage='won' AND cl > '$T0M1Y' AND cl <= '$T0'),0) v,
    EXISTS(SELECT 1 FROM dl WHERE dl.cid=cu.id AND stage='won' AND isren='1' AND cl BETWEEN '$PF' AND '$E' AND cr <= '$D') ren
    FROM cu LEFT JOIN rp ON rp.id = cu.owner) SELECT"
  q "renewal_rate $tag" 1 "SELECT * FROM ($REN CASE WHEN COUNT(*)=0 THEN NULL ELSE 1.0*SUM(ren)/COUNT(*) END value FROM b WHERE v >= 50000000)" renewal_rate
  q "renewal_rate $tag by region" "" "SELECT * FROM ($REN region, 1.0*SUM(ren)/COUNT(*) value FROM b WHERE v >= 50000000 GROUP BY 1)" renewal_rate --by region
  # ---- leads ----
  LD="cr BETWEEN '$PF' AND '$E'"
  q "leads $tag" 1 "SELECT COUNT(*) value FROM ld WHERE $LD" leads
  q "leads $tag by source" "" "SELECT source, COUNT(*) value FROM ld WHERE $LD GROUP BY 1" leads --by source
  q "leads $tag region=华东 (the lead's own)" 1 "SELECT COUNT(*) value FROM ld WHERE $LD AND region='华东'" leads --where region=华东
  q "qualified_leads $tag" 1 "SELECT COUNT(*) value FROM ld WHERE $LD AND q" qualified_leads
  q "qualified_leads $tag source=web by month" "" "SELECT substr(cr,1,7) month, COUNT(*) value FROM ld WHERE $LD AND q AND source='web' GROUP BY 1" qualified_leads --where source=web --by month
  q "lead_conversion_rate $tag" 1 "SELECT CASE WHEN COUNT(*)=0 THEN NULL ELSE 1.0*SUM(conv)/COUNT(*) END value FROM ld WHERE $LD" lead_conversion_rate
  q "lead_conversion_rate $tag by rep" "" "SELECT owner rep, 1.0*SUM(conv)/COUNT(*) value FROM ld WHERE $LD GROUP BY 1" lead_conversion_rate --by rep
  # ---- activities ----
  AC="d BETWEEN '$PF' AND '$E'"
  q "visits $tag" 1 "SELECT COUNT(*) value FROM af WHERE $AC AND kind='visit'" visits
  q "visits $tag by rep" 12 "SELECT rep, COUNT(*) value FROM af WHERE $AC AND kind='visit' GROUP BY 1" visits --by rep
  q "visits $tag region=华北" 1 "SELECT COUNT(*) value FROM af WHERE $AC AND kind='visit' AND region='华北'" visits --where region=华北
  q "activities $tag" 1 "SELECT COUNT(*) value FROM af WHERE $AC" activities
  q "activities $tag by team" "" "SELECT team, COUNT(*) value FROM af WHERE $AC GROUP BY 1" activities --by team
  q "active_customers $tag" 1 "SELECT COUNT(DISTINCT cid) value FROM af WHERE $AC" active_customers
  q "active_customers $tag by month" "" "SELECT substr(d,1,7) month, COUNT(DISTINCT cid) value FROM af WHERE $AC AND cid IS NOT NULL GROUP BY 1" active_customers --by month
  # visits_per_rep: the visits of the reps it divides by (active, role rep,
  # the filter judged on the rep record): no leader's, presales', manager's
  # or inactive rep's visit is counted
  VR="SELECT CASE WHEN n*m = 0 THEN NULL ELSE v / (n*m) END value FROM"
  q "visits_per_rep $tag" 1 "$VR
      (SELECT COUNT(*)*1.0 v FROM af JOIN rp ON rp.id = af.rep WHERE $AC AND kind='visit' AND rp.active='1' AND rp.role='rep'),
      (SELECT COUNT(*) n FROM rp WHERE active='1' AND role='rep'), mon" visits_per_rep
  q "visits_per_rep $tag team=华北组" 1 "$VR
      (SELECT COUNT(*)*1.0 v FROM af JOIN rp ON rp.id = af.rep WHERE $AC AND kind='visit' AND rp.active='1' AND rp.role='rep' AND rp.team='华北组'),
      (SELECT COUNT(*) n FROM rp WHERE active='1' AND role='rep' AND team='华北组'), mon" visits_per_rep --where team=华北组
  q "visits_per_rep $tag region=华东 (the rep's region)" 1 "$VR
      (SELECT COUNT(*)*1.0 v FROM af JOIN rp ON rp.id = af.rep WHERE $AC AND kind='visit' AND rp.active='1' AND rp.role='rep' AND rp.region='华东'),
      (SELECT COUNT(*) n FROM rp WHERE active='1' AND role='rep' AND region='华东'), mon" visits_per_rep --where region=华东
  q "visits_per_rep $tag by team" "" "SELECT t.team, CASE WHEN t.n*m = 0 THEN NULL ELSE COALESCE(v.v, 0) / (t.n*m) END value FROM
      (SELECT team, COUNT(*) n FROM rp WHERE active='1' AND role='rep' GROUP BY 1) t
      LEFT JOIN (SELECT rp.team, COUNT(*)*1.0 v FROM af JOIN rp ON rp.id = af.rep WHERE $AC AND kind='visit'
                 AND rp.active='1' AND rp.role='rep' GROUP BY 1) v ON v.team IS t.team, mon" visits_per_rep --by team
  # ---- invoices ----
  CR="due BETWEEN '$PF' AND '$E' AND iss <= '$D'"
  GOT="CASE WHEN paid_on IS NULL OR paid_on <= '$D' THEN MIN(paid, amt) ELSE 0 END"
  q "collection_rate $tag" 1 "SELECT CASE WHEN COALESCE(SUM(amt),0)=0 THEN NULL ELSE 1.0*SUM($GOT)/SUM(amt) END value FROM ivf WHERE $CR" collection_rate
  q "collection_rate $tag by team" "" "SELECT team, CASE WHEN SUM(amt)=0 THEN NULL ELSE 1.0*SUM($GOT)/SUM(amt) END value FROM ivf WHERE $CR GROUP BY 1" collection_rate --by team
  q "collected $tag" 1 "SELECT COALESCE(SUM(paid),0) value FROM ivf WHERE paid_on BETWEEN '$PF' AND '$E' AND iss <= '$D'" collected
  q "collected $tag rep=r04" 1 "SELECT COALESCE(SUM(paid),0) value FROM ivf WHERE paid_on BETWEEN '$PF' AND '$E' AND iss <= '$D' AND rep='r04'" collected --where rep=r04
  # ---- tiers ----
  for t in strategic key potential; do
    q "tier_customers $tag tier=$t" 1 "SELECT COUNT(*) value FROM tier WHERE tier='$t'" tier_customers --where tier=$t
    q "tier_revenue_share $tag tier=$t" 1 "SELECT CASE WHEN SUM(v)=0 THEN NULL ELSE 1.0*SUM(CASE WHEN tier='$t' THEN v ELSE 0 END)/SUM(v) END value FROM tier" \
      tier_revenue_share --where tier=$t
  done
  # per tier (every level listed, zeros included, by min descending), the
  # filter's tier, or all customers / 1 with neither
  q "tier_customers $tag by tier" 3 "SELECT tier, COUNT(*) value FROM tier GROUP BY 1" tier_customers --by tier
  q "tier_customers $tag (all customers)" 1 "SELECT COUNT(*) value FROM cu" tier_customers
  q "tier_customers $tag tier=key by tier" 1 "SELECT 'key' tier, COUNT(*) value FROM tier WHERE tier='key'" \
    tier_customers --where tier=key --by tier
  q "tier_customers $tag by region,tier" "" "SELECT cu.region, tier, COUNT(*) value FROM tier JOIN cu ON cu.id = tier.cid GROUP BY 1,2" \
    tier_customers --by region,tier
  q "tier_revenue_share $tag by tier" 3 "SELECT l.tier, CASE WHEN a.s = 0 THEN NULL ELSE 1.0*COALESCE(x.v,0)/a.s END value
      FROM (SELECT 'strategic' tier UNION ALL SELECT 'key' UNION ALL SELECT 'potential') l
      LEFT JOIN (SELECT tier, SUM(v) v FROM tier GROUP BY 1) x ON x.tier = l.tier, (SELECT SUM(v) s FROM tier) a" \
    tier_revenue_share --by tier
  q "tier_revenue_share $tag (neither: 1)" 1 "SELECT CASE WHEN SUM(v)=0 THEN NULL ELSE 1.0 END value FROM tier" tier_revenue_share
  q "tier_revenue_share $tag in 华东 by tier" 3 "SELECT l.tier, CASE WHEN a.s = 0 THEN NULL ELSE 1.0*COALESCE(x.v,0)/a.s END value
      FROM (SELECT 'strategic' tier UNION ALL SELECT 'key' UNION ALL SELECT 'potential') l
      LEFT JOIN (SELECT tier, SUM(v) v FROM tier JOIN cu ON cu.id = tier.cid WHERE cu.region='华东' GROUP BY 1) x ON x.tier = l.tier,
      (SELECT SUM(v) s FROM tier JOIN cu ON cu.id = tier.cid WHERE cu.region='华东') a" tier_revenue_share --where region=华东 --by tier
  q "revenue $tag by tier: every level listed" "" "SELECT COALESCE(tier,'') tier, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by tier
  q "tier_customers $tag tier=key by region" "" "SELECT cu.region, COUNT(*) value FROM tier JOIN cu ON cu.id = tier.cid WHERE tier='key' GROUP BY 1" \
    tier_customers --where tier=key --by region
  q "tier_revenue_share $tag strategic in 华东" 1 "SELECT CASE WHEN SUM(v)=0 THEN NULL ELSE 1.0*SUM(CASE WHEN tier='strategic' THEN v ELSE 0 END)/SUM(v) END value
      FROM tier JOIN cu ON cu.id = tier.cid WHERE cu.region='华东'" tier_revenue_share --where tier=strategic --where region=华东
  # ---- spend ----
  SPD="d BETWEEN '$PF' AND '$E'"
  q "spend $tag" 1 "SELECT COALESCE(SUM(amt),0) value FROM sp WHERE $SPD" spend
  q "spend $tag category=marketing" 1 "SELECT COALESCE(SUM(amt),0) value FROM sp WHERE $SPD AND category='marketing'" spend --where category=marketing
  q "spend $tag by strategy,category" "" "SELECT strategy, category, SUM(amt) value FROM sp WHERE $SPD GROUP BY 1,2" spend --by strategy,category
done

# ---- time buckets: every bucket up to D, zeros included -------------------
setp 2026 2026-01-01 2026-12-31 2026-03-15
q "revenue 2026@03-15 by month: Jan..Mar only" 3 "SELECT $MONTH month, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by month
q "revenue 2026@03-15 by month,rep in 华南组" 9 "SELECT $MONTH month, rep, SUM(amt) value FROM df WHERE $WON AND team='华南组' GROUP BY 1,2" \
  revenue --where team=华南组 --by month,rep
q "revenue 2026@03-15 by quarter" 1 "SELECT '2026-Q1' quarter, SUM(amt) value FROM df WHERE $WON" revenue --by quarter
q "pipeline 2026@03-15 by month (open at each month's end)" 3 "SELECT m.month, SUM(amt) value FROM
    (SELECT '2026-01' month, '2026-01-31' t UNION ALL SELECT '2026-02', '2026-02-28' UNION ALL SELECT '2026-03', '2026-03-15') m
    JOIN df ON cr <= m.t AND (stage='open' OR (cl IS NOT NULL AND cl > m.t)) GROUP BY 1" pipeline --by month
setp 2025 2025-01-01 2025-12-31 2026-03-15
ISOW="strftime('%Y', date(cl, '+3 days', '-' || ((CAST(strftime('%w', cl) AS INT) + 6) % 7) || ' days')) || '-W' ||
  printf('%02d', (CAST(strftime('%j', date(cl, '+3 days', '-' || ((CAST(strftime('%w', cl) AS INT) + 6) % 7) || ' days')) AS INT) - 1) / 7 + 1)"
QTR="substr(cl,1,4) || '-Q' || ((CAST(substr(cl,6,2) AS INT) + 2) / 3)"
q "revenue 2025 by quarter" 4 "SELECT $QTR quarter, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by quarter
q "revenue 2025 by week (ISO, 2025-W01 starts 2024-12-30)" 53 "SELECT $ISOW week, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by week
setp 2025-12-22..2026-01-11 2025-12-22 2026-01-11 2026-03-15
q "revenue across the year end by week" 3 "SELECT $ISOW week, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by week
setp 2024-02 2024-02-01 2024-02-29 2026-03-15
q "revenue 2024-02 by day (leap day)" 29 "SELECT cl day, SUM(amt) value FROM df WHERE $WON GROUP BY 1" revenue --by day
q "visits 2024-02 (leap day visit)" 1 "SELECT COUNT(*) value FROM af WHERE d BETWEEN '$PF' AND '$E' AND kind='visit'" visits
setp 2026-Q2 2026-04-01 2026-06-30 2026-03-15
q "revenue of a period after D is 0 with no bucket" 0 "SELECT 1 x WHERE 0" revenue --by month
q "win_rate of a period after D is null" 1 "SELECT NULL value" win_rate

# ---- usage errors: exit 2 naming the bad value ---------------------------
usage 2 "unknown metric with a suggestion" "revenu" revenu --period 2026
usage 2 "bad period" "2026-13" revenue --period 2026-13
usage 2 "bad --where key" "regoin" revenue --period 2026 --where regoin=华东
usage 2 "bad --by key" "mnth" revenue --period 2026 --by mnth
usage 2 "more than 3 --by keys" "--by" revenue --period 2026 --by month,region,rep,team
usage 2 "product filter on a lead metric" "product" leads --period 2026 --where product=x
usage 2 "unknown tier" "gold" revenue --period 2026 --where tier=gold
usage 2 "missing --period" "--period" revenue

# ---- other formats -------------------------------------------------------
out=$("$SP" kpi revenue --period 2026-Q1 --as-of 2026-03-15 --by month --format csv)
case $out in "month,value"*"2026-03,"*) ok "csv output" ;; *) not_ok "csv output: ${out:0:200}" ;; esac
out=$("$SP" kpi revenue --period 2026-Q1 --as-of 2026-03-15 --by region)
case $out in *"(none)"*"华东"*) ok "table output" ;; *) not_ok "table output: ${out:0:200}" ;; esac
out=$("$SP" kpi revenue --period 2026-Q1 --as-of 2026-03-15 --explain --format json)
case $out in *'"explain": {"count": '*'"table": "deals"'*) ok "explain" ;; *) not_ok "explain: ${out:0:200}" ;; esac

echo "# $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
