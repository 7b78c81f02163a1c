#!/usr/bin/env bash
# Install (if missing) and start the servers the test suite needs on 127.0.0.1:
# redis-server (the tests start their own instances) and a PostgreSQL cluster with a
# `remon` superuser for the tests to create throwaway databases in. Idempotent.
# `scripts/test-services.sh stop` (make services-stop) stops that PostgreSQL cluster again; its data
# directory is kept, so the next start is quick. REMON_TEST_PGPORT / REMON_TEST_PGDATA choose another
# port and directory (default 55432 and /tmp/remon-test-pg).
set -euo pipefail

PGDATA=${REMON_TEST_PGDATA:-/tmp/remon-test-pg}
PGPORT=${REMON_TEST_PGPORT:-55432}
if [ "${1:-start}" = "stop" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PGBIN" ] || ! "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q; then
    echo "test services: no PostgreSQL answers on 127.0.0.1:$PGPORT; nothing to stop"
    exit 0
  fi
  if [ "$(id -u)" = "0" ]; then RUN=(runuser -u postgres --); else RUN=(); fi
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  echo "test services: stopped PostgreSQL on 127.0.0.1:$PGPORT (data kept in $PGDATA)"
  exit 0
fi

need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${REMON_TEST_BROWSER:-1}" = "1" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  # a CJK font, or Chinese is drawn as boxes in the browser tests' pages and screenshots
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then echo "missing: ${need[*]} (install them, or run as root)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if ! "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q; then
  if [ "$(id -u)" = "0" ]; then RUN=(runuser -u postgres --); chown_to=postgres; else RUN=(); chown_to=$(id -un); fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chown "$chown_to" "$PGDATA"
    "${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-h 127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
fi
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='remon'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE ROLE remon LOGIN SUPERUSER PASSWORD 'remon'"
echo "test services ready: postgresql on 127.0.0.1:$PGPORT, redis-server $(redis-server --version | awk '{print $3}')"
