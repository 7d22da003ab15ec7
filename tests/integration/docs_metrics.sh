#!/usr/bin/env bash
# docs_metrics.sh — the examples of docs/METRICS.md run as written: every
# command line of every ```sh block runs against the English demo workspace
# (today = 2026-11-26, the date the page's examples are taken as of) and
# exits 0. Also: the page names every metric that `kpi --help` lists, and
# `kpi --help` points to the page.
. "$(dirname "$0")/lib.sh"
export SALESPLAN_TODAY=2026-11-26
DOC=$SRCDIR/docs/METRICS.md

# the command lines of the sh blocks, one per line (continuations joined)
mapfile -t LINES < <(/usr/bin/python3 - "$DOC" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for body in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
    for line in body.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            print(line)
PY
)
[ "${#LINES[@]}" -ge 30 ] && ok "METRICS.md sh blocks hold ${#LINES[@]} command lines" \
  || not_ok "METRICS.md sh blocks hold only ${#LINES[@]} command lines"

check "demo workspace" "$SP" demo

# `salesplan` in the examples is the binary under test
salesplan() { "$SP" "$@"; }
for line in "${LINES[@]}"; do
  case $line in
    salesplan\ *) ;;
    *) not_ok "not a salesplan command: $line"; continue ;;
  esac
  out=$(eval "$line" 2>&1 </dev/null); rc=$?
  if [ "$rc" = 0 ] && [ -n "$out" ]; then ok "$line"
  else not_ok "$line (exit $rc)"; printf '%s\n' "$out" | head -5 | sed 's/^/#   /'; fi
done

# every metric of kpi --help has a row in the metric table
help=$("$SP" kpi --help)
metrics=$(printf '%s\n' "$help" | sed -n '/^METRIC:/,/^P:/p' | sed 's/^METRIC://; /^P:/d')
for m in $metrics; do
  if grep -q "^| \`$m\` |" "$DOC"; then ok "METRICS.md defines $m"; else not_ok "METRICS.md lacks a row for $m"; fi
done
contains "kpi --help points to docs/METRICS.md" "$help" "docs/METRICS.md"
LANG=zh_CN.UTF-8 expect_rc 0 "kpi --help in Chinese" "$SP" --lang zh kpi --help
contains "Chinese kpi --help points to docs/METRICS.md" "$OUT" "docs/METRICS.md"
finish
