"""The layer registry: every file is valid, tested, in the legend, and reads real columns."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from gisapp.map.registry import LayerConfigError, extract_messages, parse_layer, read_registry, schema

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "gisapp" / "map" / "layers"
REGISTRY = read_registry(LAYERS)


def test_every_layer_file_has_its_own_test_module():
    missing = [p.name for p in sorted(LAYERS.glob("*.yml"))
               if not (ROOT / "tests" / "map" / "layers" / f"test_{p.stem}.py").exists()]
    assert missing == [], "each layers/X.yml needs tests/layers/test_X.py"


@pytest.mark.parametrize("layer", list(REGISTRY), ids=lambda x: x.id)
def test_layer_reads_columns_that_exist_in_its_source(conn, layer):
    columns = {r[0] for r in conn.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": layer.source})}
    wanted = {*layer.columns, layer.id_field, layer.geometry_field, *layer.filter}
    assert columns, f"{layer.source} is not a table or view"
    assert wanted - columns == set()


def _parse(text: str, name: str = "demo.yml"):
    import yaml
    return parse_layer(Path(name), yaml.safe_load(text))


BASE = """
id: demo
title: Demo
group: areas
geometry_type: polygon
source: map_area
id_field: code
min_zoom: 12
legend: [{label: Demo}]
"""


def test_a_valid_layer_parses():
    layer = _parse(BASE)
    assert (layer.id, layer.min_zoom, layer.cache, layer.default) == ("demo", 12, "generation", True)


@pytest.mark.parametrize("change, key", [
    ("colour: red", "colour"),
    ("legend: []", "legend"),
    ("source: 'map_area; DROP TABLE area'", "source"),
    ("max_zoom: 5", "max_zoom"),
    ("cache: forever", "cache"),
    ("cluster: {radius: 40}", "cluster"),
    ("tooltip: [name, 'x y']", "tooltip"),
])
def test_bad_layer_files_name_the_key(change, key):
    text = "\n".join(line for line in BASE.splitlines() if not line.startswith(change.split(":")[0] + ":"))
    with pytest.raises(LayerConfigError, match=rf"demo.yml: {key}"):
        _parse(text + "\n" + change)


def test_the_id_must_match_the_file_name():
    with pytest.raises(LayerConfigError, match="id: must match"):
        _parse(BASE, "other.yml")


def test_layer_titles_and_legend_labels_are_extracted_for_translation():
    found = [m for _, _, m, _ in extract_messages(io.BytesIO(BASE.encode()), None, None, None)]
    assert found == ["Demo", "Demo"]


def test_the_published_json_schema_is_the_model_s():
    published = json.loads((ROOT / "gisapp" / "map" / "layer.schema.json").read_text(encoding="utf-8"))
    assert published == schema(), "run `gisapp layers schema --write`"
    assert set(published["required"]) >= {"id", "title", "group", "source", "legend"}


def test_every_shipped_layer_file_passes_the_published_schema():
    import jsonschema
    validator = jsonschema.Draft202012Validator(schema())
    for path in sorted(LAYERS.glob("*.yml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == [], path.name
