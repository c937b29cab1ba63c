#!/usr/bin/env bash
# Builds the Dockerfile as it is with Podman and checks what a user of the image relies on, then
# runs compose.yaml's two-instance topology with the same image. CI runs it after the tests.
#
#   bash scripts/image-smoke.sh                  # everything
#   PHASES=image bash scripts/image-smoke.sh     # some of: image two
#   SRC=/path/to/checkout bash scripts/image-smoke.sh   # build another tree (default: this one)
#
# Needs root, podman (with runc), buildah, debootstrap, curl and, with Podman's CNI network
# backend, the dnsname plugin (containers find each other by name, as in compose). Docker Hub cannot be reached
# here, so node:24-bookworm-slim is stood in for by a local build (scripts/image/base-image.sh)
# when missing, and redis and nginx by Debian's packages (scripts/image/services.Containerfile).
# Prints `N passed, N failed` last; exits non-zero when a check failed. Removes every container,
# network and volume it created.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SRC=${SRC:-$ROOT}
W=${IMAGE_SMOKE_DIR:-${TMPDIR:-/tmp}/image-smoke}
PHASES=${PHASES:-image two}
IMAGE=localhost/txapproval:smoke
SERVICES=localhost/txapproval-services:smoke
NAME=txa-smoke # every container, network and volume this script creates starts with it
PHONE=+15555550100
# Host ports (loopback only) away from the app's defaults, which a developer may be using.
P_APP=38000 P_EMU=38001 P_LB=38080 P_APP1=38101 P_APP2=38102
mkdir -p "$W"
if [ -z "${CONTAINERS_CONF:-}" ]; then
  bash "$HERE/image/containers-conf.sh" "$W/containers.conf"
  export CONTAINERS_CONF=$W/containers.conf
fi

