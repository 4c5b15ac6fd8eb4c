"""`gisapp db upgrade` and `gisapp db vocabulary`."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from gisapp.core import settings as config
from gisapp.core.vocabulary import GENERATED

# The newest revision: the file names of gisapp/core/migrations/versions/ begin with it.
HEAD = max(p.name[:4] for p in (Path(config.__file__).parent / "migrations" / "versions").glob("0*.py"))


def test_db_upgrade_syncs_the_snap_setting_and_is_harmless_twice(gisapp, conn, monkeypatch):
    monkeypatch.setenv("GISAPP_SNAP_METRES", "12.5")
    config.get_settings.cache_clear()
    try:
        assert f"database at revision {HEAD}" in gisapp("db", "upgrade").output
        assert "was" not in gisapp("db", "upgrade").output
        assert conn.scalar(sa.text("SELECT value FROM app_setting WHERE key = 'snap_metres'")) == "12.5"
    finally:   # the upgrade commits: put the setting back for the tests that follow
        monkeypatch.delenv("GISAPP_SNAP_METRES")
        config.get_settings.cache_clear()
        gisapp("db", "upgrade")
    assert conn.scalar(sa.text("SELECT value FROM app_setting WHERE key = 'snap_metres'")) == "50.0"


def test_db_vocabulary_prints_the_python_copy_of_the_vocabulary_tables(gisapp):
    assert gisapp("db", "vocabulary").output == GENERATED.read_text(encoding="utf-8")
