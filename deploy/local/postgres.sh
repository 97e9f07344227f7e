#!/usr/bin/env bash
# Starts LeadGrains' private PostgreSQL cluster (127.0.0.1:55432, database "leadgrains") under
# .local/, installing PostgreSQL from the OS packages when it is missing. Two roles: the owner
# "leadgrains" (password "leadgrains"), which runs the migrations, and the application role
# "leadgrains_app" (password "leadgrains_app"), which silos and the API connect as.
# Sourced by run.sh, test.sh and bench.sh; safe to run again (it reuses the data).
set -euo pipefail

LEADGRAINS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LEADGRAINS_PG_PORT=${LEADGRAINS_PG_PORT:-55432}
export LEADGRAINS_PG_ADMIN="Host=127.0.0.1;Port=${LEADGRAINS_PG_PORT};Username=leadgrains;Password=leadgrains"
export LEADGRAINS_PG_APP="Host=127.0.0.1;Port=${LEADGRAINS_PG_PORT};Username=leadgrains_app;Password=leadgrains_app"
# The owner's connection (migrations) and the application's (everything else).
export LEADGRAINS_OWNER_CONNECTION="${LEADGRAINS_PG_ADMIN};Database=leadgrains"
export LEADGRAINS_CONNECTION="${LEADGRAINS_PG_APP};Database=leadgrains"

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin_dir)" ]; then
  echo "[postgres] installing PostgreSQL from the OS packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi
PG_BIN=$(pg_bin_dir)

# PostgreSQL refuses to run as root, so a root caller runs it as the packaged 'postgres' user.
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$LEADGRAINS_ROOT/.local"
# A server already answering on the port is used as it is: the cluster of another worktree of this
# repository, which a second cluster could not share the port with.
if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT"; then
  PG_DATA="$LEADGRAINS_ROOT/.local/pgdata"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$LEADGRAINS_ROOT/.local"; then
    # The checkout is not reachable by the postgres user (e.g. under /root): keep the data
    # elsewhere and link it, so .local/ still holds everything of ours.
    outside="/var/lib/leadgrains/$(echo -n "$LEADGRAINS_ROOT" | sha1sum | cut -c1-12)"
    mkdir -p "$outside" && chown postgres:postgres "$outside"
    [ -L "$PG_DATA" ] || ln -s "$outside" "$PG_DATA"
    PG_DATA="$outside"
  fi

  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    echo "[postgres] creating the cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
    pwfile=$(mktemp) && echo leadgrains > "$pwfile" && chmod 644 "$pwfile"
    as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U leadgrains --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = ${LEADGRAINS_PG_PORT}
unix_socket_directories = '/tmp'
max_connections = 400
shared_buffers = 512MB
fsync = on
shared_preload_libraries = 'pg_stat_statements'
CONF
  fi

  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "[postgres] starting on 127.0.0.1:${LEADGRAINS_PG_PORT}"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start >/dev/null
  fi
fi

export PGPASSWORD=leadgrains
pg_admin_sql() { psql -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT" -U leadgrains -d postgres -v ON_ERROR_STOP=1 -tAq -c "$1"; }
if [ "$(pg_admin_sql "SELECT 1 FROM pg_database WHERE datname = 'leadgrains'")" != "1" ]; then
  pg_admin_sql "CREATE DATABASE leadgrains"
fi

# The application role: migration 0009_application_role.sql grants it what it may do; here it gets its login.
if [ "$(pg_admin_sql "SELECT 1 FROM pg_roles WHERE rolname = 'leadgrains_app'")" != "1" ]; then
  pg_admin_sql "CREATE ROLE leadgrains_app LOGIN PASSWORD 'leadgrains_app'"
elif [ "$(pg_admin_sql "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'leadgrains_app'")" != "t" ]; then
  pg_admin_sql "ALTER ROLE leadgrains_app LOGIN PASSWORD 'leadgrains_app'"
fi

# The distribution tables start empty and grow by thousands of rows a second: the sooner autovacuum
# analyzes them, the sooner cached plans (foreign-key checks included) stop assuming an empty table
# and scanning it. Applied on every start, so older clusters get it too.
if [ "$(pg_admin_sql "SHOW autovacuum_naptime")" != "10s" ]; then
  pg_admin_sql "ALTER SYSTEM SET autovacuum_naptime = '10s'"
  pg_admin_sql "SELECT pg_reload_conf()" >/dev/null
fi
