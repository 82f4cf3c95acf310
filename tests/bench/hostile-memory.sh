#!/usr/bin/env bash
# Memory under hostile load: 64 connections sending the most expensive query the limits allow.
#
#   bash tests/bench/hostile-memory.sh [SECONDS]     (SKILLGRAPH_BIN=path to skip the build)
#
# Builds the release binary, serves a fresh demo SQLite database on a free loopback port, drives it
# with wrk (64 connections, 2 threads) for SECONDS (20), samples the server's resident memory every
# 0.2 s, and prints the figures: requests, non-2xx answers, the query's cost, peak and final RSS.
# Loopback only; bounded in time; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/skillgraph-target}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
# SKILLGRAPH_BIN names an already built binary; otherwise the release build is made (or reused).
if [ -z "${SKILLGRAPH_BIN:-}" ]; then cargo build --release --quiet; fi
BIN="${SKILLGRAPH_BIN:-$CARGO_TARGET_DIR/release/skillgraph}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
# The rate limit would refuse most of the load; memory under the load is what is measured.
export SKILLGRAPH_RATE_LIMIT_RESTORE_ANONYMOUS=0
export SKILLGRAPH_LISTEN="127.0.0.1:$PORT" SKILLGRAPH_LOG=warn SKILLGRAPH_KEYS_FILE="$WORK/keys.toml"
export DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc"
"$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
# Just under the maximum cost: 100 alliances × 100 members × their organization, its alliances and
# a page of its demands (the demo has fewer rows than the bound assumes; the cost is the bound).
QUERY='{ alliances(first: 100) { nodes { code members(first: 100) { nodes { organization { name alliances { code name } demands(first: 15) { nodes { id headcount occupation { name } } } } } } } } }'
BODY="$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$QUERY")"
COST="$(curl -s -D - -o /dev/null -H 'content-type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/graphql" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-query-cost"{print $2}')"
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$BODY]]
LUA
rss() { awk '/VmRSS/{print $2}' "/proc/$PID/status"; }
START_RSS="$(rss)"
PEAK=0
( while kill -0 $PID 2>/dev/null; do r="$(rss)"; echo "$r"; sleep 0.2; done ) >"$WORK/rss" &
SAMPLER=$!
wrk -t2 -c64 -d"${SECONDS_TO_RUN}s" --timeout 30s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/graphql" | tee "$WORK/wrk.txt"
kill $SAMPLER 2>/dev/null || true
PEAK="$(sort -n "$WORK/rss" | tail -1)"
END_RSS="$(rss)"
NON2XX="$(awk '/Non-2xx/{print $NF}' "$WORK/wrk.txt")"
echo "query cost: ${COST:-?} (maximum 1000000)"
echo "rss at start: $((START_RSS / 1024)) MiB, peak: $((PEAK / 1024)) MiB, after: $((END_RSS / 1024)) MiB"
echo "non-2xx answers: ${NON2XX:-0}"
