#!/usr/bin/env bash
# `npm start`: set up what is missing, build the console once, then run database + sipd + console.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NEXT_TELEMETRY_DISABLED=1
# Build the console on the first run, and again when its sources changed since the last build.
if [ -d apps/web/app ]; then
  if [ ! -f apps/web/.next/BUILD_ID ] ||
    [ -n "$(find apps/web/app apps/web/src packages -newer apps/web/.next/BUILD_ID \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' \) -not -path '*/node_modules/*' -print -quit)" ]; then
    echo "start: building the console"
    npm run build -w @switchboard/web
  fi
fi
exec node --import tsx scripts/start.ts "$@"
