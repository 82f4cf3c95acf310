#!/usr/bin/env bash
# Side-by-side on several portal shapes: skillgraph and PostGraphile v5 over the same PostgreSQL rows.
#
#   bench/peer/peer-shapes.sh DATABASE_URL SKILLGRAPH_GRAPHQL_URL [SECONDS] [SHAPES_FILE]
#
# Same set-up as peer-postgraphile.sh (rows of load.sql, skillgraph served with SKILLGRAPH_DEMO_DATA=false; turn off
# skillgraph's public cache and anonymous rate limit for a computed-versus-computed comparison:
# SKILLGRAPH_PUBLIC_CACHE_TTL_SECS=0 SKILLGRAPH_RATE_LIMIT_RESTORE_ANONYMOUS=0). For each line of SHAPES_FILE
# (shapes.txt beside this script by default): both answers are fetched once (errors are shown), then 2 s warm-up and
# SECONDS (10) of wrk -t2 -c16 against each server in turn; prints req/s, p99 and the ratio. Compare ratios from one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${1:?DATABASE_URL}; sg=${2:?skillgraph GraphQL URL}; secs=${3:-10}; shapes=${4:-$here/shapes.txt}
P=/var/tmp/sg-peer; mkdir -p "$P"; log=$P/install.log
command -v wrk >/dev/null || { apt-get update -q >>"$log" 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >>"$log" 2>&1; }
if [ ! -x "$P/node_modules/.bin/node" ] || [ ! -d "$P/node_modules/postgraphile" ]; then
  echo "installing node@22 and postgraphile@5 under $P (about a minute)"
  (cd "$P" && { [ -f package.json ] || npm init -y >>"$log" 2>&1; } && npm install -q --no-audit --no-fund node@22 postgraphile@5 >>"$log" 2>&1)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$P" && GRAPHILE_ENV=production exec node_modules/.bin/node node_modules/postgraphile/dist/cli-run.js \
   -P postgraphile/presets/amber -c "$db" -s public -n 127.0.0.1 -p "$port" > "$P/postgraphile-shapes.log" 2>&1) &
pgpid=$!; trap 'kill $pgpid 2>/dev/null || true' EXIT
pgurl=http://127.0.0.1:$port/graphql
for _ in $(seq 1 120); do curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data '{"query":"{__typename}"}' "$pgurl" 2>/dev/null && break; sleep 0.5; done
lua=$P/post.lua
cat > "$lua" <<'LUA'
function init(args) local f = io.open(args[1], "rb"); body = f:read("*a"); f:close() end
request = function() return wrk.format("POST", nil, {["Content-Type"]="application/json"}, body) end
LUA
run() {  # run URL BODY -> "req/s p99 non2xx"
  wrk -t2 -c16 -d2s -s "$lua" "$1" -- "$2" >/dev/null 2>&1
  wrk -t2 -c16 -d"${secs}"s --latency -s "$lua" "$1" -- "$2" 2>&1 | awk '/Requests\/sec/ {r=$2} $1=="99%" {p=$2} /Non-2xx/ {n=$NF} END {printf "%s %s %s", r, p, (n==""?0:n)}'
}
echo "$(nproc) cores shared by wrk, PostgreSQL and both servers; wrk -t2 -c16, ${secs} s each"
grep -v '^#' "$shapes" | grep -v '^ *$' | while IFS='|' read -r name sgq pgq; do
  name=$(echo $name)
  python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1].strip()}))' "$sgq" > "$P/shape-sg.json"
  python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1].strip()}))' "$pgq" > "$P/shape-pg.json"
  for side in sg pg; do
    url=$sg; [ $side = pg ] && url=$pgurl
    ans=$(curl -sS -X POST -H 'Content-Type: application/json' --data-binary "@$P/shape-$side.json" "$url")
    case "$ans" in *'"errors"'*) echo "$name: $side answered errors: ${ans:0:300}"; continue 2 ;; esac
  done
  read -r a ap an <<<"$(run "$sg" "$P/shape-sg.json")"; read -r b bp bn <<<"$(run "$pgurl" "$P/shape-pg.json")"
  awk -v n="$name" -v a="$a" -v ap="$ap" -v an="$an" -v b="$b" -v bp="$bp" -v bn="$bn" 'BEGIN {
    printf "%-16s skillgraph %8.1f req/s p99 %8s | PostGraphile %8.1f req/s p99 %8s | %.2fx%s\n", n, a, ap, b, bp, a / b,
      (an + bn > 0 ? sprintf("  (non-2xx: %s / %s)", an, bn) : "") }'
done
