"""Finding places by what an operator types (gisapp.map.search) in the demo district."""

from __future__ import annotations

import pytest

from gisapp.access.permissions import SYSTEM
from gisapp.map import search


@pytest.mark.parametrize("text, kind, label", [
    ("东方路8号", "building", "良丰大厦"),      # an address, exactly
    ("世纪大道", "road", "世纪大道"),           # a road's name, its pieces drawn as one
    ("东方明珠", "poi", "东方明珠电视塔"),       # part of a named place
])
def test_addresses_roads_and_places_are_found(conn, text, kind, label):
    hits = search.find_all(conn, text, SYSTEM)
    assert any(h["kind"] == kind and h["label"] == label for h in hits), hits
    hit = next(h for h in hits if h["kind"] == kind)
    assert hit["feature"]["geometry"]["type"] and (hit["bounds"] or hit["lat"])


def test_several_matches_are_all_listed_and_an_exact_name_is_one(conn):
    hits = search.find_all(conn, "东方", SYSTEM)   # 东方路 the road, its buildings, 东方明珠
    assert len(hits) > 1 and {h["kind"] for h in hits} >= {"road", "building", "poi"}
    assert [h["kind"] for h in search.find_all(conn, "东方路", SYSTEM)] == ["road"]   # an exact name: one match


def test_a_grid_is_named_with_its_community(conn):
    micro = conn.exec_driver_sql("SELECT name FROM map_area WHERE level = 'micro_grid' ORDER BY code LIMIT 1").scalar()
    hits = search.find_all(conn, micro, SYSTEM)
    assert hits and "社区·" in hits[0]["label"] and hits[0]["label"].endswith(micro)


def test_nothing_and_nonsense_find_nothing(conn):
    assert search.find_all(conn, "", SYSTEM) == []
    assert search.find_all(conn, "没有这个地方xyz", SYSTEM) == []
    assert search.find_all(conn, "a\x00b", SYSTEM) == []
