"""`gisapp reports`: bulk import and export of cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from gisapp.cases import bulk
from gisapp.core.db import connect
from gisapp.core.schema import CRSES, SOURCES
from gisapp.core.settings import get_settings

from .transaction import COMMIT_HELP, fail, transaction


@click.group()
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
    if s.duplicates:
        click.echo(f"  {s.duplicates} look like repeats of an open case nearby (marked as possible duplicates)")
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
