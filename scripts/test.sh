#!/usr/bin/env bash
# `make test`: set up (with the browser), then pytest against a separate test database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
exec .venv/bin/python -m pytest "$@"
