#!/bin/sh
# Switchboard container entrypoint: the image runs one role per container.
#   migrate        one-shot: apply migrations, load the demo data into an empty database (unless
#                  DEMO_DATA=0), and print the first console admin's password (only when it is created,
#                  so only in the first run's log)
#   sipd           the SIP server: SIP on SIP_LISTEN; RPC, /health and /metrics on RPC_LISTEN
#   web            the console on WEB_HOST:WEB_PORT
#   health ROLE    exit 0 when ROLE's /health answers 200 (the compose healthchecks)
# Any other command runs as given (e.g. `sh`).
# Roles exec node directly, so node is PID 1 and receives SIGTERM from `docker stop` itself.
set -eu
cd /app
tsx() { node --import tsx "$@"; }

role=${1:-sipd}
[ $# -gt 0 ] && shift
case "$role" in
  migrate)
    if [ "${DEMO_DATA:-1}" = 1 ]; then
      tsx packages/db/scripts/seed.ts # migrates, then loads the demo data into an empty database
    else
      tsx packages/db/scripts/migrate.ts
    fi
    # (Until the console lands in this tree, there is no admin to create.)
    [ ! -f apps/web/src/server/auth/first-admin.ts ] || tsx docker/first-admin.ts
    ;;
  sipd) exec node --import tsx apps/sipd/src/main.ts "$@" ;;
  web)
    cd apps/web
    exec node /app/node_modules/next/dist/bin/next start -H "${WEB_HOST:-0.0.0.0}" -p "${WEB_PORT:-3000}"
    ;;
  health)
    case "${1:-}" in
      sipd) url="http://127.0.0.1:${RPC_LISTEN##*:}/health" ;;
      web) url="http://127.0.0.1:${WEB_PORT:-3000}/health" ;;
      *) echo "usage: health sipd|web" >&2; exit 2 ;;
    esac
    exec node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) })
      .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"
    ;;
  *) exec "$role" "$@" ;;
esac
