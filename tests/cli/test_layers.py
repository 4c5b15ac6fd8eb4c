"""`gisapp layers validate|schema`: layer files checked before a deploy."""

from __future__ import annotations

import json
import shutil

from gisapp.core.settings import get_settings
from gisapp.map.registry import schema


def test_the_shipped_layers_are_valid_against_the_database(gisapp):
    out = gisapp("layers", "validate", "--database").output
    assert "layer files" in out and "valid, columns present" in out


def test_a_broken_folder_names_every_file_and_key_at_fault(gisapp, tmp_path):
    folder = tmp_path / "layers"
    shutil.copytree(get_settings().layers_dir, folder)
    grids = (folder / "grids.yml").read_text(encoding="utf-8")
    (folder / "grids.yml").write_text(grids.replace("min_zoom: 13", "min_zoom: 30"), encoding="utf-8")
    (folder / "streets.yml").write_text("id: streets\ncolour: red\n", encoding="utf-8")
    streets_source = (folder / "communities.yml").read_text(encoding="utf-8")
    (folder / "communities.yml").write_text(streets_source.replace("tooltip: [", "tooltip: [nowhere, "),
                                            encoding="utf-8")
    result = gisapp("layers", "validate", folder, "--database", ok=False)
    assert result.exit_code == 1
    assert "grids.yml: min_zoom" in result.output and "streets.yml: colour: unknown key" in result.output
    assert "communities.yml: map_area has no column nowhere" in result.output


def test_the_schema_command_prints_the_published_schema(gisapp):
    assert json.loads(gisapp("layers", "schema").output) == schema()
