#!/usr/bin/env bash
# web.sh — load benchmark of `salesplan serve` (see bench/README.md, "The
# web server under load").
#
#   bash bench/web.sh BINARY [--db PATH] [--duration S] [--connections N] [--threads T]
#
# Starts `salesplan serve` on 127.0.0.1 (a free port) on the scale-S
# workspace of bench/run.sh (bench/data/scale-S/work/salesplan.db, S from
# BENCH_SCALE, default 1) when it exists, else on a fresh demo workspace,
# signs a bench user in, then drives with wrk (Debian `wrk`), one after the
# other: the dashboard page `/` (with the session cookie) and the JSON API
# `GET /api/v1/kpi?metric=revenue&period=YEAR&by=month` (with a token).
# Prints requests/s, p50, p99, errors (non-2xx answers and socket errors)
# and the server's RSS before and after each run, as a Markdown table
# (also written to bench/data/web-latest.md). The server is stopped by its pid.
# Defaults follow issue 9: 64 connections, 60 s each, 2 wrk threads; the
# environment overrides them: WEB_DURATION, WEB_CONNECTIONS, WEB_THREADS,
# WEB_SERVER_THREADS (the server's --threads, default 4).
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: bash bench/web.sh BINARY [--db PATH] [--duration S] [--connections N] [--threads T]" >&2; exit 2; }
[ $# -ge 1 ] || usage
bin=$1; shift
scale=${BENCH_SCALE:-1}
db=${BENCH_WEB_DB:-}
duration=${WEB_DURATION:-60}
conns=${WEB_CONNECTIONS:-64}
threads=${WEB_THREADS:-2}
sthreads=${WEB_SERVER_THREADS:-4}
while [ $# -gt 0 ]; do
  case $1 in
    --db) [ $# -ge 2 ] || usage; db=$2; shift 2 ;;
    --duration) [ $# -ge 2 ] || usage; duration=$2; shift 2 ;;
    --connections) [ $# -ge 2 ] || usage; conns=$2; shift 2 ;;
    --threads) [ $# -ge 2 ] || usage; threads=$2; shift 2 ;;
    *) usage ;;
  esac
done
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
[ -x "$bin" ] || { echo "web.sh: $bin is not an executable (build it first: make)" >&2; exit 2; }
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "web.sh: $tool is missing (make deps)" >&2; exit 2; }
done
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SALESPLAN_DB

tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

what="scale-$scale workspace"
if [ -z "$db" ]; then
  db=$here/data/scale-$scale/work/salesplan.db
  if [ ! -f "$db" ]; then
    db=$tmp/demo.db
    what="demo workspace (no scale-$scale data: run bench/run.sh first for it)"
    "$bin" --db "$db" demo --quiet >/dev/null || { echo "web.sh: salesplan demo failed" >&2; exit 1; }
  fi
else
  what="workspace $db"
fi
year=$(date +%Y)

# a bench user (kept in the workspace between runs) and a fresh token
pw="bench-web-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
if "$bin" --db "$db" user list 2>/dev/null | grep -q '^bench-web\b'; then
  echo "$pw" | "$bin" --db "$db" user passwd bench-web --password-stdin >/dev/null
else
  echo "$pw" | "$bin" --db "$db" user add bench-web --role admin --password-stdin >/dev/null
fi || { echo "web.sh: cannot make the bench user" >&2; exit 1; }
token=$("$bin" --db "$db" token add bench-web --label "bench/web.sh" | tail -1)

"$bin" --db "$db" serve --listen 127.0.0.1:0 --threads "$sthreads" --max-connections $((conns * 2 + 16)) \
  --per-ip $((conns * 2 + 16)) >"$tmp/serve.out" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.out")
[ -n "$port" ] || { echo "web.sh: the server did not start" >&2; cat "$tmp/serve.log" >&2; exit 1; }
url=http://127.0.0.1:$port

jar=$tmp/jar
curl -s -c "$jar" -b "$jar" -o /dev/null "$url/login"
pre=$(awk '$6 == "sp_csrf" {print $7}' "$jar")
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$pre" --data-urlencode "login=bench-web" \
  --data-urlencode "password=$pw" "$url/login"
sid=$(awk '$6 == "sp_session" {print $7}' "$jar")
[ -n "$sid" ] || { echo "web.sh: cannot sign in" >&2; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
# ms VALUE: wrk's latency (850.00us, 1.23ms, 2.10s) in ms
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'; }

rows=()
run() { # run NAME HEADER PATH
  local name=$1 header=$2 path=$3
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$url$path")
  [ "$code" = 200 ] || { echo "web.sh: $name answered $code before the run" >&2; failed=1; return; }
  local before after out
  before=$(rss)
  out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -H "$header" "$url$path" 2>&1)
  after=$(rss)
  echo "$out" >"$tmp/wrk-$name.txt"
  local rps p50 p99 non2xx sock
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $NF}')
  sock=$(echo "$out" | awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
  rows+=("| $name | $rps | $p50 | $p99 | ${non2xx:-0} + ${sock:-0} | $before → $after |")
}

failed=0
run dashboard "Cookie: sp_session=$sid" "/"
run "kpi API" "Authorization: Bearer $token" "/api/v1/kpi?metric=revenue&period=$year&by=month"

{
  echo "salesplan serve under wrk: $what, $conns connections, ${duration} s per run, $threads wrk threads, server --threads $sthreads"
  echo "($(nproc) CPUs, $(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "| what | requests/s | p50 ms | p99 ms | errors (non-2xx + socket) | server RSS MB start → end |"
  echo "|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "$r"; done
} | { mkdir -p "$here/data"; tee "$here/data/web-latest.md"; }

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc = 0 ] || { echo "web.sh: the server exited $rc on SIGTERM" >&2; failed=1; }
exit $failed
