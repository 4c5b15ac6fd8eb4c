"""GET /api/v1/events: catching up by event id, as a reconnecting page does."""

from __future__ import annotations

import sqlalchemy as sa


def test_catch_up_returns_what_was_missed_in_order(client, conn):
    last = conn.scalar(sa.text("SELECT max(id) FROM incident_event"))
    new = conn.scalar(sa.text("""INSERT INTO incident (category, geom)
                                 VALUES ('road', ST_SetSRID(ST_MakePoint(121.505, 31.236), 4326)) RETURNING id"""))
    body = client.get(f"/api/v1/events?after={last}").get_json()
    assert [e["incident_id"] for e in body["events"]] == [new]
    assert body["last"] == body["events"][-1]["id"] > last and body["generation"] is not None
    assert client.get("/api/v1/events", headers={"Last-Event-ID": str(last)}).get_json()["events"] == body["events"]


def test_bad_after_and_limit_are_400_naming_the_field(client):
    assert client.get("/api/v1/events?after=-1").get_json()["errors"][0]["field"] == "after"
    assert client.get("/api/v1/events?limit=0").get_json()["errors"][0]["field"] == "limit"
