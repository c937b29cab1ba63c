#!/usr/bin/env bash
# Writes a containers.conf for rootful Podman on these machines to FILE: runc (Debian's default
# crun fails: "cgroups in hybrid mode not supported") and rlimits no higher than the host's hard
# limits (Podman's defaults need CAP_SYS_RESOURCE, which root lacks here).
#
#   bash scripts/image/containers-conf.sh FILE && export CONTAINERS_CONF=FILE
set -euo pipefail
file=${1:?file}
nofile=$(ulimit -Hn)
nproc=$(cat /proc/sys/kernel/pid_max)
hu=$(ulimit -Hu)
if [ "$hu" != unlimited ] && [ "$hu" -lt "$nproc" ]; then nproc=$hu; fi
mkdir -p "$(dirname "$file")"
cat >"$file" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
CONF
