"""The planner page's layout and what it shows: the draft's areas of one level, the chosen area, the shape
being drawn, and the draft's problems. The edits are in edit.py; validation, diff and activation in review.py."""

from __future__ import annotations

import dash_leaflet as dl
from dash import ALL, Input, Output, State, dcc, html, no_update
from dash_extensions.javascript import Namespace
from flask_babel import gettext as _

from gisapp.boundaries import checks, drafts
from gisapp.boundaries import generations as generations_mod
from gisapp.core.db import begin
from gisapp.core.settings import get_settings
from gisapp.core.vocabulary import LEVEL_CODES
from gisapp.map.registry import layer_registry

from ...guard import callback, page
from ..chrome import page_header
from ..i18n import LEVEL_LABELS, PROBLEM_LABELS, label
from ..map.view import PANES, layer_component

PERMISSION = "boundaries.edit"
JS = Namespace("gisapp", "planner")
START = [31.238, 121.5]
DRAWING = ("transfer", "split", "draw")   # the tools that collect clicked points
CONTEXT = ("basemap_water", "basemap_roads", "buildings")   # drawn under the draft: redraw around buildings


def register(app) -> None:
    page(app, __name__, PERMISSION, path="/planner", name="Planner", order=6, layout=layout)
    _show(app)
    app.clientside_callback(   # the context layers follow the view, as on the situation map
        "function(b, z, c, ids, caches) {"
        " return window.dash_clientside.gisapp.layerUrls(b, z, c, null, null, ids, caches); }",
        Output({"type": "plan-layer", "id": ALL}, "url"),
        Input("plan-map", "bounds"), Input("plan-map", "zoom"), Input("plan-map", "center"),
        State({"type": "plan-layer", "id": ALL}, "id"), State("plan-map-layers", "data"),
    )


def _tools() -> html.Div:
    return html.Div([
        html.Button(_("Move a border"), id="plan-tool-transfer", className="tool",
                    title=_("Draw the part that goes to the chosen area; its neighbours give it up")),
        html.Button(_("Split"), id="plan-tool-split", className="tool",
                    title=_("Draw a line across the chosen area")),
        html.Button(_("Merge a neighbour"), id="plan-tool-merge", className="tool",
                    title=_("Click the neighbour that joins the chosen area")),
        html.Button(_("New area"), id="plan-tool-draw", className="tool",
                    title=_("Draw the new area; the areas it covers give it up")),
    ], className="plan-tools")


def _sketch_controls() -> html.Div:
    return html.Div([
        html.P(id="plan-hint", className="plan-hint"),
        html.Div([dcc.Input(id="plan-new-code", placeholder=_("Code"), debounce=False),
                  dcc.Input(id="plan-new-name", placeholder=_("Name"), debounce=False)],
                 id="plan-new-fields", hidden=True),
        html.Button(_("Finish"), id="plan-finish", className="primary"),
        html.Button(_("Remove the last point"), id="plan-unpoint"),
        html.Button(_("Cancel"), id="plan-cancel"),
    ], id="plan-sketching", hidden=True, className="plan-sketching")


def _attributes() -> html.Div:
    def field(key, text, kind="text"):
        return html.Label([text, dcc.Input(id=f"plan-attr-{key}", type=kind, debounce=False)])
    return html.Div([
        html.H3(id="plan-selected-title"),
        html.P(id="plan-selected-facts", className="plan-facts"),
        html.Button(_("Zoom to it"), id="plan-zoom"),
        field("code", _("Code")), field("name", _("Name")), field("population", _("Population"), "number"),
        field("households", _("Households"), "number"), field("responsible_name", _("Responsible")),
        field("responsible_phone", _("Phone")),
        html.Button(_("Save"), id="plan-save", className="primary"),
    ], id="plan-selected-card", hidden=True, className="panel plan-card")


