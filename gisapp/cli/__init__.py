"""The `gisapp` command. Admin commands are dry runs unless given --commit (as in MapIt)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from tqdm import tqdm

from gisapp.boundaries import importer as areas_mod
from gisapp.metrics import assessment as assessment_mod
from gisapp.cases import bulk
from gisapp.metrics import kpis as kpis_mod
from gisapp.core.settings import get_settings, sqlalchemy_url
from gisapp.core.db import connect, start
from gisapp.core.schema import CRSES, LEVELS, SOURCES

COMMIT_HELP = "Write the changes. Without it, the command reports what it would do and rolls back."


@contextmanager
def transaction(commit: bool):
    """One transaction for the whole command; rolled back unless --commit."""
    with connect() as conn:
        trans = start(conn)
        try:
            yield conn
        except BaseException:
            trans.rollback()
            raise
        if commit:
            trans.commit()
        else:
            trans.rollback()
            click.secho("Dry run: nothing was written. Run again with --commit to write.", fg="yellow")


def fail(lines: list[str], header: str) -> None:
    click.secho(header, fg="red", err=True)
    for line in lines[:50]:
        click.echo(f"  - {line}", err=True)
    if len(lines) > 50:
        click.echo(f"  … and {len(lines) - 50} more", err=True)
    sys.exit(1)


class _Group(click.Group):
    """Turns an unreachable database into one clear line instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            url = sa.engine.make_url(sqlalchemy_url(get_settings().database_url))
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"cannot use the database {url.render_as_string(hide_password=True)}: {reason}\n"
                "Set DATABASE_URL, run `gisapp db upgrade`, or run `make run` to set up the local default.") from None


@click.group(cls=_Group)
def main() -> None:
    """gisapp: grid-based urban governance on PostGIS (DATABASE_URL picks the database)."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed, migrate it to the newest schema, sync settings it reads."""
    from gisapp.core.migrate import upgrade
    before, after, days = upgrade(get_settings().database_url, get_settings())
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})")
               + (f"; working calendar: {days} days" if days else ""))


@main.command()
@click.option("--host", default=None, help="Interface to listen on [GISAPP_HOST, 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [GISAPP_PORT, 8050].")
@click.option("--workers", type=int, default=None, help="gunicorn workers [GISAPP_WORKERS, 2].")
@click.option("--threads", type=int, default=None,
              help="Threads per worker [GISAPP_THREADS, 32]; each open map holds one for its live stream.")
@click.option("--dev", is_flag=True, help="Flask's debug server with reload, for development.")
def serve(host: str | None, port: int | None, workers: int | None, threads: int | None, dev: bool) -> None:
    """Serve the app and API against DATABASE_URL. Loads nothing."""
    from gisapp.web.server import run
    settings = get_settings()
    run(host or settings.host, port or settings.port, workers or settings.workers, dev,
        threads=threads or settings.threads)


@main.group()
def demo() -> None:
    """The demo district on real OpenStreetMap data of Lujiazui."""


@demo.command("load")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has areas.")
def demo_load(commit: bool, if_empty: bool) -> None:
    """Load data/demo into an empty database."""
    from gisapp.demo.load import load_demo
    with transaction(commit) as conn:
        held = conn.execute(sa.text("SELECT (SELECT count(*) FROM area) + (SELECT count(*) FROM building) "
                                    "+ (SELECT count(*) FROM checkpoint) + (SELECT count(*) FROM incident)")).scalar()
        if held:
            if if_empty:
                click.echo("demo: the database already holds data; nothing loaded")
                return
            fail(["the demo loads only into an empty database"], "demo: the database already holds data")
        for line in load_demo(conn):
            click.echo(line)


@main.group("areas")
def areas_group() -> None:
    """Boundary areas."""


@areas_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", required=True, type=click.Choice(LEVELS))
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
            result = areas_mod.import_areas(
                conn, file, level, code_field, name_field, parent_field=parent_field,
                population_field=population_field, households_field=households_field,
                responsible_field=responsible_field, phone_field=phone_field,
                generation=generation, make_valid=make_valid)
        except areas_mod.ImportProblem as exc:
            fail(exc.problems, f"areas import: {len(exc.problems)} problem(s); nothing imported")
        made = " (new draft)" if result.created_generation else ""
        click.echo(f"generation {result.generation}{made}: {result.count} {level} areas, "
                   f"{result.top_level} without a parent")
        for line in result.fixed:
            click.echo(f"  repaired {line}")
        report_findings(areas_mod.check_generation(conn, result.generation, get_settings().sliver_m2))
        if activate:
            moved = areas_mod.activate(conn, result.generation)
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
        gen = generation or conn.scalar(sa.text("SELECT gisapp_active_generation()"))
        if gen is None:
            fail(["import areas, or name a --generation"], "areas check: no active generation")
        click.echo(f"generation {gen}")
        if report_findings(areas_mod.check_generation(conn, gen, get_settings().sliver_m2)):
            sys.exit(1)


@areas_group.command("list")
@click.option("--level", type=click.Choice(LEVELS))
@click.option("--generation", type=int)
def areas_list(level: str | None, generation: int | None) -> None:
    """Areas of the active generation (or --generation), one a line."""
    with connect() as conn:
        for a in areas_mod.list_areas(conn, generation, level):
            click.echo(f"{a['level']:10} {a['code']:20} {a['name']}  pop={a['population'] or '-'} "
                       f"open={a['open_incidents']}")


