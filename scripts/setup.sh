#!/usr/bin/env bash
# Shared setup for `npm start` and `npm test`: Debian packages (when root and missing) and node_modules.
# Usage: scripts/setup.sh [packages...]   e.g. scripts/setup.sh mariadb-server chromium sip-tester
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pkg in "$@"; do
  case "$pkg" in
    mariadb-server) [ -x /usr/sbin/mariadbd ] || missing+=("$pkg") ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=("$pkg") ;;
    sip-tester) command -v sipp >/dev/null || missing+=("$pkg") ;;
    docker-compose) command -v docker-compose >/dev/null || missing+=("$pkg") ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]} (install them with: sudo apt-get install -y ${missing[*]})" >&2
  fi
fi

# node_modules: a clean install when missing; an incremental one when package-lock.json changed since
# the last install (compared by content, so a touched file or a checkout does not wipe node_modules).
stamp=node_modules/.switchboard-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: npm install (package-lock.json changed)"
  npm install --no-audit --no-fund
  echo "$want" > "$stamp"
fi
