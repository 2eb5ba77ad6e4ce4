#!/bin/bash
# First start on an empty /var/lib/mysql: create the system tables, then apply the MARIADB_* (or MYSQL_*)
# variables and /docker-entrypoint-initdb.d on a socket-only server, then run mariadbd as PID 1.
set -euo pipefail

# var NAME -> $MARIADB_NAME, else $MYSQL_NAME, else empty (the official image accepts both spellings).
var() { local m="MARIADB_$1" y="MYSQL_$1"; printf '%s' "${!m:-${!y:-}}"; }
# SQL string literal.
lit() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
# SQL identifier.
ident() { printf '`%s`' "${1//\`/\`\`}"; }
random() { head -c 18 /dev/urandom | base64; }

# Database, application user, and the account healthcheck.sh uses (credentials readable by root only).
accounts_sql() {
  local db user hc_pw
  db=$(var DATABASE)
  user=$(var USER)
  [ -n "$db" ] && echo "CREATE DATABASE IF NOT EXISTS $(ident "$db");"
  if [ -n "$user" ]; then
    echo "CREATE USER $(lit "$user")@'%' IDENTIFIED BY $(lit "$(var PASSWORD)");"
    [ -n "$db" ] && echo "GRANT ALL ON $(ident "$db").* TO $(lit "$user")@'%';"
  fi
  hc_pw=$(random)
  printf '[mariadb-client]\nuser=healthcheck\npassword=%s\nprotocol=tcp\nhost=127.0.0.1\n' "$hc_pw" \
    >/var/lib/mysql/.my-healthcheck.cnf
  chmod 600 /var/lib/mysql/.my-healthcheck.cnf
  echo "CREATE USER 'healthcheck'@'127.0.0.1' IDENTIFIED BY $(lit "$hc_pw");"
}

# Last, because it changes how the init session's root logs in.
root_sql() {
  local pw
  pw=$(var ROOT_PASSWORD)
  if [ -z "$pw" ] && [ -n "$(var RANDOM_ROOT_PASSWORD)" ]; then
    pw=$(random)
    echo "GENERATED ROOT PASSWORD: $pw" >&2
  fi
  # mariadb-install-db also makes password-less root accounts for the other local host names.
  echo "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@$(lit "$(hostname)");"
  echo "CREATE USER 'root'@'%' IDENTIFIED BY $(lit "$pw");"
  echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
  echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(lit "$pw");"
}

initialise() {
  if [ -z "$(var ROOT_PASSWORD)$(var RANDOM_ROOT_PASSWORD)$(var ALLOW_EMPTY_ROOT_PASSWORD)" ]; then
    echo "error: database is uninitialized and no root password option is set" \
      "(MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD)" >&2
    exit 1
  fi
  local sock=/run/mysqld/init.sock pid f
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  # Socket only, so nothing (healthcheck included) sees the server before it is configured.
  mariadbd --user=mysql --skip-networking --socket="$sock" &
  pid=$!
  for _ in $(seq 300); do
    mariadb-admin --socket="$sock" -uroot ping --silent 2>/dev/null && break
    sleep 0.1
  done
  local client=(mariadb --socket="$sock" -uroot)
  accounts_sql | "${client[@]}"
  [ -n "$(var DATABASE)" ] && client+=("$(var DATABASE)")
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "init: $f"; "${client[@]}" <"$f" ;;
      *.sql.gz) echo "init: $f"; gunzip -c "$f" | "${client[@]}" ;;
      *.sh) echo "init: $f"; . "$f" ;;
    esac
  done
  root_sql | "${client[@]}"
  kill "$pid"
  wait "$pid" || true
}

if [ "${1:-}" = mariadbd ] || [ "${1:-}" = mysqld ]; then
  shift
  chown mysql:mysql /var/lib/mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || initialise
  exec mariadbd --user=mysql --bind-address=0.0.0.0 --skip-name-resolve "$@"
fi
exec "$@"
