#!/usr/bin/env bash
# `make test`: set up (with the browser), then pytest against a separate test database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
# Lint and the declared-vs-imported dependency check come first: they take seconds.
.venv/bin/ruff check gisapp tests scripts
.venv/bin/deptry .
exec .venv/bin/python -m pytest "$@"