@main.group()
def generations() -> None:
    """Boundary generations (draft, active, retired)."""


@generations.command("list")
def generations_list() -> None:
    with connect() as conn:
        for g in areas_mod.generations(conn):
            click.echo(f"{g['id']:3} {g['state']:8} {g['areas']:6} areas  {g['levels'] or ''}")


@generations.command("activate")
@click.argument("number", type=int)
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def generations_activate(number: int, commit: bool) -> None:
    """Make generation NUMBER the active one and re-assign open incidents, buildings, checkpoints."""
    with transaction(commit) as conn:
        if conn.scalar(sa.text("SELECT count(*) FROM generation WHERE id = :g"), {"g": number}) == 0:
            fail([f"no generation {number}"], "generations activate: nothing to do")
        moved = areas_mod.activate(conn, number)
        click.echo(f"generation {number} active; {moved} open incidents re-assigned")


@main.group()
def reports() -> None:
    """Incident reports."""


@reports.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lon-field", required=True)
@click.option("--lat-field", required=True)
@click.option("--crs", type=click.Choice(CRSES), default="wgs84", show_default=True)
@click.option("--category-field", help="Without it every row is filed under 'other'.")
@click.option("--ref-field", help="A unique reference per row: importing the file twice adds nothing.")
@click.option("--description-field")
@click.option("--time-field", help="When the report was made (ISO 8601); default: now.")
@click.option("--timezone", "tz", help="For times without an offset [GISAPP_TIMEZONE, Asia/Shanghai].")
@click.option("--source", type=click.Choice(SOURCES), default="hotline", show_default=True)
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Write rejected rows with their reasons to this CSV.")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def reports_import(file: Path, lon_field, lat_field, crs, category_field, ref_field, description_field,
                   time_field, tz, source, rejects, commit):
    """Bulk-import reports from a CSV FILE (COPY, then set-based assignment in PostGIS)."""
    with transaction(commit) as conn, tqdm(desc="importing", unit="row", file=sys.stderr,
                                           disable=None) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        try:
            s = bulk.import_csv(conn, file, lon_field=lon_field, lat_field=lat_field, crs=crs, source=source,
                                category_field=category_field, ref_field=ref_field,
                                description_field=description_field, time_field=time_field,
                                tz=tz or get_settings().timezone, progress=progress)
        except ValueError as exc:
            fail([str(exc)], "reports import: nothing imported")
    click.echo(f"rows {s.rows}: inserted {s.inserted} (assigned {s.assigned}, of which snapped {s.snapped}; "
               f"unlocated {s.unlocated}), already present {s.already_present}, rejected {len(s.rejected)}")
    if s.other_category:
        click.echo(f"  {s.other_category} rows with an unknown category were filed under 'other'")
    for reason, n in s.reasons().most_common():
        click.echo(f"  rejected, {reason}: {n} (e.g. row {next(r for r, m in s.rejected if m.startswith(reason))})")
    if rejects and s.rejected:
        bulk.write_rejects(rejects, s.rejected)
        click.echo(f"  rejected rows written to {rejects}")


@reports.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: standard output.")
def reports_export(fmt: str, output: Path | None) -> None:
    """Every incident with its assigned codes at every level."""
    writer = bulk.write_csv if fmt == "csv" else bulk.write_geojson
    with connect() as conn:
        if output is None:
            n = writer(conn, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                n = writer(conn, out)
    click.echo(f"exported {n} reports" + (f" to {output}" if output else ""), err=True)


def _pct(value):
    return "-" if value is None else f"{100 * value:.1f}%"


@main.group("kpis")
def kpis_group() -> None:
    """KPIs and the monthly/quarterly assessment (月通报、季考核)."""


@kpis_group.command("show")
@click.option("--area", help="An area code of the active generation; default: the whole generation.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First local day, included.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Local day after the range, excluded.")
@click.option("--drill", is_flag=True, help="Also every child area with its KPIs.")
def kpis_show(area: str | None, start, end, drill: bool) -> None:
    """The KPIs of an area (or the whole generation) for a date range, as JSON."""
    try:
        with connect() as conn:
            result = kpis_mod.area_kpis(conn, area, start and start.date(), end and end.date(), drill=drill)
    except (kpis_mod.UnknownArea, ValueError) as exc:
        fail([str(exc)], "kpis show: nothing to show")
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@kpis_group.command("assess")
@click.argument("period")
@click.option("--level", type=click.Choice(assessment_mod.LEVELS), default="grid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write .csv or .xlsx; without it, print the ranking.")
def kpis_assess(period: str, level: str, output: Path | None) -> None:
    """Rank the grids or communities for PERIOD: a month (2026-10) or a quarter (2026Q4)."""
    try:
        with connect() as conn:
            result = assessment_mod.assess(conn, period, level)
        if output is not None:
            assessment_mod.export(result, output)
    except ValueError as exc:
        fail([str(exc)], "kpis assess: nothing written")
    if output is not None:
        click.echo(f"{len(result.rows)} areas ({level}) for {result.period.label} written to {output}")
        return
    for r in result.rows:
        click.echo(f"{r['rank'] or '-':>3} {'-' if r['score'] is None else r['score']:>7} {r['code']:18} "
                   f"{r['name']}  reports={r['reports']} closure={_pct(r['closure_rate'])} "
                   f"response={_pct(r['response_rate'])} resolution={_pct(r['resolution_rate'])} "
                   f"satisfaction={_pct(r['satisfaction_rate'])} overdue={r['overdue']}")