def layout(**_query):
    with begin() as conn:
        choices = drafts.drafts(conn)
    registry = layer_registry()
    context = [layer_component(registry.get(x), get_settings(), kind="plan-layer") for x in CONTEXT if registry.get(x)]
    side = html.Div([
        html.Div([
            html.Label(_("Draft")),
            dcc.Dropdown(id="plan-generation", options=_options(choices), clearable=False,
                         value=choices[0]["id"] if choices else None, placeholder=_("No draft yet")),
            html.Button(_("New draft from the live generation"), id="plan-new"),
            html.Label(_("Level")),
            dcc.RadioItems(id="plan-level", value="micro_grid", inline=True,
                           options=[{"label": label(LEVEL_LABELS, lv), "value": lv} for lv in LEVEL_CODES]),
        ], className="panel"),
        html.Div([_tools(), _sketch_controls(),
                  html.Button(_("Undo the last edit"), id="plan-undo"),
                  html.P(id="plan-message", role="status", className="plan-message")], className="panel"),
        _attributes(),
        html.Div([html.H3(_("Problems")), html.Div(id="plan-problems")], className="panel"),
        html.Div([html.H3(_("Before it goes live")),
                  html.Button(_("Compare with the live generation"), id="plan-diff"),
                  html.Div(id="plan-diff-result"),
                  dcc.ConfirmDialogProvider(html.Button(_("Activate"), id="plan-activate-button", className="danger"),
                                            id="plan-activate",
                                            message=_("Put this draft live? Open cases, buildings and checkpoints "
                                                      "move to their new areas.")),
                  html.Div([dcc.Dropdown(id="plan-export-format", value=".gpkg", clearable=False,
                                         options=[{"label": x, "value": x} for x in (".gpkg", ".shp", ".geojson",
                                                                                    ".fgb")]),
                            html.Button(_("Export this level"), id="plan-export")], className="plan-export"),
                  dcc.Download(id="plan-download"),
                  html.Ul(id="plan-history", className="plan-history")], className="panel"),
    ], className="plan-side")
    plan_map = dl.Map([
        *[dl.Pane(name=f"{n}-pane", style={"zIndex": z}) for n, z in PANES.items()],
        dl.LayerGroup(context),
        dl.GeoJSON(id="plan-areas", data=None, style={"color": "#3367d6", "weight": 1.5, "fillOpacity": 0.06},
                   hoverStyle={"weight": 3}, options={"pane": "areas-pane"}),
        dl.GeoJSON(id="plan-changes", data=None, style=JS("changeStyle"), options={"pane": "areas-pane"}),
        dl.GeoJSON(id="plan-problem-shapes", data=None, interactive=False,
                   style={"color": "#d62728", "weight": 3, "fillOpacity": 0.35}, options={"pane": "highlight-pane"}),
        dl.GeoJSON(id="plan-selected", data=None, interactive=False,
                   style={"color": "#ff8c00", "weight": 4, "fillOpacity": 0.1}, options={"pane": "highlight-pane"}),
        dl.LayerGroup(id="plan-sketch-layer"),
        dl.ScaleControl(position="bottomleft", imperial=False),
    ], id="plan-map", center=START, zoom=15, minZoom=3, maxZoom=20, className="plan-map")
    return html.Div([
        page_header(_("Boundary planning")),
        dcc.Store(id="plan-selected-area"), dcc.Store(id="plan-tool"), dcc.Store(id="plan-sketch", data=[]),
        dcc.Store(id="plan-refresh", data=0),
        dcc.Store(id="plan-map-layers", data={x: registry.get(x).cache for x in CONTEXT if registry.get(x)}),
        html.Div([side, html.Div([plan_map, html.P(_("Too many areas in view: zoom in, or choose a coarser level."),
                                                   id="plan-too-many", hidden=True, className="plan-too-many")],
                                 className="plan-map-box")], className="plan-body"),
    ], className="page planner")


def _options(choices: list[dict]) -> list[dict]:
    return [{"label": _("Draft %(n)s: %(about)s (%(areas)s areas)", n=d["id"], about=d["description"] or "—",
                        areas=d["areas"]), "value": d["id"]} for d in choices]


def draft_number(value) -> int | None:
    """The chosen draft's number; None for anything that is not a draft now (a forged id included)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**31:
        return None
    with begin() as conn:
        return number if generations_mod.state(conn, number) == "draft" else None


def _other(f: checks.Finding) -> str:
    """What else a problem names; a sliver says what it is (an overlap, a gap…) in the reader's words."""
    if f.kind != "sliver" or not f.other:
        return f.other or ""
    kind, _sep, rest = f.other.partition(" ")
    return " ".join(x for x in (label(PROBLEM_LABELS, kind), rest) if x)


def problems_list(findings: list[checks.Finding]) -> html.Div:
    """The draft's problems, errors first, each with its size: what the planner fixes before going live."""
    errors = checks.blocking(findings)
    head = html.P(_("%(errors)s errors, %(warnings)s warnings", errors=len(errors),
                    warnings=len(findings) - len(errors)), id="plan-problem-count",
                  className="bad" if errors else "good")
    items = [html.Li([html.Strong(label(PROBLEM_LABELS, f.kind)), f" {f.code}",
                      f" / {_other(f)}" if f.other else "", f" · {f.m2:,.1f} m²" if f.m2 else ""],
                     className="error" if f.blocking else "warning") for f in findings[:60]]
    return html.Div([head, html.Ul(items, className="plan-problem-list")])


