#!/bin/sh
# Switchboard container entrypoint: the image runs one role per container.
#   migrate        one-shot: apply migrations, load the demo data into an empty database (unless
#                  DEMO_DATA=0), print the first console admin's password (only when it is created, so
#                  only in the first run's log), and make the compose sipd the console's node
#                  (docker/init-console.ts)
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
    exec node --import tsx docker/init-console.ts
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
    # sipd's HTTP listener applies RPC_ALLOW and RPC_TOKEN to /health as to every request.
    exec node -e 'const token = process.env.RPC_TOKEN;
      fetch(process.argv[1], {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(3000),
      }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"
    ;;
  *) exec "$role" "$@" ;;
esac
