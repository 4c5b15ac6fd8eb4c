#!/usr/bin/env bash
# Idempotent set-up: apt packages, the .venv, the database, the migrations.
# Usage: scripts/setup.sh [--browser]   (--browser also installs chromium and QGIS for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

# 1. Debian packages, only those missing (a second run makes no apt call at all).
pkgs=(postgresql-15-postgis-3 python3 python3-venv)
[ "$want_browser" = 1 ] && pkgs+=(chromium chromium-driver fonts-noto-cjk)  # CJK font: screenshots show 中文
slim=()   # without their recommends: QGIS's would bring its desktop
[ "$want_browser" = 1 ] && slim+=(python3-qgis)   # real QGIS for tests/boundaries/test_qgis.py (Debian's python3)
apt_missing() {   # apt_missing [apt-get options…] -- packages…
  local opts=() missing=() p
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${opts[@]}" "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (needs root and apt-get)" >&2
    exit 1
  fi
}
apt_missing -- "${pkgs[@]}"
[ ${#slim[@]} -gt 0 ] && apt_missing --no-install-recommends -- "${slim[@]}"

# 2. The virtualenv, rebuilt only when pyproject.toml changes.
py=${PYTHON:-python3.11}
command -v "$py" >/dev/null || py=python3
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: building .venv with pip"
  [ -x .venv/bin/pip ] || "$py" -m venv --clear .venv   # --clear repairs a half-made .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# 3. Translations: compile the gettext catalogs when a .po is newer than its .mo.
for po in gisapp/translations/*/LC_MESSAGES/messages.po; do
  [ -f "$po" ] || continue
  mo=${po%.po}.mo
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null
    [ "$mo" -nt "$po" ] || { echo "setup: $po did not compile (a fuzzy catalog?)" >&2; exit 1; }
  fi
done

# 4. The database: DATABASE_URL when set, else the local default cluster.
if [ -z "${DATABASE_URL:-}" ]; then
  bash scripts/localdb.sh start
fi
.venv/bin/gisapp db upgrade
