"""The live feed every map page carries: the event stream, the live state and the ticker.

The stream (LISTEN/NOTIFY → /api/v1/events/stream) moves `live-state`; the incident layer URL,
the KPIs and the ticker follow it. The ticker is read from the table, never pieced together from
messages, so a reconnect or a missed message cannot leave it wrong.
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html
from flask_babel import gettext as _
from sqlalchemy.engine import Connection

from gisapp.boundaries.generations import active_generation
from gisapp.core.db import begin
from gisapp.live.feed import last_event_id, recent_events

from ..auth import current_who
from ..guard import callback
from .i18n import DONE_LABELS, in_chinese, label, local_time

FALLBACK_MS = 30_000   # the slow poll, only for when the stream is silent


def live_components(conn: Connection) -> list:
    last, generation = last_event_id(conn), active_generation(conn)
    return [
        dcc.Store(id="live-source", data=f"/api/v1/events/stream?after={last}"),   # gisapp_map.js opens it
        dcc.Store(id="live-opened"), dcc.Store(id="live-message"),
        dcc.Store(id="live-state", data={"last": last, "generation": generation, "urgent": 0}),
        dcc.Store(id="live-beat"),
        dcc.Interval(id="live-tick", interval=FALLBACK_MS),
    ]


def live_badge() -> html.Span:
    return html.Span(_("Live"), id="live-badge", className="live-badge on", title=_("Live updates"))


def ticker_items(events: list[dict]) -> list:
    zh = in_chinese()
    items = []
    for e in events:
        what = label(DONE_LABELS, e["action"])   # what was done, in the past tense
        items.append(html.Li([
            html.Span(local_time(e["at"], "HH:mm"), className="when"),
            html.A(f"#{e['incident_id']}", href=f"/?incident={e['incident_id']}", className="case"),
            html.Span(e["category_zh"] if zh else e["category_en"], className="cat"),
            html.Span(what, className="what"),
            html.Span(e["area_name"] or _("Unlocated"), className="where"),
        ], className="ticker-item" + (" urgent" if e["urgent"] else ""), **{"data-event": e["id"]}))
    return items


def ticker(limit: int = 12) -> html.Div:
    return html.Div([html.Div(_("Latest events"), className="ticker-title"),
                     html.Ol(id="ticker", className="ticker", **{"data-limit": limit})], className="ticker-box")


def _limit(value) -> int:
    """The ticker's length, from the page (a forged value is clamped, never a 500)."""
    try:
        return max(1, min(50, int(value)))
    except (TypeError, ValueError):
        return 12


def register(app) -> None:
    """Callbacks of the live feed (per app: test runs create several apps in one process)."""

    @callback(app, "map.view", Output("ticker", "children"), Input("live-state", "data"),
              State("ticker", "data-limit"))
    def _refresh_ticker(_state, limit):
        with begin() as conn:
            return ticker_items(recent_events(conn, _limit(limit), who=current_who()))

    app.clientside_callback(
        "function(url) { return window.dash_clientside.gisapp.liveOpen(url); }",
        Output("live-opened", "data"), Input("live-source", "data"),
    )
    app.clientside_callback(
        "function(m, s) { return window.dash_clientside.gisapp.liveMessage(m, s); }",
        Output("live-state", "data"), Output("live-beat", "data"),
        Input("live-message", "data"), State("live-state", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(n, s, b) { return window.dash_clientside.gisapp.liveFallback(n, s, b); }",
        Output("live-state", "data", allow_duplicate=True), Output("live-source", "data"),
        Input("live-tick", "n_intervals"), State("live-state", "data"), State("live-beat", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(b) { return window.dash_clientside.gisapp.liveBadge(b); }",
        Output("live-badge", "className"), Input("live-beat", "data"), Input("live-tick", "n_intervals"),
    )
