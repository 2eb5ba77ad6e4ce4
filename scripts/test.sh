#!/usr/bin/env bash
# `npm test`: set up what is missing, then run every check and suite (scripts/test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh mariadb-server chromium sip-tester docker-compose curl python3
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx scripts/test.ts "$@"