pass=0 fail=0
check() { # check NAME COMMAND...: counts a pass when COMMAND succeeds
  local name=$1
  shift
  if "$@"; then
    echo "PASS $name"
    pass=$((pass + 1))
  else
    echo "FAIL $name"
    fail=$((fail + 1))
  fi
}
section() { printf '\n=== %s\n' "$*"; }
want() { [[ " $PHASES " == *" $1 "* ]]; }
approve() { (cd "$ROOT" && npx --no-install tsx scripts/image/approve.ts "$@"); }
finish() {
  echo
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
cleanup() {
  local c
  for c in $(podman ps -a --format '{{.Names}}' | grep "^$NAME-"); do podman rm -f "$c" >/dev/null 2>&1; done
  podman network rm -f "$NAME" >/dev/null 2>&1
  podman volume rm -f "$NAME-setup" >/dev/null 2>&1
  true
}
trap cleanup EXIT
cleanup

# Polls URL until it answers 200 (deadline SECONDS); every answer must come within 5 s: a
# request accepted and never answered is what a starting server must not do.
unanswered=0
wait_200() { # wait_200 URL SECONDS
  local deadline=$((SECONDS + $2)) code rc
  while [ $SECONDS -lt $deadline ]; do
    code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$1")
    rc=$?
    [ $rc -eq 28 ] && unanswered=$((unanswered + 1))
    [ "$code" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}
json_only() { # every non-empty line of FILE is a JSON object
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const bad = lines.filter((l) => { try { return typeof JSON.parse(l) !== "object"; } catch { return true; } });
    for (const l of bad.slice(0, 5)) console.error("  not JSON: " + l.slice(0, 160));
    process.exit(lines.length > 0 && bad.length === 0 ? 0 : 1);
  ' "$1"
}
# SIGTERM (podman stop) with a client holding an idle connection: exit code and seconds to exit.
stop_with_idle_connection() { # stop_with_idle_connection CONTAINER HOST_PORT -> "CODE SECONDS"
  local t0 finished
  exec 3<>"/dev/tcp/127.0.0.1/$2"
  t0=$(date +%s%N)
  podman stop -t 10 "$1" >/dev/null
  exec 3>&-
  finished=$(podman inspect "$1" --format '{{.State.FinishedAt.UnixNano}}')
  echo "$(podman inspect "$1" --format '{{.State.ExitCode}}') $(((finished - t0) / 1000000))"
}

section "base image"
bash "$HERE/image/base-image.sh" "$W/base" || {
  echo "FAIL the stand-in base image could not be built"
  fail=$((fail + 1))
  finish
}

# ---------------------------------------------------------------------------------------------
section "build context (.dockerignore)"
# What the next commit of SRC holds, plus secrets and data someone left in the checkout.
SECRET=planted-secret-$$-$(date +%s)-c0ffee
CTX=$W/context
rm -rf "$CTX" && mkdir -p "$CTX"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf -) | tar -xf - -C "$CTX"
planted=(.env .env.local data/store.sqlite public/planted.pem src/planted.key views/.env
  public/nested/.npmrc node_modules/leak-probe/package.json scripts/planted.db)
for f in "${planted[@]}"; do
  mkdir -p "$(dirname "$CTX/$f")"
  echo "PINGONE_CLIENT_SECRET=$SECRET" >"$CTX/$f"
done
printf 'FROM docker.io/library/node:24-bookworm-slim\nCOPY . /ctx\nRUN cd /ctx && find . -type f | sort\n' >"$W/Containerfile.ctx"
podman build --pull=never --no-cache -q -f "$W/Containerfile.ctx" -t "localhost/$NAME-ctx" "$CTX" >"$W/ctx.log" 2>&1
podman run --rm "localhost/$NAME-ctx" sh -c 'cd /ctx && find . -type f | sort' >"$W/ctx.files" 2>&1
podman rmi -f "localhost/$NAME-ctx" >/dev/null 2>&1
leaked=$(for f in "${planted[@]}"; do grep -x "./$f" "$W/ctx.files"; done | tr '\n' ' ')
check "no planted secret or data file in the build context (${leaked:-none})" test -z "$leaked"
check ".env.example and package-lock.json are in the build context" \
  grep -qx './.env.example' "$W/ctx.files"

# ---------------------------------------------------------------------------------------------
section "build $IMAGE"
# Two things this machine needs, mounted for RUN steps only (they land in no layer): the host's
# CA bundle (TLS to the npm registry goes through a CA the host trusts) and an npmrc pointing npm
# at it and node-gyp at the base image's headers (nodejs.org is unreachable, so better-sqlite3
# compiles from source). /usr/local/etc exists (empty) in the base, so no mount point is left.
rm -rf "$W/buildenv" && mkdir -p "$W/buildenv"
cp /etc/ssl/certs/ca-certificates.crt "$W/buildenv/host-ca.pem"
printf 'cafile=/usr/local/etc/host-ca.pem\nnodedir=/usr/local\n' >"$W/buildenv/npmrc"
started=$SECONDS
# --format docker: the OCI format drops HEALTHCHECK.
podman build --pull=never --format docker -t "$IMAGE" -v "$W/buildenv:/usr/local/etc:ro" "$CTX" >"$W/build.log" 2>&1
rc=$?
echo "build: exit $rc in $((SECONDS - started)) s (log: $W/build.log)"
check "podman build of the Dockerfile" test $rc -eq 0
[ $rc -eq 0 ] || {
  tail -30 "$W/build.log"
  finish
}
# The deps and build stages stay as untagged images: they are the next build's cache.
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
echo "image size: $((size / 1000000)) MB ($size bytes)"
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | head -8 | cut -c1-120

hc=$(podman image inspect "$IMAGE" --format '{{json .Config.Healthcheck}}')
check "the image has the Dockerfile's HEALTHCHECK" grep -q healthz <<<"$hc"
hits=$(podman run --rm --user 0 --entrypoint sh "$IMAGE" -c \
  "grep -rIl --exclude-dir=proc --exclude-dir=sys -F '$SECRET' / 2>/dev/null; find / -xdev \( -name '*.pem' -o -name '*.key' -o -name '.env*' -o -name .npmrc \) -path '/app/*' 2>/dev/null" | tr '\n' ' ')
check "no planted secret, .env, *.pem, *.key or .npmrc in the image (${hits:-none})" test -z "$hits"
left=$(podman run --rm --entrypoint sh "$IMAGE" -c 'ls -A /usr/local/etc')
check "nothing of the build-time mount in the image (${left:-none})" test -z "$left"
leftovers=$(podman run --rm --entrypoint sh "$IMAGE" -c \
  "cd /app/node_modules/better-sqlite3 && find . \( -name '*.o' -o -name '*.a' -o -name '*.c' -o -name '*.mk' -o -name test_extension.node \) | wc -l; du -sk . | cut -f1")
read -r n_left kb_left <<<"$(echo $leftovers)"
check "better-sqlite3: no build leftovers ($n_left files; the package is ${kb_left} kB)" \
  test "$n_left" = 0 -a "$kb_left" -lt 6000
perm=$(podman run --rm --entrypoint sh "$IMAGE" -c 'stat -c "%U:%g %A" /app/data')
check "/app/data is group 0 with the owner's rights ($perm)" test "$perm" = "node:0 drwxrwxr-x"
dev=$(podman run --rm --entrypoint sh "$IMAGE" -c \
  'cd /app && ls -d src node_modules/typescript node_modules/vitest node_modules/tsx node_modules/pino-pretty 2>/dev/null' | tr '\n' ' ')
check "production dependencies only, no TypeScript sources (${dev:-none of them})" test -z "$dev"
setup_out=$(podman run --rm "$IMAGE" node dist/scripts/setup.js --help 2>&1)
check "setup --help prints its usage" grep -q '^Usage: npm run setup' <<<"$setup_out"

if want image; then
  # -------------------------------------------------------------------------------------------
  section "production image without the demo opt-in"
  # No PINGONE_* settings and no DEMO=1: refused, exit 2, one line that names what to set.
  # stdout only: the app logs there; podman's own notices go to stderr.
  nodemo=$(timeout 60 podman run --rm --name "$NAME-nodemo" "$IMAGE" 2>"$W/nodemo.err")
  rc=$?
  check "without DEMO=1 or PingOne settings it exits 2 (exit $rc)" test $rc -eq 2
  check "... with one line naming PINGONE_ENVIRONMENT_ID and DEMO=1 ($(wc -l <<<"$nodemo") line)" \
    test "$(wc -l <<<"$nodemo")" -eq 1 -a -n "$(grep -F 'PINGONE_ENVIRONMENT_ID' <<<"$nodemo" | grep -F 'DEMO=1')"

  section "embedded demo in the image"
  # The demo on purpose (DEMO=1); EMULATOR_HOST=0.0.0.0 publishes its emulator for the phone page.
  run_embedded() { # run_embedded NAME [podman run options...]
    local name=$1
    shift
    podman run -d --name "$name" -e DEMO=1 "$@" \
      -p "127.0.0.1:$P_APP:$P_APP" -p "127.0.0.1:$P_EMU:$P_EMU" \
      -e PORT=$P_APP -e EMULATOR_PORT=$P_EMU -e BASE_URL="http://127.0.0.1:$P_APP" "$IMAGE" >/dev/null
  }
  # Without EMULATOR_HOST the emulator listens on the container's loopback only: its port,
  # published or not, answers nothing from outside, while the app inside still reaches it.
  CT=$NAME-loopback
  run_embedded $CT
  wait_200 "http://127.0.0.1:$P_APP/healthz" 90
  check "DEMO=1 alone: the demo starts (healthy within 90 s)" test $? -eq 0
  code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_EMU/__emulator/sms")
  check "DEMO=1 alone: the emulator's port answers nothing from outside the container ($code)" \
    test "$code" = 000
  podman exec $CT node -e "fetch('http://127.0.0.1:$P_EMU/__emulator/sms').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
  check "... while inside the container it listens on loopback" test $? -eq 0
  podman rm -f $CT >/dev/null

  CT=$NAME-app
  run_embedded $CT -e EMULATOR_HOST=0.0.0.0
  unanswered=0
  wait_200 "http://127.0.0.1:$P_APP/healthz" 90
  check "healthy over HTTP within 90 s" test $? -eq 0
  check "no request left unanswered while it started ($unanswered)" test $unanswered -eq 0
  uid=$(podman exec $CT id -u)
  check "runs as non-root (uid $uid)" test "$uid" != 0
  pid1=$(podman exec $CT sh -c 'tr "\0" " " </proc/1/cmdline')
  check "PID 1 is node ($pid1)" test "${pid1%% *}" = node
  podman healthcheck run $CT >/dev/null 2>&1
  check "healthy through its own HEALTHCHECK (podman healthcheck run)" test $? -eq 0
  approve --app "http://127.0.0.1:$P_APP" --sms "http://127.0.0.1:$P_EMU/__emulator/sms" \
    --jar "$W/embedded.jar" --timeline --request-id smoke-embedded
  check "one full approval over HTTP in embedded mode, with its timeline" test $? -eq 0
  otps=$(curl -s "http://127.0.0.1:$P_EMU/__emulator/sms" |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).map((m)=>m.otp).join(" ")))')
  read -r ec ms <<<"$(stop_with_idle_connection $CT $P_APP)"
  check "exits 0 within 2 s of stop with an idle client connection open (exit $ec after $ms ms)" \
    test "$ec" = 0 -a "$ms" -lt 2000
  podman logs $CT >"$W/embedded.log" 2>&1
  check "every log line is JSON (NODE_ENV=production)" json_only "$W/embedded.log"
  check "the log has the request ids it was sent" grep -q '"reqId":"smoke-embedded-' "$W/embedded.log"
  leak=""
  for o in $otps; do grep -qwF "$o" "$W/embedded.log" && leak="$leak $o"; done
  check "no OTP in the log (leaked:${leak:- none} of ${otps:-no code sent})" test -n "$otps" -a -z "$leak"
  check "the stop closed connections and stores" grep -q 'stopped: connections and stores closed' "$W/embedded.log"
  podman rm -f $CT >/dev/null

  # OpenShift's restricted policy: an arbitrary uid in group 0, which must write /app/data.
  CT=$NAME-uid
  run_embedded $CT --user 12345:0 -e EMULATOR_HOST=0.0.0.0
  wait_200 "http://127.0.0.1:$P_APP/healthz" 90
  check "healthy under an arbitrary uid with gid 0 (12345:0)" test $? -eq 0
  approve --app "http://127.0.0.1:$P_APP" --sms "http://127.0.0.1:$P_EMU/__emulator/sms" --jar "$W/uid.jar" >/dev/null
  check "one approval under uid 12345:0 (SQLite in /app/data)" test $? -eq 0
  # `docker stop` while a request is in flight (PingOne answers slowly): it is answered, then
  # the process exits 0.
  curl -s -o /dev/null -X DELETE "http://127.0.0.1:$P_EMU/__emulator/requests"
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"method":"GET","path":"/:env/as/authorize","latencyMs":1500}' \
    "http://127.0.0.1:$P_EMU/__emulator/faults"
  approve --app "http://127.0.0.1:$P_APP" --sms "http://127.0.0.1:$P_EMU/__emulator/sms" \
    --jar "$W/inflight.jar" --phase start >"$W/inflight.log" 2>&1 &
  inflight=$!
  for _ in $(seq 1 50); do
    curl -s "http://127.0.0.1:$P_EMU/__emulator/requests" | grep -q '/as/authorize' && break
    sleep 0.1
  done
  podman stop -t 10 $CT >/dev/null
  wait $inflight
  rc=$?
  check "a request in flight at stop is answered ($(tail -1 "$W/inflight.log"))" test $rc -eq 0
  check "exit 0 after it (exit $(podman inspect $CT --format '{{.State.ExitCode}}'))" \
    test "$(podman inspect $CT --format '{{.State.ExitCode}}')" = 0
  podman rm -f $CT >/dev/null
