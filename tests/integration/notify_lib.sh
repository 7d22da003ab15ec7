# notify_lib.sh — the workspace the notify tests share (sourced after
# lib.sh): three reps of team east, a customer each with an open deal and
# its last touch in June 2026, the plan at $WORK/plan.yaml imported.

# notify_workspace: writes the CSVs into $WORK/data, makes the workspace,
# imports the plan and the four tables (each an expect_rc check).
notify_workspace() {
  mkdir -p "$WORK/data"
  cat > "$WORK/data/reps.csv" <<'EOF'
rep_id,name,team,role
s01,周海,east,leader
s02,林静,east,rep
s03,何川,east,rep
EOF
  cat > "$WORK/data/customers.csv" <<'EOF'
customer_id,name,owner_rep_id,created_on
k1,苏州味达食品有限公司,s02,2025-01-01
k2,无锡禾丰超市,s02,2025-01-01
k3,常州鲜之源贸易,s03,2025-01-01
EOF
  cat > "$WORK/data/deals.csv" <<'EOF'
deal_id,customer_id,owner_rep_id,created_on,stage,amount
d1,k1,s02,2026-05-01,open,100000
d2,k2,s02,2026-05-01,open,50000
d3,k3,s03,2026-05-01,open,80000
EOF
  cat > "$WORK/data/activities.csv" <<'EOF'
activity_id,occurred_on,rep_id,customer_id,kind
a1,2026-06-20,s02,k1,call
a2,2026-06-10,s02,k2,visit
a3,2026-06-28,s03,k3,visit
EOF
  expect_rc 0 "init" "$SP" init
  expect_rc 0 "plan import" "$SP" plan import "$WORK/plan.yaml"
  for t in reps customers deals activities; do expect_rc 0 "import $t" "$SP" import "$t" "$WORK/data/$t.csv"; done
}
