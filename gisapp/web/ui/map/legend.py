"""The map's legend: every layer's entries from its YAML file, and the classes of a choropleth."""

from __future__ import annotations

from dash import html
from flask_babel import gettext as _

from gisapp.map.registry import Registry

ATTRIBUTION = "© OpenStreetMap contributors"


def _swatch(entry) -> html.Span:
    s = entry.style
    if entry.shape == "point":
        css = {"background": s.get("fillColor") or s.get("color", "#888"),
               "border": f"{min(3, s.get('weight', 1))}px solid {s.get('color', '#fff')}"}
    elif entry.shape == "line":
        css = {"borderTop": f"{min(5, s.get('weight', 2))}px {'dashed' if s.get('dashArray') else 'solid'} "
                            f"{s.get('color', '#888')}", "height": 0, "alignSelf": "center"}
    else:
        css = {"background": s.get("fillColor", "transparent"), "opacity": 1,
               "border": f"{min(3, s.get('weight', 1))}px {'dashed' if s.get('dashArray') else 'solid'} "
                         f"{s.get('color', '#888')}"}
    return html.Span(className=f"swatch swatch-{entry.shape}", style=css)


def legend(registry: Registry, warning: str | None = None) -> html.Div:
    """Every layer's legend entries, grouped by layer (a test checks each layer appears)."""
    sections = []
    for layer in registry:
        sections.append(html.Div([
            html.Div(_(layer.title), className="legend-title"),
            *[html.Div([_swatch(e), html.Span(_(e.label))], className="legend-entry") for e in layer.legend],
        ], className="legend-layer", **{"data-layer": layer.id}))
    return html.Div([*sections, html.Div(id={"type": "choropleth-legend", "page": "map"}),
                     html.Div(warning, className="legend-warning") if warning else None,
                     html.Div(ATTRIBUTION, className="legend-attribution")], className="map-legend", id="legend")


def class_legend(classes: dict) -> list:
    bounds = [*classes["breaks"], None]
    rows, low = [html.Div(_("Colour by level, lightest to darkest"), className="legend-title")], None
    for colour, high in zip(classes["colours"], bounds):
        text = (f"≤ {high:g}" if low is None else f"{low:g} – {high:g}") if high is not None else \
            (f"> {low:g}" if low is not None else _("all"))
        rows.append(html.Div([html.Span(className="swatch swatch-polygon", style={"background": colour}),
                              html.Span(text)], className="legend-entry"))
        low = high
    return rows