def _show(app) -> None:
    @callback(app, PERMISSION, Output("plan-areas", "data"), Output("plan-too-many", "hidden"),
              Input("plan-generation", "value"), Input("plan-level", "value"), Input("plan-refresh", "data"),
              Input("plan-map", "bounds"))
    def areas(generation, level, _refresh, bounds):
        """The draft's areas of the level in view, again after every edit and move of the map."""
        generation = draft_number(generation)
        if not generation or level not in LEVEL_CODES:
            return None, True
        bbox = [bounds[0][1], bounds[0][0], bounds[1][1], bounds[1][0]] if bounds else None
        with begin() as conn:
            shown = drafts.areas_in_view(conn, int(generation), level, [float(x) for x in bbox] if bbox else None)
        return (shown, True) if shown is not None else (None, False)

    @callback(app, PERMISSION, Output("plan-problems", "children"), Output("plan-problem-shapes", "data"),
              Input("plan-generation", "value"), Input("plan-refresh", "data"))
    def problems(generation, _refresh):
        """The draft's problems, again after every edit."""
        generation = draft_number(generation)
        if not generation:
            return html.P(_("Choose a draft, or start one from the live generation.")), None
        with begin() as conn:
            findings = checks.check_generation(conn, int(generation), geometry=True)
        return problems_list(findings), checks.as_geojson([f for f in findings if f.blocking or f.kind == "sliver"])

    @callback(app, PERMISSION, Output("plan-map", "viewport"), Input("plan-generation", "value"))
    def fit(generation):
        generation = draft_number(generation)
        if not generation:
            return no_update
        with begin() as conn:
            bounds = drafts.extent(conn, int(generation))
        return {"bounds": bounds, "transition": "fitBounds"} if bounds else no_update

    @callback(app, PERMISSION, Output("plan-map", "viewport", allow_duplicate=True), Input("plan-zoom", "n_clicks"),
              State("plan-selected", "data"), prevent_initial_call=True)
    def zoom(clicks, shape):
        """Fit the map to the chosen area, to draw at a scale where borders can be told apart."""
        coords = ((shape or {}).get("geometry") or {}).get("coordinates") if isinstance(shape, dict) else None
        if not clicks or not coords:
            return no_update
        points = [p for polygon in coords for ring in polygon for p in ring]
        lons, lats = [float(p[0]) for p in points], [float(p[1]) for p in points]
        return {"bounds": [[min(lats), min(lons)], [max(lats), max(lons)]], "transition": "flyToBounds"}

    @callback(app, PERMISSION, Output("plan-selected-card", "hidden"), Output("plan-selected-title", "children"),
              Output("plan-selected-facts", "children"), Output("plan-selected", "data"),
              *[Output(f"plan-attr-{k}", "value") for k in ATTRIBUTES],
              Input("plan-selected-area", "data"), State("plan-generation", "value"))
    def show_selected(chosen, generation):
        generation = draft_number(generation)
        if not isinstance(chosen, dict) or not isinstance(chosen.get("code"), str) or not generation:
            return True, None, None, None, *[None] * len(ATTRIBUTES)
        with begin() as conn:
            found = drafts.area(conn, int(generation), chosen["code"])
        if found is None:
            return True, None, None, None, *[None] * len(ATTRIBUTES)
        facts = _("%(level)s · version %(version)s · %(m2)s m² · parent %(parent)s",
                  level=label(LEVEL_LABELS, found["level"]), version=found["version"], m2=f"{found['m2']:,.0f}",
                  parent=found["parent"] or "—")
        shape = {"type": "Feature", "geometry": found["geometry"], "properties": {}}
        return False, f"{found['code']} {found['name']}", facts, shape, *[found[k] for k in ATTRIBUTES]

    @callback(app, PERMISSION, Output("plan-sketch-layer", "children"), Output("plan-sketching", "hidden"),
              Output("plan-hint", "children"), Output("plan-new-fields", "hidden"),
              Input("plan-sketch", "data"), Input("plan-tool", "data"))
    def sketch(points, tool):
        """The points clicked so far, joined as the tool will read them."""
        hints = {"transfer": _("Click around the part that goes to the chosen area, then Finish."),
                 "split": _("Click a line across the chosen area, from outside to outside, then Finish."),
                 "draw": _("Give the new area a code and a name, click its outline, then Finish."),
                 "merge": _("Click the neighbour that joins the chosen area.")}
        points = points or []
        shapes = [dl.CircleMarker(center=p, radius=5, color="#ff8c00", fillOpacity=1) for p in points]
        if len(points) > 1:
            shapes.append(dl.Polygon(positions=points, color="#ff8c00", dashArray="6") if tool != "split" and
                          len(points) > 2 else dl.Polyline(positions=points, color="#ff8c00", dashArray="6"))
        return shapes, tool is None, hints.get(tool), tool != "draw"


ATTRIBUTES = ("code", "name", "population", "households", "responsible_name", "responsible_phone")
