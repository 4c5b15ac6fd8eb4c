"""/screen: the command-centre big screen, the metrics room's page. Dark, no controls, runs unattended all day.

Laid out in viewport units, so the same page fills a 1920×1080 wall and a 3840×2160 one. Every
number comes from metrics.board; the live stream refreshes them, and a slow timer is the fallback.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update
from flask_babel import gettext as _

from gisapp.boundaries.generations import active_is_synthetic
from gisapp.core.db import begin
from gisapp.core.settings import get_settings
from gisapp.core.workdays import unofficial_soon
from gisapp.map import search
from gisapp.map.registry import layer_registry
from gisapp.metrics import board

from ..guard import callback, page
from .i18n import in_chinese
from .live import live_badge, live_components, ticker
from .map.panels import percent
from .map.view import layers_store, situation_map


def _value(tile: dict) -> str:
    value = tile["value"]
    if value is None:
        return "—"
    if tile["kind"] == "rate":
        return percent(value)
    if tile["kind"] == "number":
        return f"{value:.1f}"
    return f"{value:,}"


def _label(tile: dict) -> str:
    msgid = tile["label"]   # marked with N_ in metrics.board
    return _(msgid)


def kpi_tiles(items: list[dict]) -> list:
    return [html.Div([html.Div(_value(t), className="kpi-value"), html.Div(_label(t), className="kpi-label")],
                     className=f"kpi kpi-{t['key']}" + (" alarm" if t["key"] == "overdue" and t["value"] else ""),
                     id=f"kpi-{t['key']}") for t in items]


def trend_figure(rows: list[dict]) -> go.Figure:
    days = [r["day"] for r in rows]
    last, reported, closed = _("Last 30 days"), _("Reported"), _("Closed")
    title = (f"{last} · <span style='color:#4cc9f0'>{reported}</span>"
             f" · <span style='color:#2a9d8f'>{closed}</span>")
    fig = go.Figure([go.Scatter(x=days, y=[r["reported"] for r in rows], name=_("Reported"), mode="lines+markers",
                                line={"color": "#4cc9f0", "width": 3}),
                     go.Bar(x=days, y=[r["closed"] for r in rows], name=_("Closed"), marker={"color": "#2a9d8f"},
                            opacity=0.7)])
    fig.update_layout(template="plotly_dark", paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      margin={"l": 60, "r": 10, "t": 52, "b": 44},   # room for the text the wall's CSS grows
                      showlegend=False,   # the title names the series: it grows with the wall, a legend would not
                      title={"text": title,
                             "font": {"size": 14}, "x": 0.01}, font={"size": 12},
                      xaxis={"tickformat": "%m-%d"}, autosize=True)
    return fig


def ranking_rows(rows: list[dict]) -> list:
    return [html.Li([html.Span(str(r["rank"]), className="rank"), html.Span(r["name"], className="name"),
                     html.Span(f"{r['score']:.1f}", className="score")]) for r in rows]


def checkpoint_box(info: dict) -> list:
    return [html.Div([html.Span(str(info["online"]), className="ok"), html.Span(_("online")),
                      html.Span(str(info["offline"]), className="bad"), html.Span(_("offline"))],
                     className="cp-counts"),
            html.Ul([html.Li(f"{c['name']} · {c['area_name'] or ''}", className="cp-offline")
                     for c in info["offline_list"][:6]])]


def alert_rows(rows: list[dict], zh: bool) -> list:
    return [html.Li([html.A(f"#{r['id']}", href=f"/?incident={r['id']}"),
                     html.Span(r["name_zh"] if zh else r["name_en"]), html.Span(r["area_name"] or ""),
                     html.Span(_("Overdue") if r["overdue"] else _("Urgent"), className="tag")],
                    className="alert-item flash") for r in rows]


def panels(conn, zh: bool) -> tuple:
    return (kpi_tiles(board.tiles(conn)), trend_figure(board.trend(conn)),
            ranking_rows(board.ranking(conn)), checkpoint_box(board.checkpoints(conn)),
            alert_rows(board.alerts(conn), zh))


def layout(**_query):
    settings = get_settings()
    registry = layer_registry()
    zh = in_chinese()
    with begin() as conn:
        view = search.generation_view(conn)
        synthetic = active_is_synthetic(conn)
        live = live_components(conn)
        tiles, figure, ranks, cps, alerts = panels(conn, zh)
        streets = board.street_views(conn)
        unofficial = unofficial_soon(conn)
    rotate = settings.screen_rotate_seconds
    return html.Div([
        html.Header([html.H1([_("Grid governance command centre"),
                              html.Span(_("synthetic data"), className="screen-synthetic", id="screen-synthetic")
                              if synthetic else None]),
                     html.Span(id="screen-focus"),
                     html.Span(_("Holiday notice for %(day)s not loaded", day=unofficial.isoformat()),
                               className="screen-calendar-warning", id="calendar-warning") if unofficial else None,
                     html.Span(id="screen-clock", className="clock"), live_badge()], className="screen-head"),
        html.Section([html.Div(tiles, id="screen-kpis", className="kpis"),
                      html.H2(_("Overdue and urgent")), html.Ul(alerts, id="screen-alerts", className="alerts")],
                     className="screen-left"),
        html.Section([situation_map(registry, settings, view, controls=False, class_name="screen-map",
                                   zoom_snap=0.25)],
                     className="screen-map-box"),
        html.Section(dcc.Graph(id="screen-trend", figure=figure, config={"displayModeBar": False}, responsive=True,
                               style={"height": "100%"}), className="screen-trend"),
        html.Section([html.H2(_("Grid ranking (30 days)")), html.Ol(ranks, id="screen-ranking", className="ranking"),
                      html.H2(_("Checkpoints")), html.Div(cps, id="screen-checkpoints"),
                      ticker(limit=10)], className="screen-right"),
        layers_store(registry), *live,
        dcc.Store(id="screen-streets", data=streets), dcc.Store(id="screen-sound", data=bool(settings.screen_sound)),
        dcc.Store(id="screen-beeped"), dcc.Store(id="screen-tz", data=settings.timezone),
        dcc.Interval(id="screen-clock-tick", interval=1000),
        dcc.Interval(id="screen-rotate", interval=max(rotate, 5) * 1000, disabled=rotate <= 0),
    ], className="screen")


def register(app) -> None:
    """The page and its callbacks, on this app."""
    page(app, __name__, "screen.view", path="/screen", name="Big screen", order=3, title="gisapp · 指挥大屏",
                       layout=layout)

    @callback(app, "screen.view", Output("screen-kpis", "children"), Output("screen-trend", "figure"),
                  Output("screen-ranking", "children"),
                  Output("screen-checkpoints", "children"), Output("screen-alerts", "children"),
                  Input("live-state", "data"), Input("live-tick", "n_intervals"), prevent_initial_call=True)
    def _refresh(_live, _tick):
        with begin() as conn:
            return panels(conn, in_chinese())

    @callback(app, "screen.view", Output("map", "viewport", allow_duplicate=True), Output("screen-focus", "children"),
                  Input("screen-rotate", "n_intervals"), State("screen-streets", "data"), prevent_initial_call=True)
    def _rotate(n, streets):
        """GISAPP_SCREEN_ROTATE_SECONDS > 0: the map moves from street to street, then shows them all."""
        if not streets:
            return no_update, no_update
        step = (n or 0) % (len(streets) + 1)
        if step == len(streets):
            (s, w), (nn, e) = streets[0]["bounds"]
            for street in streets[1:]:
                (s2, w2), (n2, e2) = street["bounds"]
                s, w, nn, e = min(s, s2), min(w, w2), max(nn, n2), max(e, e2)
            return {"bounds": [[s, w], [nn, e]], "transition": "flyToBounds"}, ""
        return {"bounds": streets[step]["bounds"], "transition": "flyToBounds"}, streets[step]["name"]

    app.clientside_callback(
        "function(n, tz) { return window.dash_clientside.gisapp.clock(n, tz); }",
        Output("screen-clock", "children"), Input("screen-clock-tick", "n_intervals"), State("screen-tz", "data"),
    )

    app.clientside_callback(
        "function(s, on) { return window.dash_clientside.gisapp.beep(s, on); }",
        Output("screen-beeped", "data"), Input("live-state", "data"), State("screen-sound", "data"),
        prevent_initial_call=True,
    )
