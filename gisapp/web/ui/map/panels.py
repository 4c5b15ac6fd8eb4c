"""The side panel of the map: what a click or a search found (area, incident, building, checkpoint)."""

from __future__ import annotations

from urllib.parse import quote

from dash import html
from flask_babel import gettext as _
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.boundaries.lookup import area_details
from gisapp.cases import desk
from gisapp.cases.read import get_case
from gisapp.core.localtime import RECENT_DAYS, last_days
from gisapp.map.details import building_details, checkpoint_details
from gisapp.metrics.kpis import area_kpis

from ..i18n import CHECKPOINT_LABELS, LEVEL_LABELS, STATUS_LABELS, category_label, label, local_time
from ..places import place_words


def _dl(rows: list[tuple[str, object]]) -> html.Dl:
    return html.Dl([x for k, v in rows if v not in (None, "") for x in (html.Dt(k), html.Dd(str(v)))])


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def kpi_rows(kpis: dict) -> list[tuple[str, str]]:
    return [(_("Response rate"), percent(kpis["response_rate"])),
            (_("Resolution rate"), percent(kpis["resolution_rate"])),
            (_("Satisfaction rate"), percent(kpis["satisfaction_rate"])),
            (_("Closure rate"), percent(kpis["closure_rate"])),
            (_("Requests per 10,000 residents"),
             "—" if kpis["requests_per_10k"] is None else f"{kpis['requests_per_10k']:.1f}")]


def area_panel(conn: Connection, code: str, who: Who) -> html.Div:
    area = area_details(conn, code, who=who)
    if area is None:
        return html.Div(_("No area %(code)s", code=code), className="panel", id="area-panel")
    kpis = area_kpis(conn, code, *last_days(conn))["kpis"]
    chain = " › ".join(p["name"] for p in (area["chain"] or []))
    rows = [(_("Level"), label(LEVEL_LABELS, area["level"])), (_("Code"), area["code"]),
            (_("Part of"), chain or None),
            (_("Responsible"), " ".join(x for x in (area["responsible_name"], area["responsible_phone"]) if x)),
            (_("Population"), area["population"]), (_("Households"), area["households"]),
            (_("Open cases"), area["open_incidents"])]
    return html.Div([
        html.H3(area["name"]),
        _dl(rows),
        html.H4(_("Last %(n)s days", n=RECENT_DAYS)),
        _dl(kpi_rows(kpis)),
        html.Div([*([html.A(_("Cases in this area"), href=f"/cases?area={area['code']}")]
                    if who.may("cases.read") else []),
                  html.A(_("Link to this view"), href=f"/?area={area['code']}"),
                  html.A(_("Offline map (HTML)"), href=f"/api/v1/map/export?area={quote(area['code'])}", download="",
                         className="export-map")], className="panel-links"),
    ], className="panel", id="area-panel")


def incident_panel(conn: Connection, incident_id: int, who: Who) -> html.Div:
    report = get_case(conn, incident_id, who=who)
    if report is None:
        return html.Div(_("No case %(id)s", id=incident_id), id="incident-panel", className="panel")
    chain = report["assignment"] or {}
    location = place_words(report, desk.place_in_words(conn, report["id"]))
    rows = [(_("Status"), label(STATUS_LABELS, report["status"])), (_("Category"), category_label(report)),
            (_("Reported at"), local_time(report["reported_at"])), (_("Location"), location),
            (_("Urgent"), _("Yes") if report.get("urgent") else None),
            (_("Overdue"), _("Yes") if report.get("overdue") else None)]
    rows += [(label(LEVEL_LABELS, lv), f"{chain[lv]['name']} ({chain[lv]['code']})")
             for lv in ("street", "community", "grid", "micro_grid") if chain.get(lv)]
    return html.Div([html.H3(_("Case %(id)s", id=report["id"])), _dl(rows), html.P(report["description"]),
                     html.Div([*([html.A(_("Open in the console"), href=f"/cases?incident={report['id']}")]
                                 if who.may("cases.read") else []),
                               html.A(_("Link to this view"), href=f"/?incident={report['id']}"),
                               *([html.A(_("Offline map (HTML)"), href=f"/api/v1/map/export?case={report['id']}",
                                         download="", className="export-map")] if report.get("lon") is not None
                                 else [])],
                              className="panel-links")],
                    id="incident-panel", className="panel")


def building_panel(conn: Connection, code: str, who: Who) -> html.Div:
    b = building_details(conn, code)
    if b is None:
        return html.Div(_("No building %(code)s", code=code), className="panel", id="building-panel")
    return html.Div([html.H3(b["name"] or b["code"]),
                     _dl([(_("Code"), b["code"]), (_("Address"), b["address"]), (_("Households"), b["households"]),
                          (_("Grid"), b["area_name"] and f"{b['area_name']} ({b['area_code']})"),
                          (_("Open cases"), b["open_incidents"])])],
                    className="panel", id="building-panel")


def checkpoint_panel(conn: Connection, code: str, who: Who) -> html.Div:
    c = checkpoint_details(conn, code)
    if c is None:
        return html.Div(_("No checkpoint %(code)s", code=code), className="panel", id="checkpoint-panel")
    return html.Div([html.H3(c["name"]),
                     _dl([(_("Code"), c["code"]), (_("Kind"), label(CHECKPOINT_LABELS, c["kind"])),
                          (_("Status"), label(CHECKPOINT_LABELS, c["status"])),
                          (_("Last seen"), c["last_seen"] and local_time(c["last_seen"])),
                          (_("Grid"), c["area_name"])])],
                    className=f"panel checkpoint-{c['status']}", id="checkpoint-panel")
