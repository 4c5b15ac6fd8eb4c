"""GET /api/v1/layers and /api/v1/layers/<id>: the registry, viewports, gzip and ETags."""

from __future__ import annotations

import gzip
import json


def test_every_layer_s_url_template_answers_geojson_at_its_own_zoom(client):
    body = client.get("/api/v1/layers").get_json()
    ids = {x["id"] for x in body["layers"]}
    assert {"streets", "grids", "micro_grids", "buildings", "checkpoints", "incidents"} <= ids
    for layer in body["layers"]:
        url = layer["url"].format(west=121.49, south=31.23, east=121.51, north=31.24, z=max(layer["min_zoom"], 16))
        answer = client.get(url)
        assert answer.status_code == 200 and answer.mimetype == "application/geo+json", layer["id"]
        assert answer.get_json()["features"], f"{layer['id']} draws nothing where the demo district is"


def test_answers_are_gzipped_and_revalidate_with_an_etag(client):
    url = "/api/v1/layers/grids?bbox=121.47,31.22,121.53,31.26&z=14"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Content-Type"].startswith("application/geo+json")
    assert len(json.loads(gzip.decompress(first.data))["features"]) > 0
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Gisapp-Cache"] == "hit"


def test_unknown_layer_and_bad_viewport_are_4xx_naming_the_field(client):
    assert client.get("/api/v1/layers/nope?bbox=0,0,1,1&z=3").get_json()["errors"][0]["field"] == "layer"
    bad = client.get("/api/v1/layers/grids?bbox=0,0,1&z=99")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"bbox", "z"}


def test_choropleth_values_and_classes(client, sql):
    body = client.get("/api/v1/layers/grids/choropleth?measure=open_incidents").get_json()
    total = sql("""SELECT count(*) AS n FROM incident i JOIN area a ON a.id = i.grid_id
                   WHERE a.generation_id = gisapp_active_generation()
                     AND gisapp_is_open(i.status)""")[0]["n"]
    assert sum(body["values"].values()) == total
    assert len(body["colours"]) == len(body["breaks"]) + 1 and set(body["fills"]) == set(body["values"])
    assert client.get("/api/v1/layers/grids/choropleth?measure=x").status_code == 400
    assert client.get("/api/v1/layers/buildings/choropleth").status_code == 404


def test_an_area_or_a_case_downloads_as_an_offline_html_map(client, first_micro_grid):
    answer = client.get(f"/api/v1/map/export?area={first_micro_grid['grid_code']}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    name = f"gisapp-area-{first_micro_grid['grid_code']}.html"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert b"data:text/javascript;base64," in answer.data
    assert client.get("/api/v1/map/export?area=NOPE").status_code == 404
    missing = client.get("/api/v1/map/export")
    assert missing.status_code == 400 and "area or case" in missing.get_data(as_text=True)
