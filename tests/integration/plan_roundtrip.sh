#!/usr/bin/env bash
# plan_roundtrip.sh — plan import / list / export: export → check → import
# gives the same plan; unchanged re-imports store nothing; versions are kept.
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
