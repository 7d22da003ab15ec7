#!/usr/bin/env bash
# test.sh — runs every test suite and prints one summary line
# "N passed, N failed" (the closing line CI reads):
#   1. the unit + integration suites (meson test) in build/
#   2. the same suites under AddressSanitizer + UBSan in build-asan/ (clang)
#   3. a short run of every fuzz target from its committed corpus
# Usage: tools/test.sh [--no-asan] [--no-fuzz]
set -uo pipefail
cd "$(dirname "$0")/.."
asan=1 fuzz=1
for a in "$@"; do
  case $a in
    --no-asan) asan=0 ;;
    --no-fuzz) fuzz=0 ;;
    *) echo "usage: tools/test.sh [--no-asan] [--no-fuzz]" >&2; exit 2 ;;
  esac
done
passed=0 failed=0

# count_log BUILD SUITE-LABEL: adds the results of BUILD's meson test log.
count_log() {
  local log=$1/meson-logs/testlog.json
  [ -f "$log" ] || { failed=$((failed + 1)); return; }
  read -r p f < <(python3 - "$log" <<'PY'
import json, sys
p = f = 0
for line in open(sys.argv[1], encoding='utf-8'):
    r = json.loads(line).get('result')
    if r in ('OK', 'EXPECTEDFAIL'): p += 1
    else: f += 1   # FAIL, TIMEOUT, SKIP and ERROR all count as not passed
print(p, f)
PY
)
  echo "$2: $p passed, $f failed"
  passed=$((passed + p)) failed=$((failed + f))
}

[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null || { echo "build failed"; ninja -C build | tail -30; echo "0 passed, 1 failed"; exit 1; }
meson test -C build --print-errorlogs --num-processes 2
count_log build "tests"

if [ $asan = 1 ]; then
  [ -f build-asan/build.ninja ] || CC=clang meson setup build-asan -Db_sanitize=address,undefined \
      -Db_lundef=false -Dbuildtype=debug >/dev/null
  if ninja -C build-asan >/dev/null; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C build-asan --print-errorlogs --num-processes 2
    count_log build-asan "tests under ASan+UBSan"
  else
    echo "ASan build failed"; failed=$((failed + 1))
  fi
fi

if [ $fuzz = 1 ]; then
  [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false \
      -Dbuildtype=debug -Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
  if ninja -C build-fuzz >/dev/null; then
    for t in value plan csv csv_file snapshot xlsx; do
      if bash tests/fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-10}" "$t"; then passed=$((passed + 1))
      else failed=$((failed + 1)); fi
    done
  else
    echo "fuzz build failed"; failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
