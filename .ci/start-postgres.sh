#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server from Debian's packages for the database tests, and prints
# its URL. Installs the server when it is missing. Runs as an unprivileged user because initdb
# refuses root. With the argument `stop`, stops it.
set -euo pipefail
PORT=${PGPORT_TEST:-55432}
DIR=${PGDATA_TEST:-/tmp/gplx-ci-postgres}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "[postgres] installing postgresql from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

run_as() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres

if [ -f "$DIR/postmaster.pid" ]; then
  run_as "$bindir/pg_ctl -D $DIR -m fast stop" >&2 || true
fi
[ "${1:-}" = stop ] && exit 0
rm -rf "$DIR"; mkdir -p "$DIR"; chown postgres "$DIR" 2>/dev/null || true
run_as "$bindir/initdb -D $DIR -U postgres --auth=trust -E UTF8 >/dev/null"
run_as "$bindir/pg_ctl -D $DIR -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $DIR/server.log -w start" >&2
run_as "$bindir/createdb -h 127.0.0.1 -p $PORT -U postgres gplx_test"
echo "postgres://postgres@127.0.0.1:$PORT/gplx_test"
