#!/usr/bin/env bash
# `make run`: set up, load the demo when the database is empty, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/gisapp demo load --commit --if-empty
exec .venv/bin/gisapp serve   # GISAPP_HOST, GISAPP_PORT, GISAPP_WORKERS
