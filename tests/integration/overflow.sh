#!/usr/bin/env bash
# overflow.sh — money near INT64_MAX fen (issue 7, item 4): two won deals of
# 50,000,000,000,000,000.00 yuan (5e18 fen each, their sum 1e19 > 2^63 − 1)
# and two spend rows as large. Every command that adds them must fail with
# a clear error naming what overflowed, never print a wrapped number
# (e.g. "-0.02"); one deal alone still adds up exactly. Run under UBSan in
# the sanitizer suite, a wrap anywhere is also a finding there.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/plan.yaml" <<'EOF2'
plan: {id: big, name: Big, period: 2026}
team:
  groups:
    - id: g1
      name: G1
      members:
        - {id: r1, name: One, role: rep}
goals:
  - {id: rev, name: Revenue, metric: revenue, target: 100万, period: 2026, owner: r1}
budget:
  total: 100万
  categories:
    - {id: ads, name: Ads, share: 100%}
EOF2
printf 'rep_id,name,team,role\nr1,One,g1,rep\n' >"$WORK/reps.csv"
printf 'customer_id,name,owner_rep_id\nc1,C1,r1\nc2,C2,r1\n' >"$WORK/customers.csv"
printf 'deal_id,customer_id,owner_rep_id,created_on,closed_on,stage,amount\n%s\n%s\n' \
  "d1,c1,r1,2026-01-02,2026-02-10,won,50000000000000000" "d2,c2,r1,2026-01-02,2026-03-10,won,50000000000000000" >"$WORK/deals.csv"
printf 'spend_id,spent_on,category,amount\ns1,2026-02-01,ads,50000000000000000\ns2,2026-03-01,ads,50000000000000000\n' >"$WORK/spend.csv"
check "init" $SP init
check "plan import" $SP plan import "$WORK/plan.yaml"
for t in reps customers deals spend; do check "import $t" $SP import $t "$WORK/$t.csv"; done
sum=$(sqlite3 "$SALESPLAN_DB" "SELECT SUM(amount) > 9223372036854775807 FROM (SELECT CAST(amount AS REAL) amount FROM deals)")
[ "$sum" = 1 ] && ok "the two deals' sum exceeds INT64_MAX fen (SQL, in floating point)" || not_ok "fixture: sum $sum"

# overflows DESC NEEDLE CMD...: exit 1, NEEDLE in the error, nothing printed
overflows() {
  local desc=$1 needle=$2; shift 2
  expect_rc 1 "$desc fails" "$@"
  contains "$desc names what overflowed" "$ERR" "$needle"
  contains "$desc says it is out of range" "$ERR" "92,233,720,368,547,758.07"
  # nothing on stdout: no half-printed table, no wrapped (negative) amount
  [ -z "$OUT" ] && ok "$desc printed no figure" || not_ok "$desc printed: ${OUT:0:200}"
}
overflows "kpi revenue" "revenue" $SP kpi revenue --period 2026 --as-of 2026-12-31
overflows "kpi revenue json" "revenue" $SP kpi revenue --period 2026 --as-of 2026-12-31 --format json
overflows "kpi revenue by month" "revenue" $SP kpi revenue --period 2026 --as-of 2026-12-31 --by month
overflows "kpi avg_deal_size" "avg_deal_size" $SP kpi avg_deal_size --period 2026 --as-of 2026-12-31
overflows "kpi spend" "spend" $SP kpi spend --period 2026 --as-of 2026-12-31
overflows "kpi tier_revenue_share" "tier_revenue_share" $SP kpi tier_revenue_share --period 2026 --as-of 2026-12-31
overflows "status" "revenue" $SP status --as-of 2026-12-31
overflows "funnel" "revenue" $SP funnel --as-of 2026-12-31
overflows "budget" "budget" $SP budget --as-of 2026-12-31
overflows "tiers" "T12M" $SP tiers --as-of 2026-12-31
overflows "report" "revenue" $SP report --period 2026-03 --as-of 2026-12-31
# zh: translated, still naming the metric
expect_rc 1 "kpi revenue (zh)" $SP --lang zh kpi revenue --period 2026 --as-of 2026-12-31
contains "zh error names the metric" "$ERR" "revenue："
contains "zh error is translated" "$ERR" "超出金额的表示范围"

# one deal alone fits: exactly 50,000,000,000,000,000.00
expect_rc 0 "kpi revenue of February alone" $SP kpi revenue --period 2026-02 --as-of 2026-12-31 --format json
contains "February's revenue is exact" "$OUT" '"total": 50000000000000000.00'
expect_rc 0 "a count over the same deals still answers" $SP kpi deals_won --period 2026 --as-of 2026-12-31
# the projection of one deal early in the year is beyond the range: status
# as of 2026-02-10 (w = 41/365) would project 4.45e19 fen
expect_rc 1 "status early in the year" $SP status --as-of 2026-02-10
contains "status names the goal" "$ERR" "rev"
finish
