#!/usr/bin/env bash
# Side-by-side: skillgraph and PostGraphile v5 answering the same nested query over the same PostgreSQL rows.
#
#   bench/peer/peer-postgraphile.sh DATABASE_URL SKILLGRAPH_GRAPHQL_URL [ROUNDS]
#
# DATABASE_URL is the PostgreSQL database skillgraph serves (its tables in schema public); fill it first, e.g.
#   psql "$DATABASE_URL" -v orgs=2000 -v per_org=10 -f bench/peer/load.sql      (after 'skillgraph migrate up',
#   no demo data: serve with SKILLGRAPH_DEMO_DATA=false). orgs=20000 gives ten times the rows for the same answer.
# The script installs Node 22 and PostGraphile v5 from the npm registry under /var/tmp/sg-peer (once), and wrk
# from Debian if missing; starts PostGraphile on a free loopback port; checks that both servers return the same
# rows (same-rows.py); then, per round, 3 s warm-up + 15 s of wrk -t2 -c16 against each server in turn, and prints
# req/s, p50, p99 and the ratio. It stops PostGraphile at the end. Queries: nested-*.graphql beside this file;
# edit the PostGraphile one if the tables are renamed. Figures on a shared 2-core machine are noisy: compare
# ratios from one run, never absolute times from different runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${1:?DATABASE_URL}; sg=${2:?skillgraph GraphQL URL}; rounds=${3:-2}
P=/var/tmp/sg-peer; mkdir -p "$P"; log=$P/install.log
command -v wrk >/dev/null || { apt-get update -q >>"$log" 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >>"$log" 2>&1; }
if [ ! -x "$P/node_modules/.bin/node" ] || [ ! -d "$P/node_modules/postgraphile" ]; then
  echo "installing node@22 and postgraphile@5 under $P (about a minute)"
  (cd "$P" && { [ -f package.json ] || npm init -y >>"$log" 2>&1; } && npm install -q --no-audit --no-fund node@22 postgraphile@5 >>"$log" 2>&1)
fi
body() { python3 -c 'import json,sys; print(json.dumps({"query": open(sys.argv[1]).read()}))' "$1"; }
body "$here/nested-skillgraph.graphql" > "$P/sg.json"; body "$here/nested-postgraphile.graphql" > "$P/pg.json"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$P" && GRAPHILE_ENV=production exec node_modules/.bin/node node_modules/postgraphile/dist/cli-run.js \
   -P postgraphile/presets/amber -c "$db" -s public -n 127.0.0.1 -p "$port" > "$P/postgraphile.log" 2>&1) &
pgpid=$!; trap 'kill $pgpid 2>/dev/null || true' EXIT
pgurl=http://127.0.0.1:$port/graphql
for _ in $(seq 1 120); do curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data '{"query":"{__typename}"}' "$pgurl" 2>/dev/null && break; sleep 0.5; done
post() { curl -fsS -X POST -H 'Content-Type: application/json' --data-binary "@$2" "$1"; }
post "$sg" "$P/sg.json" > "$P/sg.out"; post "$pgurl" "$P/pg.json" > "$P/pg.out"
python3 "$here/same-rows.py" "$P/sg.out" "$P/pg.out"
lua=$P/post.lua
cat > "$lua" <<'LUA'
function init(args) local f = io.open(args[1], "rb"); body = f:read("*a"); f:close() end
request = function() return wrk.format("POST", nil, {["Content-Type"]="application/json"}, body) end
LUA
one() {  # one NAME URL BODY -> prints a row, leaves req/s in $P/rps.NAME
  wrk -t2 -c16 -d3s -s "$lua" "$2" -- "$3" >/dev/null 2>&1
  out=$(wrk -t2 -c16 -d15s --latency -s "$lua" "$2" -- "$3" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  printf '%-14s %9s req/s  p50 %9s  p99 %9s  non-2xx %s\n' "$1" "$rps" "$(echo "$out" | awk '$1=="50%" {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')" "$(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)"
  echo "$rps" > "$P/rps.$1"
}
for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds, $(nproc) cores shared by wrk, PostgreSQL and both servers"
  one skillgraph "$sg" "$P/sg.json"; one postgraphile "$pgurl" "$P/pg.json"
  awk -v a="$(cat "$P/rps.skillgraph")" -v b="$(cat "$P/rps.postgraphile")" 'BEGIN {printf "skillgraph / PostGraphile v5 throughput: %.2fx\n", a/b}'
done
