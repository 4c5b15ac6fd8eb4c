"""The map's legend is built from the layer registry: every layer and every entry, translated."""

from __future__ import annotations

from flask_babel import gettext

from gisapp.map.registry import layer_registry
from gisapp.web.app import create_flask
from gisapp.web.ui.map.legend import legend


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_every_layer_and_each_of_its_entries_is_in_the_legend_in_chinese(database_url):
    registry = layer_registry()
    with create_flask().test_request_context("/?lang=zh_CN"):
        parts = list(_walk(legend(registry)))
        sections = [p for p in parts if "legend-layer" in (getattr(p, "className", "") or "")]
        assert [s.to_plotly_json()["props"]["data-layer"] for s in sections] == [layer.id for layer in registry]
        for section, layer in zip(sections, registry):
            texts = [p.children for p in _walk(section) if isinstance(getattr(p, "children", None), str)]
            assert texts == [gettext(layer.title), *[gettext(e.label) for e in layer.legend]], layer.id
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), texts
