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
