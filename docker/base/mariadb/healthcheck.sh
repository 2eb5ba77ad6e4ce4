#!/bin/bash
# The official image's healthcheck.sh flags that compose.yaml uses:
#   --connect              a TCP login succeeds (so the server is past its socket-only first start)
#   --innodb_initialized   InnoDB is loaded and answering
set -euo pipefail
client=(mariadb --defaults-extra-file=/var/lib/mysql/.my-healthcheck.cnf --batch --skip-column-names)
for check in "$@"; do
  case "$check" in
    --connect) "${client[@]}" -e 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$("${client[@]}" -e "SELECT 1 FROM information_schema.ENGINES WHERE ENGINE='InnoDB' AND SUPPORT IN ('YES','DEFAULT')")" = 1 ] ;;
    *) echo "healthcheck.sh: unsupported check $check" >&2; exit 2 ;;
  esac
done