fi

if want two; then
  # -------------------------------------------------------------------------------------------
  section "two instances, offline: compose.yaml's topology"
  podman image exists "$SERVICES" || podman build --pull=never -q -t "$SERVICES" \
    -f "$HERE/image/services.Containerfile" "$HERE/image" >"$W/services.log" 2>&1 ||
    { tail -20 "$W/services.log"; }
  check "stand-in redis/nginx image" podman image exists "$SERVICES"
  # compose.yaml's network: a fixed subnet, nginx at a fixed address, TRUST_PROXY naming it. No
  # address range here: with Podman's CNI backend a requested --ip must lie inside it (Docker's,
  # for compose.yaml, takes one outside it); dynamic addresses start at .2 either way.
  podman network create --subnet 172.30.80.0/24 "$NAME" >/dev/null
  podman volume create "$NAME-setup" >/dev/null
  on_net=(--network "$NAME")
  BASE_URL=http://localhost:$P_LB

  podman run -d --name "$NAME-redis" "${on_net[@]}" --network-alias redis "$SERVICES" \
    redis-server --bind 0.0.0.0 --protected-mode no --save '' --appendonly no >/dev/null
  # The shared PingOne: its settings go to the setup volume for the one-shot setup.
  podman run -d --name "$NAME-emulator" "${on_net[@]}" --network-alias emulator \
    -v "$NAME-setup:/app/data" -e EMULATOR_PUBLIC_URL=http://emulator:3001 "$IMAGE" \
    node dist/scripts/emulator.js --host 0.0.0.0 --port 3001 --write-env /app/data/emulator.env >/dev/null
  for _ in $(seq 1 60); do podman exec "$NAME-emulator" test -f /app/data/emulator.env && break; sleep 0.5; done
  # compose.yaml's setup service: provisions once, the apps start after it.
  podman run --name "$NAME-setup" "${on_net[@]}" -v "$NAME-setup:/app/data" -e BASE_URL="$BASE_URL" \
    "$IMAGE" sh -c 'cp data/emulator.env data/app.env &&
      node dist/scripts/setup.js --write-env data/app.env --phone +15555550100 --redirect-uri "$BASE_URL/callback" &&
      echo "SESSION_SECRET=$(node -p "require(\"crypto\").randomBytes(32).toString(\"hex\")")" >>data/app.env' \
    >"$W/setup.log" 2>&1
  check "one-shot setup provisions the shared emulator" test "$(podman inspect "$NAME-setup" --format '{{.State.ExitCode}}')" = 0
  # app1 as compose.yaml runs it (Node reads the env file); app2 with the file given to the
  # engine (`docker run --env-file`, which takes values literally): both must read it the same.
  podman run --rm -v "$NAME-setup:/app/data:ro" --entrypoint cat "$IMAGE" /app/data/app.env >"$W/app.env"
  # DEMO=1 as in compose.yaml: production refuses the emulator's plain-http address otherwise.
  LB_IP=172.30.80.200
  shared=(--network-alias app -e REDIS_URL=redis://redis:6379 -e BASE_URL="$BASE_URL" -e INSPECTOR=on
    -e DEMO=1 -e TRUST_PROXY=$LB_IP)
  podman run -d --name "$NAME-app1" "${on_net[@]}" "${shared[@]}" -p "127.0.0.1:$P_APP1:3000" \
    -v "$NAME-setup:/app/data:ro" "$IMAGE" \
    node --env-file=/app/data/app.env --max-old-space-size=1024 dist/src/server.js >/dev/null
  podman run -d --name "$NAME-app2" "${on_net[@]}" "${shared[@]}" -p "127.0.0.1:$P_APP2:3000" \
    --env-file "$W/app.env" "$IMAGE" >/dev/null
  wait_200 "http://127.0.0.1:$P_APP1/healthz" 90 && wait_200 "http://127.0.0.1:$P_APP2/healthz" 90
  check "both instances healthy" test $? -eq 0
  podman run -d --name "$NAME-lb" "${on_net[@]}" --ip "$LB_IP" -p "127.0.0.1:$P_LB:8080" \
    -v "$HERE/image/nginx.conf:/etc/nginx/conf.d/default.conf:ro" "$SERVICES" nginx -g 'daemon off;' >/dev/null
  wait_200 "http://127.0.0.1:$P_LB/healthz" 30
  check "nginx in front answers" test $? -eq 0
  rm -f "$W/phone.html"
  code=$(curl -s --max-time 10 -o "$W/phone.html" -w '%{http_code}' "http://127.0.0.1:$P_LB/__emulator/phone")
  check "the simulated phone through nginx ($code)" grep -q 'Messages' "$W/phone.html"

  A=http://127.0.0.1:$P_APP1 B=http://127.0.0.1:$P_APP2
  SMS=http://127.0.0.1:$P_LB/__emulator/sms
  approve --app "$A" --app "$B" --sms "$SMS" --jar "$W/ab.jar" --timeline
  check "approval with requests alternating app1, app2, ... (timeline on the result page)" test $? -eq 0
  approve --app "$B" --app "$A" --sms "$SMS" --jar "$W/ba.jar" --timeline
  check "approval with requests alternating app2, app1, ..." test $? -eq 0
  approve --app "http://127.0.0.1:$P_LB" --sms "$SMS" --jar "$W/lb.jar" --timeline
  check "approval through nginx, the code read from the phone's outbox through nginx" test $? -eq 0
  approve --app "$A" --sms "$SMS" --jar "$W/killed.jar" --phase start
  podman kill "$NAME-app1" >/dev/null
  approve --app "$B" --sms "$SMS" --jar "$W/killed.jar" --phase finish --timeline
  check "started on app1, app1 killed (SIGKILL), finished on app2" test $? -eq 0
  approve --app "http://127.0.0.1:$P_LB" --sms "$SMS" --jar "$W/lb2.jar"
  check "nginx still serves approvals with app1 gone" test $? -eq 0
  podman logs "$NAME-app2" >"$W/app2.log" 2>&1
  check "every log line of app2 is JSON" json_only "$W/app2.log"
  check "app2 logged its PingOne calls (pingone.call, with transactionId)" \
    grep -q '"event":"pingone.call".*"transactionId"' "$W/app2.log"
fi

finish
