#!/usr/bin/env bash
# `make run`: set up, load the demo when the database is empty, make its users, serve.
# Demo mode (GISAPP_DEMO=1) allows the development secret key; set GISAPP_DEMO=0 and GISAPP_SECRET_KEY
# for anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
export GISAPP_DEMO=${GISAPP_DEMO:-1}
bash scripts/setup.sh
.venv/bin/gisapp demo load --commit --if-empty
if [ "$GISAPP_DEMO" = 1 ]; then
  .venv/bin/gisapp demo users
fi
exec .venv/bin/gisapp serve   # GISAPP_HOST, GISAPP_PORT, GISAPP_WORKERS
