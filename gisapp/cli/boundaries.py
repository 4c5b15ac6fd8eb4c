"""`gisapp areas` and `gisapp generations`: boundaries, their checks and activation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from tqdm import tqdm

from gisapp.access.permissions import SYSTEM
from gisapp.boundaries import checks, importer, lookup
from gisapp.boundaries import diff as diff_mod
from gisapp.boundaries import export as export_mod
from gisapp.boundaries import generations as generations_mod
from gisapp.boundaries.problems import GenerationProblems, ImportProblem
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
    with transaction(commit) as conn, tqdm(desc="importing", unit="area", file=sys.stderr, disable=None) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        try:
            result = importer.import_areas(
                conn, file, level, code_field, name_field, parent_field=parent_field,
                population_field=population_field, households_field=households_field,
                responsible_field=responsible_field, phone_field=phone_field,
                generation=generation, make_valid=make_valid, progress=progress)
        except ImportProblem as exc:
            fail(exc.problems, f"areas import: {len(exc.problems)} problem(s); nothing imported")
        made = " (new draft)" if result.created_generation else ""
        click.echo(f"generation {result.generation}{made}: {result.count} {level} areas, "
                   f"{result.top_level} without a parent")
        for line in result.fixed:
            click.echo(f"  repaired {line}")
        report_findings(checks.check_generation(conn, result.generation))
        if activate:
            activate_or_fail(conn, result.generation)


def report_findings(findings: list[checks.Finding], limit: int = 40) -> int:
    """Print the problems, blocking ones first; returns how many block activation."""
    errors = checks.blocking(findings)
    settings = get_settings()
    click.echo(f"check: {len(errors)} blocking problem(s), {len(findings) - len(errors)} warning(s) "
               f"(slivers under {settings.sliver_m2:g} m², split buildings over {settings.split_m2:g} m²)")
    for f in findings[:limit]:
        other = f" / {f.other}" if f.other else ""
        tag = "ERROR" if f.blocking else "warning"
        click.echo(f"  {tag:7} {f.kind:15} {f.code}{other}: {f.m2:,.2f} m²")
    if len(findings) > limit:
        click.echo(f"  … and {len(findings) - limit} more")
    return len(errors)


def activate_or_fail(conn, number: int) -> None:
    """Activate, or exit 1 with the blocking problems (the caller's transaction then writes nothing)."""
    try:
        moved = generations_mod.activate(conn, number)
    except GenerationProblems as exc:
        fail([f"{f.kind} {f.code}{' / ' + f.other if f.other else ''}: {f.m2:,.2f} m²" for f in exc.findings],
             f"generation {number} was not activated: {len(exc.findings)} blocking problem(s)")
    click.echo(f"generation {number} active; {moved} open incidents re-assigned")


@areas_group.command("check")
@click.option("--generation", type=int, help="Default: the active generation.")
def areas_check(generation: int | None) -> None:
    """The same list as `gisapp generations validate`, for the active generation by default."""
    with connect() as conn:
        gen = generation or generations_mod.active_generation(conn)
        if gen is None:
            fail(["import areas, or name a --generation"], "areas check: no active generation")
        click.echo(f"generation {gen}")
        if report_findings(checks.check_generation(conn, gen)):
            sys.exit(1)


@areas_group.command("export")
@click.option("--generation", type=int, help="Default: the active generation.")
@click.option("--level", required=True, type=click.Choice(LEVEL_CODES))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.gpkg, .shp, .geojson or .fgb: the format follows the extension.")
def areas_export(generation: int | None, level: str, output: Path) -> None:
    """Write one level of a generation, with every attribute, to a file QGIS and `areas import` read."""
    with connect() as conn:
        try:
            count = export_mod.export_areas(conn, generation, level, output)
        except ImportProblem as exc:
            fail(exc.problems, "areas export: nothing written")
    click.echo(f"{count} {level} areas written to {output}")


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
        activate_or_fail(conn, number)


@generations.command("new")
@click.option("--from", "source", type=int, help="The generation to copy; default: the active one.")
@click.option("--description", help="What the draft is for.")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def generations_new(source: int | None, description: str | None, commit: bool) -> None:
    """Start a draft: a copy of the active generation (or --from N) whose areas remember their origin."""
    with transaction(commit) as conn:
        try:
            number = generations_mod.new_draft(conn, source, description)
        except ImportProblem as exc:
            fail(exc.problems, "generations new: nothing written")
        count = conn.scalar(sa.text("SELECT count(*) FROM area WHERE generation_id = :g"), {"g": number})
        click.echo(f"generation {number}: draft with {count} areas copied from generation "
                   f"{source or generations_mod.active_generation(conn)}")


@generations.command("validate")
@click.argument("number", type=int)
@click.option("--geojson", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write each problem's geometry to this GeoJSON file, to draw it on a map.")
@click.option("--all", "show_all", is_flag=True, help="List every problem, not the first 40.")
def generations_validate(number: int, geojson: Path | None, show_all: bool) -> None:
    """List what would stop generation NUMBER going live (exit status 1), and warnings."""
    with connect() as conn:
        if generations_mod.state(conn, number) is None:
            fail([f"no generation {number}"], "generations validate: nothing to check")
        findings = checks.check_generation(conn, number, geometry=geojson is not None)
    click.echo(f"generation {number}")
    errors = report_findings(findings, limit=len(findings) if show_all else 40)
    if geojson:
        geojson.write_text(json.dumps(checks.as_geojson(findings), ensure_ascii=False), encoding="utf-8")
        click.echo(f"geometry of {len(findings)} problem(s) written to {geojson}")
    if errors:
        sys.exit(1)


@generations.command("diff")
@click.argument("number", type=int)
@click.option("--against", type=int, help="Default: the active generation (or the one NUMBER was copied from).")
@click.option("--list", "show_list", is_flag=True, help="List every case, building and checkpoint that moves.")
@click.option("--geojson", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the changed areas, with their class and colour, to this GeoJSON file.")
@click.option("--commit", is_flag=True, help="Store the result (area_change) for the planner's page. " + COMMIT_HELP)
def generations_diff(number: int, against: int | None, show_list: bool, geojson: Path | None, commit: bool) -> None:
    """How each area of NUMBER changed, and what its activation would move to a new owner."""
    with transaction(commit) as conn:
        try:
            result = diff_mod.diff(conn, number, against)
        except ImportProblem as exc:
            fail(exc.problems, "generations diff: nothing to compare")
        click.echo(f"generation {number} against {result.against}: " + ", ".join(
            f"{count} {name}" for name, count in result.classes.items() if count))
        for what in ("case", "building", "checkpoint"):
            moved = result.moved(what)
            click.echo(f"  {len(moved)} open {what}s change owner" if what == "case"
                       else f"  {len(moved)} {what}s change owner")
            for m in moved if show_list else moved[:5]:
                click.echo(f"    {what} {m['id']} {m['label'] or ''}: {m['from_code'] or '-'} → {m['to_code'] or '-'}")
            if not show_list and len(moved) > 5:
                click.echo(f"    … and {len(moved) - 5} more (--list)")
        click.echo(f"  population moved: about {result.population_moved:,}")
        if geojson:
            collection = diff_mod.changed_areas(conn, number, result.against)
            geojson.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
            click.echo(f"{len(collection['features'])} changed area(s) written to {geojson}")
