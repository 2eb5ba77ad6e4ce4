#!/usr/bin/env bash
# `npm start`: set up what is missing, build the console once, then run database + sipd + console.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NEXT_TELEMETRY_DISABLED=1
if [ -d apps/web/app ] && [ ! -f apps/web/.next/BUILD_ID ]; then
  echo "start: building the console (first run)"
  npm run build -w @switchboard/web
fi
exec node --import tsx scripts/start.ts "$@"
