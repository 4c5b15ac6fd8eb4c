"""GET /api/v1/health: the database, the generation, the counts, and what needs an operator's eye."""

from __future__ import annotations

from gisapp.core import settings as config


def test_health_reports_database_generation_and_counts(client, sql):
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["generation"] == sql("SELECT gisapp_active_generation() AS g")[0]["g"]
    assert body["counts"]["areas"] > 300 and body["counts"]["incidents"] > 0 and body["postgis"].startswith("3.")


def test_health_warns_when_the_working_calendar_runs_out(client, sql):
    body = client.get("/api/v1/health").get_json()
    assert body["calendar_until"] == str(sql("SELECT max(day) AS d FROM calendar_day")[0]["d"])
    sql("DELETE FROM calendar_day WHERE day > now()::date + 30")
    warned = client.get("/api/v1/health").get_json()["warnings"]
    assert [w["field"] for w in warned] == ["calendar"]


def test_health_warns_when_the_app_and_the_database_count_days_in_different_zones(client, sql, monkeypatch):
    assert "timezone" not in [w["field"] for w in client.get("/api/v1/health").get_json()["warnings"]]
    sql("UPDATE app_setting SET value = 'Asia/Urumqi' WHERE key = 'timezone'")
    warned = client.get("/api/v1/health").get_json()["warnings"]
    assert any(w["field"] == "timezone" and "Asia/Urumqi" in w["message"] for w in warned)
    monkeypatch.setenv("GISAPP_TIMEZONE", "Asia/Urumqi")
    config.get_settings.cache_clear()
    try:
        assert "timezone" not in [w["field"] for w in client.get("/api/v1/health").get_json()["warnings"]]
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()
