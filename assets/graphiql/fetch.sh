#!/usr/bin/env bash
# Fetches the pinned production builds GraphiQL needs from the npm registry into this folder,
# with their licences; the server embeds them (src/http/graphiql.rs) and serves them itself, so
# the page works on a machine without internet access. Run it to change a version, then commit
# what it wrote (SHA256SUMS lists every file; `sha256sum -c SHA256SUMS` checks them).
set -euo pipefail
cd "$(dirname "$0")"
GRAPHIQL=3.8.3     # the last line with a UMD build (4 and 5 ship ES modules only)
REACT=18.3.1       # the last React with UMD builds
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for package in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir -p "$work/$package"
  tar xzf "$work/$package.tgz" -C "$work/$package"
done
cp "$work/graphiql-$GRAPHIQL/package/graphiql.min.js" "$work/graphiql-$GRAPHIQL/package/graphiql.min.css" .
cp "$work/graphiql-$GRAPHIQL/package/LICENSE" LICENSE.graphiql
cp "$work/react-$REACT/package/umd/react.production.min.js" .
cp "$work/react-$REACT/package/LICENSE" LICENSE.react
cp "$work/react-dom-$REACT/package/umd/react-dom.production.min.js" .
cp "$work/react-dom-$REACT/package/LICENSE" LICENSE.react-dom
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$GRAPHIQL" "$REACT" "$REACT" > VERSIONS
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js > SHA256SUMS
