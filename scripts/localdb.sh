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

# PostgreSQL's defaults fit a machine of 2005 (128 MB of buffers, 4 MB per sort): a synthetic city's
# 1M cases and their indexes then live on disk between two reports. A quarter of the memory, at most
# 2 GB; GISAPP_PG_TUNING replaces the whole line (e.g. GISAPP_PG_TUNING="-c shared_buffers=256MB").
mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
buffers_mb=$(( mem_mb / 4 < 2048 ? mem_mb / 4 : 2048 ))
tuning=${GISAPP_PG_TUNING:-"-c shared_buffers=${buffers_mb}MB -c work_mem=32MB -c maintenance_work_mem=512MB -c max_wal_size=4GB"}

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
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 $tuning" -w start >/dev/null
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
