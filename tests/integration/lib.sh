# lib.sh — helpers for the integration scripts (sourced). Each script runs
# the real binary ($SALESPLAN) in a scratch directory and prints TAP-like
# "ok - …" / "not ok - …" lines; it exits non-zero when any check failed.
set -uo pipefail
: "${SALESPLAN:?set SALESPLAN to the binary}" "${SRCDIR:?set SRCDIR to the source root}"
SP=$SALESPLAN
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export SALESPLAN_DB=$WORK/ws.db LANG=C.UTF-8
unset LANGUAGE LC_ALL LC_MESSAGES
_fails=0 _n=0
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _fails=$((_fails + 1)); echo "not ok $_n - $*"; }
# check DESC CMD...: passes when CMD succeeds
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }
# expect_rc RC DESC CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR
expect_rc() {
  local want=$1 d=$2; shift 2
  "$@" >"$WORK/.out" 2>"$WORK/.err"; local rc=$?
  OUT=$(cat "$WORK/.out"); ERR=$(cat "$WORK/.err")
  if [ "$rc" = "$want" ]; then ok "$d"; else not_ok "$d (exit $rc, wanted $want)"; sed 's/^/#   /' "$WORK/.err" | head -20; fi
}
# contains DESC HAYSTACK NEEDLE
contains() { case $2 in *"$3"*) ok "$1" ;; *) not_ok "$1 (no '$3' in: ${2:0:300})" ;; esac; }
finish() { echo "# $((_n - _fails)) passed, $_fails failed"; [ $_fails = 0 ]; }
