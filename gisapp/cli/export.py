"""`gisapp export map`: a self-contained HTML map of an area or a case, that opens with no network."""

from __future__ import annotations

from pathlib import Path

import click

from gisapp.access.permissions import SYSTEM
from gisapp.core.db import connect
from gisapp.core.language import translator
from gisapp.core.settings import get_settings
from gisapp.map.static_export import area_map, case_map

from .transaction import fail


@click.group("export")
def export_group() -> None:
    """Files to share: maps."""


@export_group.command("map")
@click.option("--area", "area", help="An area code of the active generation.")
@click.option("--case", "case", type=int, help="A case id.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.html")
def export_map(area: str | None, case: int | None, output: Path) -> None:
    """Write the area (its parts, buildings, open cases) or the case (its micro-grid and surroundings) on the
    offline basemap, with a legend, as one HTML file (GISAPP_LANGUAGE sets its words)."""
    if (area is None) == (case is None):
        fail(["give either --area CODE or --case ID"], "export map: nothing written")
    say = translator(get_settings().language)
    with connect() as conn:
        made = area_map(conn, area, SYSTEM, say) if area else case_map(conn, case, SYSTEM, say)
    if made is None:
        fail([f"no area {area}" if area else f"no case {case} with a place"], "export map: nothing written")
    output.parent.mkdir(parents=True, exist_ok=True)
    made.save(str(output))
    click.echo(f"map of {'area ' + area if area else f'case {case}'} written to {output} "
               f"({output.stat().st_size // 1024} KB, no network needed)")
