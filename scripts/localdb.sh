#!/usr/bin/env bash
# The local default PostgreSQL cluster, used when DATABASE_URL is not set.
# Its port and folder match gisapp.config's defaults: GISAPP_PGPORT (5433), GISAPP_PGDATA.
# Usage: scripts/localdb.sh start|stop|destroy
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
port=${GISAPP_PGPORT:-5433}
if [ "$(id -u)" = 0 ]; then
  data=${GISAPP_PGDATA:-/var/lib/gisapp/pg15}
  as_pg() { runuser -u postgres -- "$@"; }   # initdb refuses to run as root
else
  data=${GISAPP_PGDATA:-${XDG_DATA_HOME:-$HOME/.local/share}/gisapp/pg15}
  as_pg() { "$@"; }
fi

running() { as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      echo "localdb: creating cluster in $data (port $port)"
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
      chmod 700 "$data"
      as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! running; then
      echo "localdb: starting on 127.0.0.1:$port"
      as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1" -w start >/dev/null
    fi
    ;;
  stop)
    running && as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    ;;
  destroy)
    running && as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    rm -rf "$data"
    ;;
  *) echo "usage: $0 start|stop|destroy" >&2; exit 2 ;;
esac
