"""`gisapp demo load`: only into an empty database."""

from __future__ import annotations


def test_demo_load_refuses_a_database_with_areas(gisapp):
    assert "nothing loaded" in gisapp("demo", "load", "--commit", "--if-empty").output
    assert gisapp("demo", "load", "--commit", ok=False).exit_code == 1
