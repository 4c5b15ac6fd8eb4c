"""`gisapp export map`: one HTML file per area or case, refused without exactly one of them."""

from __future__ import annotations

from gisapp.map.static_map import network_urls


def test_export_map_writes_one_offline_file(gisapp, tmp_path, first_micro_grid):
    out = tmp_path / "grid.html"
    said = gisapp("export", "map", "--area", first_micro_grid["grid_code"], "-o", out).output
    assert "no network needed" in said and network_urls(out.read_text(encoding="utf-8")) == []
    refused = gisapp("export", "map", "-o", tmp_path / "none.html", ok=False)
    assert refused.exit_code == 1 and "either --area CODE or --case ID" in refused.output
    assert not (tmp_path / "none.html").exists()
    unknown = gisapp("export", "map", "--area", "NOPE", "-o", tmp_path / "nope.html", ok=False)
    assert unknown.exit_code == 1 and "no area NOPE" in unknown.output
