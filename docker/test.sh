#!/usr/bin/env bash
# `npm run docker:test`: proves docker/ on this machine, end to end.
#   1. a Docker engine: DOCKER_HOST's, else a private dockerd (docker/engine.sh), plus the local base images
#   2. builds docker/Dockerfile from this tree, with local base images only (never pulled)
#   3. `docker-compose up -d` of docker/compose.yaml, waits for every service to be healthy
#   4. docker/smoke.ts: sipp REGISTER through the published SIP port, sipd's RPC/health/metrics, and a
#      Playwright login into the console with the admin the migrate service printed
#   5. tears down containers, network and volume, then the dockerd it started and what dockerd left on
#      the host (iptables chains, docker0, IP forwarding). Images stay cached, so the next run is quick.
# Where no engine can run (not root and none reachable, docker.io not installable, dockerd refuses to
# start, base images impossible to make) it prints one `SKIP: <reason>` line and exits 0.
# The published ports are 127.0.0.1:5060 and 127.0.0.1:3000, or free ones when those are taken.
set -euo pipefail
cd "$(dirname "$0")/.."
. docker/engine.sh

started=$SECONDS
say() { echo "docker:test [$((SECONDS - started))s] $*"; }
skip() {
  echo "SKIP: $*"
  exit 0
}

# Host-side tools: sipp, Chromium, docker-compose, node_modules (Playwright, tsx).
bash scripts/setup.sh sip-tester chromium docker-compose >&2
if command -v docker-compose >/dev/null; then
  compose_cmd=(docker-compose)
elif docker_cli compose version >/dev/null 2>&1; then
  compose_cmd=("$DOCKER_BIN" compose)
else
  skip "neither docker-compose nor the docker compose plugin is installed"
fi

mkdir -p "$SB_DOCKER_HOME"
# One run at a time on this host: they would share the engine and the published ports.
exec 9>"$SB_DOCKER_HOME/test.lock"
flock -w 1800 9 || skip "another docker:test held $SB_DOCKER_HOME/test.lock for 30 minutes"

engine_start test || skip "$ENGINE_REASON"
project=switchboard-test
image=switchboard:docker-test
: >"$SB_DOCKER_HOME/empty.env" # so a developer's docker/.env does not change what is tested
dc=("${compose_cmd[@]}" -p "$project" -f docker/compose.yaml --env-file "$SB_DOCKER_HOME/empty.env")

teardown() {
  local code=$?
  say "tearing down"
  "${dc[@]}" down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true
  [ "$ENGINE_STARTED" = 1 ] && engine_stop
  say "done"
  exit "$code"
}
trap teardown EXIT
trap 'exit 130' INT TERM

say "engine ready at $DOCKER_HOST"
engine_base_images || skip "$ENGINE_REASON"
docker_cli run --rm --network none debian:bookworm-slim true >/dev/null 2>&1 ||
  skip "the engine cannot start containers here (see $SB_DOCKER_HOME/dockerd.log)"

say "building $image"
# --pull=false keeps FROM on the local base images (the 20.10 CLI's spelling of --pull=never); the host
# network lets `npm ci` reach the registry whatever the bridge's NAT and DNS look like.
if ! DOCKER_BUILDKIT=1 docker_cli build --pull=false --network host --progress plain -f docker/Dockerfile \
  -t "$image" . >"$SB_DOCKER_HOME/build.log" 2>&1; then
  tail -40 "$SB_DOCKER_HOME/build.log"
  echo "docker:test: the image did not build (log: $SB_DOCKER_HOME/build.log)" >&2
  exit 1
fi
docker_cli image prune -f >/dev/null # the previous run's image, now untagged

# A port is free when nothing listens on it over TCP or UDP.
port_free() { [ -z "$(ss -Hln "( sport = :$1 )" 2>/dev/null)" ]; }
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
sip_port=5060
port_free "$sip_port" || sip_port=$(free_port)
web_port=3000
port_free "$web_port" || web_port=$(free_port)
export SWITCHBOARD_IMAGE=$image SIP_PUBLISH=127.0.0.1:$sip_port WEB_PUBLISH=127.0.0.1:$web_port
export SIP_ADVERTISE=127.0.0.1:$sip_port SIP_DOMAIN=switchboard.local
export RPC_TOKEN=docker-test-$RANDOM$RANDOM

say "compose up (SIP on 127.0.0.1:$sip_port, console on 127.0.0.1:$web_port)"
if ! "${dc[@]}" up -d --no-build >"$SB_DOCKER_HOME/up.log" 2>&1; then
  cat "$SB_DOCKER_HOME/up.log"
  "${dc[@]}" logs --no-color --tail 40 >&2 || true
  exit 1
fi

say "waiting for sipd and web to be healthy"
# healthy, unhealthy or starting; the container state (exited, ...) for a container without one.
health_of() {
  local id
  id=$("${dc[@]}" ps -q "$1" 2>/dev/null || true)
  [ -n "$id" ] || { echo missing; return; }
  docker_cli inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" ||
    echo missing
}
for _ in $(seq 120); do
  states="sipd=$(health_of sipd) web=$(health_of web)"
  case "$states" in
    *unhealthy* | *exited* | *dead* | *restarting*) break ;;
    "sipd=healthy web=healthy") break ;;
  esac
  sleep 1
done
if [ "$states" != "sipd=healthy web=healthy" ]; then
  echo "docker:test: services not healthy: $states" >&2
  "${dc[@]}" ps >&2
  "${dc[@]}" logs --no-color --tail 40 >&2 || true
  exit 1
fi

migrate_log=$("${dc[@]}" logs --no-color migrate)
admin_user=$(sed -n 's/.*username: \([^ ]*\).*/\1/p' <<<"$migrate_log" | tail -1)
admin_password=$(sed -n 's/.*password: \([^ ]*\).*/\1/p' <<<"$migrate_log" | tail -1)
[ -n "$admin_user" ] && [ -n "$admin_password" ] || {
  echo "docker:test: the migrate service did not print the first admin:" >&2
  echo "$migrate_log" >&2
  exit 1
}

say "smoke tests"
compose_json=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "${dc[@]}")
SMOKE_SIP=127.0.0.1:$sip_port SMOKE_WEB=http://127.0.0.1:$web_port SMOKE_DOMAIN=$SIP_DOMAIN \
  SMOKE_USER=alice SMOKE_PASSWORD=alice-pass SMOKE_ADMIN_USER=$admin_user SMOKE_ADMIN_PASSWORD=$admin_password \
  SMOKE_COMPOSE=$compose_json node --import tsx --test --test-reporter=spec docker/smoke.ts
