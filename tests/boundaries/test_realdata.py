"""Assignment on real city data, compared with the district each city recorded itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gisapp.cli import main
from gisapp.core.settings import get_settings

DATA = Path(__file__).resolve().parents[1] / "data"
BOROUGHS = {"MANHATTAN": 1, "BRONX": 2, "BROOKLYN": 3, "QUEENS": 4, "STATEN ISLAND": 5}
pytestmark = pytest.mark.realdata


@pytest.fixture(autouse=True)
def published_boundaries(conn, monkeypatch):
    """A city's published districts overlap by up to 6,000 m² (LA 2012): accepted as slivers; and the
    demo district's checkpoints are not in these cities."""
    monkeypatch.setenv("GISAPP_SLIVER_M2", "10000")
    get_settings.cache_clear()
    conn.execute(sa.text("DELETE FROM checkpoint"))
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def gisapp(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def assigned(conn) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(sa.text("""
        SELECT i.client_ref, a.code, i.snapped_m FROM incident i LEFT JOIN area a ON a.id = i.street_id
        WHERE i.source = 'open311' AND i.generation_id = gisapp_active_generation()""")).all(),
        columns=["ref", "code", "snapped_m"])


def agreement(conn, recorded: pd.Series) -> tuple[float, int]:
    """Share of requests inside a district (not snapped) whose district matches the recorded one."""
    got = assigned(conn).set_index("ref")
    inside = got[got.code.notna() & got.snapped_m.isna()].join(recorded.rename("recorded"), how="inner")
    inside = inside[inside.recorded.notna()]
    return float((inside.code == inside.recorded).mean()), len(inside)


def test_la_council_districts_2020(conn, realdata_figures):
    gisapp("areas", "import", DATA / "la311/la-city-council-districts-2012.json", "--level", "street",
           "--code-field", "name", "--name-field", "name", "--activate", "--commit")
    out = gisapp("reports", "import", DATA / "la311/MyLA311_2020_seed_10k.csv", "--lon-field", "longitude",
                 "--lat-field", "latitude", "--ref-field", "srnumber", "--category-field", "requesttype",
                 "--source", "open311", "--commit")
    assert "inserted 9989" in out and "no coordinates: 11" in out
    source = pd.read_csv(DATA / "la311/MyLA311_2020_seed_10k.csv", dtype=str).set_index("srnumber")
    share, n = agreement(conn, source.cd.str.replace(r"\.0$", "", regex=True))
    realdata_figures.append(f"LA 2020 council district: {share:.2%} of {n} requests inside a district")
    assert share >= 0.997 and n > 9900


def test_nyc_community_boards(conn, realdata_figures):
    gisapp("areas", "import", DATA / "nyc311/nycd_community_districts.geojson", "--level", "street",
           "--code-field", "BoroCD", "--name-field", "BoroCD", "--activate", "--commit")
    gisapp("reports", "import", DATA / "nyc311/nyc311_2022-05-01_PyBOOT.csv", "--lon-field", "Longitude",
           "--lat-field", "Latitude", "--ref-field", "Unique Key", "--category-field", "Complaint Type",
           "--source", "open311", "--commit")
    source = pd.read_csv(DATA / "nyc311/nyc311_2022-05-01_PyBOOT.csv", dtype=str).set_index("Unique Key")
    parts = source["Community Board"].str.extract(r"^(\d+) (.+)$")
    borocd = parts[1].map(BOROUGHS) * 100 + pd.to_numeric(parts[0], errors="coerce")
    recorded = borocd.dropna().astype(int).astype(str)
    share, n = agreement(conn, recorded)
    realdata_figures.append(f"NYC community board: {share:.2%} of {n} requests with a recorded board")
    assert share >= 0.994 and n > 850
