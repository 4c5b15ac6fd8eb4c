"""The planner notebooks (notebooks/) run top to bottom against the test database, their folium maps draw
with the network cut, and git holds them without outputs."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
from nbclient import NotebookClient

from fixtures.offline import drawn_offline
from gisapp.core import db
from gisapp.map.static_map import network_urls

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def run(name: str, database_url: str, monkeypatch) -> nbformat.NotebookNode:
    """Execute a copy of the notebook (the kernel reads DATABASE_URL like the app); return it with outputs."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    book = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return book


def text(book) -> str:
    return "".join(o.get("text", "") for c in book.cells if c.cell_type == "code" for o in c.outputs)


def folium_page(book) -> str:
    """The page of the last folium map in the outputs (folium shows it in an iframe's srcdoc)."""
    frames = [o["data"]["text/html"] for c in book.cells if c.cell_type == "code" for o in c.outputs
              if "text/html" in o.get("data", {}) and "srcdoc=" in o["data"]["text/html"]]
    return html.unescape(re.search(r'srcdoc="([^"]*)"', frames[-1]).group(1))


def test_git_holds_the_notebooks_without_outputs():
    assert [p.name for p in NOTEBOOKS] == ["proposed_split.ipynb", "workload_balance.ipynb"]
    for path in NOTEBOOKS:
        raw = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in raw["cells"] if c["cell_type"] == "code"]
        assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code), path.name


def test_workload_balance_lists_every_grid_and_maps_it_offline(database_url, monkeypatch):
    book = run("workload_balance.ipynb", database_url, monkeypatch)
    out = text(book)
    assert re.search(r"^40 grid areas, \d+ cases in 90 days, \d+ open$", out, re.M)
    assert re.search(r"^\d+ workers; the busiest has [\d.]+× the median", out, re.M)
    page = folium_page(book)
    assert network_urls(page) == [] and "data:text/javascript;base64," in page


def test_proposed_split_makes_a_valid_draft_and_keeps_nothing(database_url, monkeypatch):
    with db.get_engine(database_url).connect() as c:
        before = c.scalar(sa.text("SELECT count(*) FROM generation"))
    out = text(run("proposed_split.ipynb", database_url, monkeypatch))
    assert "validation: 0 blocking problems" in out and "'split': 2" in out
    assert re.search(r"^\d+ open cases, \d+ buildings change owner", out, re.M)
    assert "rolled back: nothing was kept" in out
    with db.get_engine(database_url).connect() as c:
        assert c.scalar(sa.text("SELECT count(*) FROM generation")) == before


@pytest.mark.browser
def test_the_folium_map_draws_with_the_network_cut(dash_duo, database_url, monkeypatch, tmp_path):
    page = tmp_path / "workload.html"
    page.write_text(folium_page(run("workload_balance.ipynb", database_url, monkeypatch)), encoding="utf-8")
    assert drawn_offline(dash_duo, page) == 40   # the grids
