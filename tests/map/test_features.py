"""Viewport answers: tile snapping, simplification by zoom, and the per-generation cache."""

from __future__ import annotations

import json

import pytest

from fixtures.worlds import new_generation, square
from gisapp.access.permissions import SYSTEM
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.map.features import ViewportCache, ViewportQuery, layer_features, snap
from gisapp.map.registry import registry


def layer(name):
    return registry(get_settings().layers_dir).get(name)


def test_snapping_covers_the_bbox_and_is_stable_under_small_pans():
    a = snap(121.5001, 31.2301, 121.5101, 31.2401, 15)
    b = snap(121.5003, 31.2303, 121.5102, 31.2399, 15)
    assert a == b
    assert a.west <= 121.5001 and a.south <= 31.2301 and a.east >= 121.5101 and a.north >= 31.2401
    assert snap(a.west, a.south, a.east, a.north, 15) == a     # idempotent: the page and server agree


def parse_viewport(bbox, z):
    """The viewport as the layer API reads it from ?bbox=&z=."""
    return parse(ViewportQuery, {k: v for k, v in (("bbox", bbox), ("z", z)) if v is not None}, status=400).view()


@pytest.mark.parametrize("bbox, z, field", [
    ("1,2,3", "14", "bbox"), ("a,b,c,d", "14", "bbox"), ("10,0,5,1", "14", "bbox"),
    ("0,0,1,1", "23", "z"), ("0,0,1,1", "", "z"), ("nan,0,1,1", "3", "bbox"), (None, "3", "bbox"),
    ("0,0,1,1", "inf", "z"), ("0,0,1,1", "-1", "z"),
])
def test_bad_viewports_name_the_field(bbox, z, field):
    with pytest.raises(ApiError) as caught:
        parse_viewport(bbox, z)
    assert caught.value.status == 400 and field in [f for f, _ in caught.value.errors]


def test_zoomed_out_answers_are_simplified(conn):
    grids = layer("grids")
    def at(z: str) -> dict:
        return json.loads(layer_features(conn, grids, parse_viewport("121.47,31.22,121.53,31.26", z), None,
                                         who=SYSTEM)[0].body)
    fine, coarse = at("18"), at("13")

    def vertices(fc):
        return sum(len(ring) for f in fc["features"] for poly in f["geometry"]["coordinates"] for ring in poly)
    assert len(fine["features"]) == len(coarse["features"])
    assert vertices(coarse) < vertices(fine)


def test_cache_hits_until_a_new_generation_is_activated(conn):
    cache = ViewportCache(10 * 1024 * 1024)
    view = parse_viewport("121.47,31.22,121.53,31.26", "13")
    first, hit1 = layer_features(conn, layer("grids"), view, cache, who=SYSTEM)
    again, hit2 = layer_features(conn, layer("grids"), view, cache, who=SYSTEM)
    assert (hit1, hit2) == (False, True) and again.body == first.body
    new_generation(conn, [("district", "D", square(121.47, 31.22, 121.53, 31.26), None),
                          ("grid", "G", square(121.47, 31.22, 121.53, 31.26), "D")])
    fresh, hit3 = layer_features(conn, layer("grids"), view, cache, who=SYSTEM)
    assert hit3 is False and [f["id"] for f in json.loads(fresh.body)["features"]] == ["G"]


def test_the_cache_keeps_within_its_byte_budget(conn):
    cache = ViewportCache(40_000)
    for z in (13, 14, 15, 16):
        layer_features(conn, layer("grids"), parse_viewport("121.47,31.22,121.53,31.26", str(z)), cache, who=SYSTEM)
    assert cache._bytes <= 40_000 and len(cache) >= 1
