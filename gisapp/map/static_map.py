"""Static maps with folium that open with no network (notebooks, exported files): folium's Leaflet is swapped
for the copy kept in the package, inlined, and its other CDN assets (jQuery, Bootstrap, icon fonts) are
left out. Plain vector layers need none of them: GeoJson with tooltips, CircleMarker, a legend in HTML."""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import folium

LEAFLET = Path(__file__).with_name("static") / "leaflet"


@cache
def _inline(name: str, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode((LEAFLET / name).read_bytes()).decode()


def offline_map(**options) -> folium.Map:
    """A folium.Map without tiles (add vector layers) whose page loads nothing from the network."""
    options.setdefault("tiles", None)
    options.setdefault("control_scale", True)
    m = folium.Map(**options)
    m.default_js = [("leaflet", _inline("leaflet.js", "text/javascript"))]
    m.default_css = [("leaflet_css", _inline("leaflet.css", "text/css"))]
    return m


def legend(m: folium.Map, title: str, items: list[tuple[str, str]]) -> None:
    """A small legend box (colour, words) in the map's corner, in plain HTML: no branca colormap (it loads d3)."""
    rows = "".join(f'<div><span style="display:inline-block;width:12px;height:12px;background:{colour};'
                   f'margin-right:6px"></span>{text}</div>' for colour, text in items)
    box = (f'<div style="position:absolute;bottom:24px;right:10px;z-index:1000;background:#fff;padding:6px 8px;'
           f'font:12px sans-serif;border-radius:4px;box-shadow:0 1px 3px #0004"><b>{title}</b>{rows}</div>')
    m.get_root().html.add_child(folium.Element(box))


def network_urls(html: str) -> list[str]:
    """What a page would fetch from the network (script and link sources): none, for an offline map."""
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
