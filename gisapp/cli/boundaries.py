"""`gisapp areas` and `gisapp generations`: boundaries, their checks and activation."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gisapp.access.permissions import SYSTEM
from gisapp.boundaries import checks, importer, lookup
from gisapp.boundaries import generations as generations_mod
from gisapp.boundaries.problems import ImportProblem
from gisapp.core.db import connect
from gisapp.core.settings import get_settings
from gisapp.core.vocabulary import LEVEL_CODES

from .transaction import COMMIT_HELP, fail, transaction


@click.group("areas")
def areas_group() -> None:
    """Boundary areas."""


@areas_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", required=True, type=click.Choice(LEVEL_CODES))
@click.option("--code-field", required=True)
@click.option("--name-field", required=True)
@click.option("--parent-field", help="Field holding the parent's code; without it the parent is found spatially.")
@click.option("--population-field")
@click.option("--households-field")
@click.option("--responsible-field")
@click.option("--phone-field")
@click.option("--generation", type=int, help="Target generation (created as draft if missing); "
                                              "default: the newest draft, or a new one.")
@click.option("--make-valid", is_flag=True, help="Repair invalid polygons instead of refusing them.")
@click.option("--activate", is_flag=True, help="Make the generation active after the import.")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def areas_import(file: Path, level: str, code_field: str, name_field: str, parent_field, population_field,
                 households_field, responsible_field, phone_field, generation, make_valid, activate, commit):
    """Import areas of one LEVEL from a GeoPackage, Shapefile or GeoJSON FILE."""
    with transaction(commit) as conn:
        try:
            result = importer.import_areas(
                conn, file, level, code_field, name_field, parent_field=parent_field,
                population_field=population_field, households_field=households_field,
                responsible_field=responsible_field, phone_field=phone_field,
                generation=generation, make_valid=make_valid)
        except ImportProblem as exc:
            fail(exc.problems, f"areas import: {len(exc.problems)} problem(s); nothing imported")
        made = " (new draft)" if result.created_generation else ""
        click.echo(f"generation {result.generation}{made}: {result.count} {level} areas, "
                   f"{result.top_level} without a parent")
        for line in result.fixed:
            click.echo(f"  repaired {line}")
        report_findings(checks.check_generation(conn, result.generation, get_settings().sliver_m2))
        if activate:
            moved = generations_mod.activate(conn, result.generation)
            click.echo(f"generation {result.generation} active; {moved} open incidents re-assigned")


def report_findings(findings: list) -> int:
    errors = [f for f in findings if not f.sliver]
    click.echo(f"check: {len(errors)} problem(s), {len(findings) - len(errors)} sliver(s) "
               f"under {get_settings().sliver_m2:g} m²")
    for f in findings[:40]:
        other = f" / {f.other}" if f.other else ""
        tag = "sliver" if f.sliver else "PROBLEM"
        click.echo(f"  {tag:7} {f.kind:14} {f.code}{other}: {f.m2:,.2f} m²")
    if len(findings) > 40:
        click.echo(f"  … and {len(findings) - 40} more")
    return len(errors)


@areas_group.command("check")
@click.option("--generation", type=int, help="Default: the active generation.")
def areas_check(generation: int | None) -> None:
    """Report nesting errors, sibling overlaps and gaps, in m². Exits 1 on problems above the sliver size."""
    with connect() as conn:
        gen = generation or generations_mod.active_generation(conn)
        if gen is None:
            fail(["import areas, or name a --generation"], "areas check: no active generation")
        click.echo(f"generation {gen}")
        if report_findings(checks.check_generation(conn, gen, get_settings().sliver_m2)):
            sys.exit(1)


@areas_group.command("list")
@click.option("--level", type=click.Choice(LEVEL_CODES))
@click.option("--generation", type=int)
def areas_list(level: str | None, generation: int | None) -> None:
    """Areas of the active generation (or --generation), one a line."""
    with connect() as conn:
        for a in lookup.list_areas(conn, generation, level, who=SYSTEM):
            click.echo(f"{a['level']:10} {a['code']:20} {a['name']}  pop={a['population'] or '-'} "
                       f"open={a['open_incidents']}")


@click.group()
def generations() -> None:
    """Boundary generations (draft, active, retired)."""


@generations.command("list")
def generations_list() -> None:
    with connect() as conn:
        for g in generations_mod.generations(conn):
            click.echo(f"{g['id']:3} {g['state']:8} {g['areas']:6} areas  {g['levels'] or ''}")


@generations.command("activate")
@click.argument("number", type=int)
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def generations_activate(number: int, commit: bool) -> None:
    """Make generation NUMBER the active one and re-assign open incidents, buildings, checkpoints."""
    with transaction(commit) as conn:
        if generations_mod.state(conn, number) is None:
            fail([f"no generation {number}"], "generations activate: nothing to do")
        moved = generations_mod.activate(conn, number)
        click.echo(f"generation {number} active; {moved} open incidents re-assigned")
