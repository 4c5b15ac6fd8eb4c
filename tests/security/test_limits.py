"""Security review, part 9: abuse limits (flask-limiter). Sign-in throttled per address and per account,
reports per sender and per address, counted in Redis; in memory, with a warning, when Redis is away."""

from __future__ import annotations

import logging
import os
import re

import pytest

from fixtures.people import bearer
from gisapp.core.settings import Settings


def _app(**env: str):
    """An app of its own, with its own limits, and counters cleared (the tests' Redis database is
    their own: conftest points GISAPP_REDIS_URL at database 15)."""
    from gisapp.web.app import create_app
    settings = Settings.from_env({**os.environ, **env})
    server = create_app(settings).server
    for limiter in server.extensions["limiter"]:
        limiter.reset()
    server.testing = True
    return server


@pytest.fixture
def strict(conn):
    return _app(GISAPP_LOGIN_LIMIT="3 per minute", GISAPP_REPORT_LIMIT="2 per minute")


def _sign_in(client, name: str, password: str, address: str = "10.0.0.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_failed_sign_ins_are_throttled_per_address(strict):
    client = strict.test_client()
    codes = [_sign_in(client, f"nobody{n}", "wrong password", "10.0.0.7").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]
    assert _sign_in(strict.test_client(), "nobody", "wrong password", "10.0.0.8").status_code == 401


def test_failed_sign_ins_are_throttled_per_account_from_any_address(strict):
    codes = [_sign_in(strict.test_client(), "demo.admin", "wrong password", f"10.0.1.{n}").status_code
             for n in range(4)]
    assert codes == [401, 401, 401, 429]
    refused = _sign_in(strict.test_client(), "demo.admin", "wrong password", "10.0.1.99")
    assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"]


def test_reports_are_limited_per_sender(strict, conn, first_micro_grid):
    client = strict.test_client()
    headers = bearer(conn, "worker")
    report = {"category": "other", "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"]}
    codes = [client.post("/api/v1/reports", json=report, headers=headers).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    refused = client.post("/api/v1/reports", json=report, headers=headers)
    assert refused.get_json()["errors"][0]["field"] == "rate" and int(refused.headers["Retry-After"]) > 0
    other = client.post("/api/v1/reports", json=report, headers=bearer(conn, "operator"),
                        environ_base={"REMOTE_ADDR": "10.0.2.2"})
    assert other.status_code == 201


def test_the_limits_are_counted_in_redis_and_fall_back_to_memory_with_a_warning(conn, caplog):
    from gisapp.web.limits import storage_uri
    assert storage_uri(Settings.from_env(dict(os.environ))).startswith("redis://")
    with caplog.at_level(logging.WARNING, logger="gisapp.web.limits"):
        away = Settings.from_env({**os.environ, "GISAPP_REDIS_URL": "redis://127.0.0.1:1/0"})
        assert storage_uri(away) == "memory://"
    assert "Redis at redis://127.0.0.1:1/0 is unavailable" in caplog.text
    server = _app(GISAPP_REDIS_URL="redis://127.0.0.1:1/0", GISAPP_LOGIN_LIMIT="1 per minute")
    client = server.test_client()
    assert [_sign_in(client, "x1", "wrong password", "10.0.3.3").status_code for _ in range(2)] == [401, 429]
