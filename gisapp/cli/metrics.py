"""`gisapp kpis`: KPIs and the monthly/quarterly assessment."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gisapp.core.db import connect
from gisapp.core.errors import ApiError
from gisapp.core.language import translator
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.metrics import assessment as assessment_mod
from gisapp.metrics import kpis as kpis_mod

from .transaction import fail


def _pct(value):
    return "-" if value is None else f"{100 * value:.1f}%"


@click.group("kpis")
def kpis_group() -> None:
    """KPIs and the monthly/quarterly assessment (月通报、季考核)."""


@kpis_group.command("show")
@click.option("--area", help="An area code of the active generation; default: the whole generation.")
@click.option("--from", "start", help="First local day, included (YYYY-MM-DD).")
@click.option("--to", "end", help="Local day after the range, excluded (YYYY-MM-DD).")
@click.option("--drill", is_flag=True, help="Also every child area with its KPIs.")
def kpis_show(area: str | None, start: str | None, end: str | None, drill: bool) -> None:
    """The KPIs of an area (or the whole generation) for a date range, as JSON."""
    try:
        query = parse(kpis_mod.KpiQuery, {"area": area, "from": start, "to": end, "drill": drill}, status=400)
        with connect() as conn:
            result = kpis_mod.area_kpis(conn, query.area, query.since, query.until, drill=query.drill)
    except ApiError as exc:
        fail([f"--{field}: {message}" for field, message in exc.errors], "kpis show: nothing to show")
    except kpis_mod.UnknownArea as exc:
        fail([str(exc)], "kpis show: nothing to show")
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@kpis_group.command("assess")
@click.argument("period")
@click.option("--level", type=click.Choice(assessment_mod.LEVELS), default="grid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write .csv or .xlsx; without it, print the ranking.")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default=None,
              help="Language of the file's headers (default: GISAPP_LANGUAGE).")
def kpis_assess(period: str, level: str, output: Path | None, lang: str | None) -> None:
    """Rank the grids or communities for PERIOD: a month (2026-10) or a quarter (2026Q4)."""
    try:
        with connect() as conn:
            result = assessment_mod.assess(conn, period, level)
        if output is not None:
            assessment_mod.export(result, output, translator(lang or get_settings().language))
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
