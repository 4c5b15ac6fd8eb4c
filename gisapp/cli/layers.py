"""`gisapp layers`: check layer files before a deploy, and the JSON Schema editors can use."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from gisapp.core.db import connect
from gisapp.core.settings import get_settings
from gisapp.map.registry import LayerConfigError, layer_files, missing_columns, read_layer, schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "map" / "layer.schema.json"


@click.group("layers")
def layers_group() -> None:
    """Map layer files (one YAML file per layer)."""


@layers_group.command("validate")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--database", is_flag=True, help="Also check that each source has the columns the file names.")
def layers_validate(folder: Path | None, database: bool) -> None:
    """Check every layer file in FOLDER [GISAPP_LAYERS_DIR]; exit 1 naming each file and key at fault."""
    folder = folder or Path(get_settings().layers_dir)
    layers, problems = [], []
    for path in layer_files(folder):
        try:
            layers.append(read_layer(path))
        except LayerConfigError as exc:
            problems += str(exc).splitlines()
    ids = [layer.id for layer in layers]
    problems += [f"{folder}: two files declare the id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if database and layers:
        with connect() as conn:
            problems += [f"{layer.id}.yml: {layer.source} has no column {c}"
                         for layer in layers for c in missing_columns(conn, layer)]
    if not layer_files(folder):
        problems.append(f"{folder}: no layer files (*.yml)")
    for line in problems:
        click.secho(f"  - {line}", fg="red", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(layers)} layer files in {folder}: valid" + (", columns present" if database else ""))


@layers_group.command("schema")
@click.option("--write", is_flag=True, help=f"Replace {SCHEMA_FILE.name} in the package instead of printing it.")
def layers_schema(write: bool) -> None:
    """The JSON Schema of a layer file (also served at /api/v1/layers/schema.json)."""
    text = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
    if write:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        click.echo(f"wrote {SCHEMA_FILE}", err=True)
    else:
        click.echo(text, nl=False)
