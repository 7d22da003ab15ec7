#!/usr/bin/env bash
# golden.sh — the text a director reads, byte for byte, in English and
# Chinese: status, alerts, tasks, budget, tiers and funnel on the demo
# workspace (seed 1, as of 2026-11-26) against tests/golden/*.txt.
# UPDATE_GOLDEN=1 rewrites the golden files (then read the diff!).
. "$(dirname "$0")/lib.sh"

golden=$SRCDIR/tests/golden
asof=2026-11-26
for lang in en zh; do
  db=$WORK/demo-$lang.db
  SALESPLAN_TODAY=$asof "$SP" --lang "$lang" demo --db "$db" --seed 1 --quiet >/dev/null 2>&1 \
    || { not_ok "demo workspace ($lang)"; continue; }
  while read -r name args; do
    # shellcheck disable=SC2086
    out=$(NO_COLOR=1 "$SP" --lang "$lang" --db "$db" $args --as-of "$asof" 2>&1)
    file=$golden/$name-$lang.txt
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then printf '%s\n' "$out" >"$file"; fi
    if [ "$lang" = zh ]; then
      # Chinese text uses full-width ：，； (issue 6.13): the rule of
      # tools/po_check.py --punct, on what the commands print
      bad=$(printf '%s\n' "$out" | python3 -c '
import sys
sys.path.insert(0, sys.argv[1] + "/tools")
from po_check import punct_problems
for line in sys.stdin:
    if punct_problems(line):
        print(line.rstrip()[:160])' "$SRCDIR")
      [ -z "$bad" ] && ok "$name (zh): full-width punctuation" || not_ok "$name (zh): half-width punctuation next to Chinese: $bad"
    fi
    case $name in
      status | alerts | tiers | budget)
        # what a person reads fits a 100-column terminal (issue 6.12)
        wide=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
for line in sys.stdin:
    line = line.rstrip("\n")
    if sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) > 100:
        print(line[:120])')
        [ -z "$wide" ] && ok "$name ($lang): fits 100 columns" || not_ok "$name ($lang): wider than 100 columns: $wide" ;;
    esac
    if [ -f "$file" ] && [ "$out" = "$(cat "$file")" ]; then ok "$name ($lang) matches $(basename "$file")"
    else
      not_ok "$name ($lang) differs from $(basename "$file")"
      diff <(printf '%s\n' "$out") "$file" | head -20 | sed 's/^/#   /'
    fi
  done <<'LIST'
status status
alerts alerts
tasks tasks
gantt tasks --gantt
budget budget
tiers tiers --since 2026-06-30
funnel funnel --goal revenue
LIST
done
finish
