#!/usr/bin/env bash
# demo.sh BINARY — the main job of `make demo`: a demo workspace (demo.db)
# with the example plan embedded in the binary and a year of synthetic CRM
# data, then what a sales director looks at on a Monday morning. Safe to
# re-run (the workspace is made anew). DEMO_DB and DEMO_AS_OF override the
# file and the date (default: today).
set -euo pipefail
sp=$1
cd "$(dirname "$0")/.."
db=${DEMO_DB:-demo.db}
asof=()
[ -n "${DEMO_AS_OF:-}" ] && asof=(--as-of "$DEMO_AS_OF")
run() { echo; echo "\$ salesplan $*"; "$sp" --db "$db" "$@"; }
run demo --force "${asof[@]}"
run plan versions
run status "${asof[@]}"
run alerts "${asof[@]}"
run kpi revenue --period 2026 --by quarter "${asof[@]}"
run tasks "${asof[@]}"
run budget "${asof[@]}"
echo
echo "Workspace: $db — try: $sp --db $db report --period 2026-10 --format html -o report.html"

# The web face: demo logins (a password each, generated and shown once),
# then `salesplan serve` on the workspace until Ctrl-C. DEMO_SERVE=0 stops
# here; DEMO_PORT picks the port (default 8080).
[ "${DEMO_SERVE:-1}" = 0 ] && exit 0
logins=()
adduser() { # LOGIN ROLE WHO [OPTIONS…]: adds the user, keeps "LOGIN PASSWORD ROLE: WHO"
  local login=$1 role=$2 who=$3; shift 3
  local pw
  pw=$("$sp" --lang en --db "$db" user add "$login" --role "$role" "$@" | sed -n 's/^password (shown once): //p')
  logins+=("$(printf '%-10s %-18s %-8s %s' "$login" "$pw" "$role" "$who")")
}
adduser director admin "the sales director: everything" --name "Sales director"
adduser leader manager "Wang Qiang, manufacturing team leader" --groups mfg --name "Wang Qiang" --rep r001
adduser lina rep "Li Na, a rep: her customers and tasks" --rep r002 --name "Li Na"
adduser viewer viewer "reads everything, writes nothing"
port=${DEMO_PORT:-8080}
echo
echo "Open http://127.0.0.1:$port/ and sign in as one of (passwords shown once):"
printf '  %s\n' "${logins[@]}"
echo "Stop the server with Ctrl-C."
echo
echo "\$ salesplan --db $db serve --listen 127.0.0.1:$port"
exec "$sp" --db "$db" serve --listen "127.0.0.1:$port"
