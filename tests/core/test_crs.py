"""WGS-84 / GCJ-02 / BD-09 in the database, against published reference pairs.

Sources (lon, lat order here; several sources publish lat, lon):
- googollee/eviltransform test files (go/transform_test.go, python/test.py …): WGS→GCJ triples.
- wandergis/coordtransform README, asserted exactly by wyxloading/coordtransform-rs tests/tests.rs.
- Glatzel/pyxis crates/pyxis/src/crypto.rs (Shanghai), exact to 1e-17.
- dromara/hutool CoordinateUtilTest.wgs84toBd09Test2.
- AMap's convert web service example (coordsys=gps): server output, within about 5 cm of the formula.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

EXACT = 1e-9  # the formula reproduces these to the last digit or two

WGS_TO_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),      # eviltransform, Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),      # eviltransform, Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),      # eviltransform, Beijing
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),            # wandergis
    ((121.0917077, 30.6107779), (121.09626927850977, 30.608604368560773)),   # pyxis, Shanghai
]
GCJ_TO_BD = [
    ((116.404, 39.915), (116.41036949371029, 39.92133699351021)),            # wandergis
    ((121.09626927850977, 30.608604368560773), (121.10271724622564, 30.61484575976839)),  # pyxis
]
BD_TO_GCJ = [((116.404, 39.915), (116.39762729119315, 39.90865673957631))]   # wandergis
BD_TO_WGS = [((116.404, 39.915), (116.3913836995125, 39.907253214522164))]   # coordtransform-rs
WGS_TO_BD = [((122.99395597, 44.99804071), (123.00636516028885, 45.00636909189589))]  # hutool


def call(conn, fn: str, lon: float, lat: float) -> tuple[float, float]:
    return tuple(conn.execute(sa.text(f"SELECT (r).* FROM (SELECT {fn}(:x, :y) AS r) s"),
                              {"x": lon, "y": lat}).one())


def to_wgs84(conn, lon: float, lat: float, crs: str) -> tuple[float, float]:
    return tuple(conn.execute(sa.text("SELECT ST_X(g), ST_Y(g) FROM gisapp_to_wgs84(:x, :y, :c) g"),
                              {"x": lon, "y": lat, "c": crs}).one())


@pytest.mark.parametrize("wgs,gcj", WGS_TO_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(conn, wgs, gcj):
    assert call(conn, "gisapp_wgs84_to_gcj02", *wgs) == pytest.approx(gcj, abs=EXACT)


@pytest.mark.parametrize("wgs,gcj", WGS_TO_GCJ)
def test_gcj02_input_is_converted_back_to_wgs84(conn, wgs, gcj):
    # The exact inverse: within 1e-9° (0.1 mm), far inside eviltransform's 0.5 m for gcj2wgs_exact.
    assert to_wgs84(conn, *gcj, "gcj02") == pytest.approx(wgs, abs=EXACT)


@pytest.mark.parametrize("gcj,bd", GCJ_TO_BD)
def test_gcj02_to_bd09_matches_published_pairs(conn, gcj, bd):
    assert call(conn, "gisapp_gcj02_to_bd09", *gcj) == pytest.approx(bd, abs=EXACT)


@pytest.mark.parametrize("bd,gcj", BD_TO_GCJ)
def test_bd09_to_gcj02_matches_published_pairs(conn, bd, gcj):
    assert call(conn, "gisapp_bd09_to_gcj02", *bd) == pytest.approx(gcj, abs=EXACT)


@pytest.mark.parametrize("bd,wgs", BD_TO_WGS)
def test_bd09_input_is_converted_to_wgs84(conn, bd, wgs):
    # The published value uses the one-step GCJ inverse; ours is exact, so allow its ~2 m error.
    assert to_wgs84(conn, *bd, "bd09") == pytest.approx(wgs, abs=3e-5)


@pytest.mark.parametrize("wgs,bd", WGS_TO_BD)
def test_bd09_round_trip_from_wgs84(conn, wgs, bd):
    gcj = call(conn, "gisapp_wgs84_to_gcj02", *wgs)
    assert call(conn, "gisapp_gcj02_to_bd09", *gcj) == pytest.approx(bd, abs=EXACT)
    # The published BD-09 → GCJ-02 step is itself approximate (about 4e-7°, 5 cm), so the way back
    # is checked to 1e-6° (about 0.1 m); Baidu's own server differs from the formula by ~1 m anyway.
    assert to_wgs84(conn, *bd, "bd09") == pytest.approx(wgs, abs=1e-6)


def test_amap_server_output_agrees_within_centimetres(conn):
    # AMap's own service, not the formula: 116.481499,39.990475 → 116.487585177952,39.991754014757.
    assert call(conn, "gisapp_wgs84_to_gcj02", 116.481499, 39.990475) == pytest.approx(
        (116.487585177952, 39.991754014757), abs=1e-6)


@pytest.mark.parametrize("lon,lat", [(-104.9903, 39.7392), (153.0251, -27.4698), (-43.1729, -22.9068)])
def test_no_offset_outside_china(conn, lon, lat):
    assert to_wgs84(conn, lon, lat, "gcj02") == (lon, lat)


def test_incident_keeps_the_coordinates_as_given(conn):
    row = conn.execute(sa.text("""
        INSERT INTO incident (category, input_lon, input_lat, input_crs)
        VALUES ('other', 116.41024449916938, 39.91640428150164, 'gcj02')
        RETURNING ST_X(geom), ST_Y(geom), input_lon, input_lat, input_crs""")).one()
    assert row[:2] == pytest.approx((116.404, 39.915), abs=EXACT)
    assert tuple(row[2:]) == (116.41024449916938, 39.91640428150164, "gcj02")
