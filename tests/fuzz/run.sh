#!/usr/bin/env bash
# run.sh BUILD SECONDS [TARGET...] — runs fuzz targets (default: all) for
# SECONDS each from the committed corpus tests/fuzz/corpus/TARGET; new
# inputs go to a temporary directory, never into the corpus.
set -uo pipefail
build=$1 secs=$2
shift 2
targets=("$@")
[ ${#targets[@]} = 0 ] && targets=(value plan csv csv_file snapshot xlsx)
here=$(cd "$(dirname "$0")" && pwd)
fail=0
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/fuzz_$t
  tmp=$(mktemp -d)
  if "$exe" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        "$tmp" "$here/corpus/$t" >"$tmp.log" 2>&1; then
    execs=$(grep -oE '^#[0-9]+' "$tmp.log" | tail -1)
    echo "fuzz_$t: ok (${execs#\#} runs in ${secs}s)"
  else
    echo "fuzz_$t: FAILED"; tail -40 "$tmp.log"; fail=1
  fi
  rm -rf "$tmp" "$tmp.log"
done
exit $fail
