"""Reading cases back (gisapp.cases.read): the shapes the API, the console and the export share."""

from __future__ import annotations

import json

import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.cases.read import case_outline

COMMUNITY = square(6, 6, 6.1, 6.1)


def test_a_case_owned_above_the_grid_level_still_has_an_outline(conn):
    # No grids in this generation: the community owns the case, and the console outlines the community.
    new_generation(conn, [("street", "S-OUT", square(6, 6, 6.2, 6.1), None),
                          ("community", "C-OUT", COMMUNITY, "S-OUT")])
    case = conn.scalar(sa.text("""
        INSERT INTO incident (category, geom) VALUES ('other', ST_SetSRID(ST_MakePoint(6.05, 6.05), 4326))
        RETURNING id"""))
    outline = case_outline(conn, case)
    expected = conn.scalar(sa.text("SELECT ST_AsGeoJSON(ST_GeomFromText(:w, 4326))::json"), {"w": COMMUNITY})
    assert outline is not None and json.dumps(outline, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_the_area_filter_takes_a_name_or_part_of_one_as_well_as_a_code(conn, first_micro_grid):
    from gisapp.access.permissions import SYSTEM
    from gisapp.cases.read import CaseQuery, list_cases

    case = conn.scalar(sa.text("""
        INSERT INTO incident (category, geom) VALUES ('road', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
        RETURNING id"""), first_micro_grid)
    community = conn.scalar(sa.text("SELECT a.name FROM incident i JOIN area a ON a.id = i.community_id "
                                    "WHERE i.id = :i"), {"i": case})

    def found(area: str) -> bool:
        _total, items = list_cases(conn, CaseQuery(area=area), who=SYSTEM, limit=500, offset=0)
        return case in {c["id"] for c in items}
    assert found(first_micro_grid["code"]) and found(first_micro_grid["name"]) and found(community)
    assert found(community[:2]) and not found("没有这个社区") and not found("%")
