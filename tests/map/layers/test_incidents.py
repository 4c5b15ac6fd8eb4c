import sqlalchemy as sa


def test_a_new_incident_is_in_the_layer_with_its_status_and_grid(features, conn):
    new = conn.execute(sa.text("""
        INSERT INTO incident (category, description, urgent, geom)
        SELECT 'drainage', 'layer test', true, ST_PointOnSurface(geom) FROM area
        WHERE level = 'micro_grid' AND generation_id = gisapp_active_generation() ORDER BY code LIMIT 1
        RETURNING id, (SELECT name FROM area WHERE id = micro_grid_id) AS grid""")).one()
    got = {f["id"]: f["properties"] for f in features("incidents", 14)["features"]}
    assert got[new.id]["status"] == "assigned" and got[new.id]["urgent"] is True
    assert got[new.id]["area_name"] == new.grid and got[new.id]["overdue"] is False
    assert features("incidents", 9)["features"] == []


def test_cases_closed_long_ago_leave_the_layer(features, sql):
    old = sql("""SELECT i.id FROM incident i JOIN case_status s ON s.code = i.status WHERE s.closed AND geom IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM incident_event e WHERE e.incident_id = i.id
                                 AND e.at > now() - interval '24 hours')""")
    shown = {f["id"] for f in features("incidents", 14)["features"]}
    assert old and not shown & {r["id"] for r in old}
