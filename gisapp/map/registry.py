"""Map layers declared in layers/*.yml, read into one validated registry (pygeoapi-style).

The map page, the legend, the layer API and the tests are all built from this registry, so a new
layer is a new YAML file and nothing else. Validation names the file and the key at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from gisapp.core.settings import get_settings

IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
GEOMETRY_TYPES = ("polygon", "line", "point")
GROUPS = ("basemap", "areas", "assets", "incidents")
CACHE_POLICIES = ("generation", "events", "none")   # what a cached viewport answer is keyed by
MARKERS = ("circle", "checkpoint")
PANELS = ("area", "incident", "building", "checkpoint")   # what a click on a feature opens
KEYS = {"id", "title", "group", "geometry_type", "source", "filter", "id_field", "geometry_field",
        "min_zoom", "max_zoom", "feature_min_zoom", "default", "cache", "order", "properties", "label",
        "tooltip", "popup", "style", "style_by", "marker", "cluster", "choropleth", "legend",
        "max_features", "description", "panel"}
REQUIRED = ("id", "title", "group", "geometry_type", "source", "id_field", "min_zoom", "legend")


class LayerConfigError(ValueError):
    """A layer file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class LegendEntry:
    label: str                       # an English msgid, translated through the catalogs
    style: dict[str, Any]
    shape: str                       # polygon | line | point


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    group: str
    geometry_type: str
    source: str
    id_field: str
    min_zoom: int
    legend: tuple[LegendEntry, ...]
    geometry_field: str = "geom"
    max_zoom: int = 22
    filter: dict[str, Any] = field(default_factory=dict)
    feature_min_zoom: str | None = None   # a column: each feature is drawn from that zoom on
    default: bool = True
    cache: str = "generation"
    order: int = 100
    properties: tuple[str, ...] = ()
    label: dict[str, Any] | None = None   # {field, min_zoom}
    tooltip: tuple[str, ...] = ()
    popup: tuple[str, ...] = ()
    style: dict[str, Any] = field(default_factory=dict)
    style_by: dict[str, Any] | None = None   # {field, values: {value: style}} (status, kind, level …)
    marker: str = "circle"
    cluster: dict[str, Any] | None = None     # supercluster options, for point layers
    choropleth: bool = False
    max_features: int = 20000
    description: str = ""
    panel: str | None = None
    path: Path | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the layer reads besides geometry: id, properties, label, style fields."""
        wanted = [*self.properties, *self.tooltip, *self.popup]
        if self.label:
            wanted.append(self.label["field"])
        if self.style_by:
            wanted.append(self.style_by["field"])
        if self.feature_min_zoom:
            wanted.append(self.feature_min_zoom)
        out: list[str] = []
        for name in wanted:
            if name not in out:
                out.append(name)
        return tuple(out)

    def shows_at(self, zoom: float) -> bool:
        return self.min_zoom <= zoom <= self.max_zoom

    def messages(self) -> Iterator[str]:
        """The UI strings this layer brings (for the catalogs and their test)."""
        yield self.title
        for entry in self.legend:
            yield entry.label


def _fail(path: Path, key: str, message: str) -> LayerConfigError:
    return LayerConfigError(f"{path.name}: {key}: {message}")


def _ident(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not IDENT.match(value):
        raise _fail(path, key, f"must be a lower-case SQL identifier, got {value!r}")
    return value


def _idents(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(path, key, "must be a list of column names")
    return tuple(_ident(path, key, v) for v in value)


def _style(path: Path, key: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _fail(path, key, "must be a mapping of Leaflet path options")
    return dict(value)


def _zoom(path: Path, key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 22:
        raise _fail(path, key, f"must be a whole zoom level 0–22, got {value!r}")
    return value


def parse_layer(path: Path, data: Any) -> Layer:
    if not isinstance(data, dict):
        raise _fail(path, "(file)", "must be a YAML mapping")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise _fail(path, unknown[0], f"unknown key; allowed: {', '.join(sorted(KEYS))}")
    for key in REQUIRED:
        if key not in data:
            raise _fail(path, key, "is required")
    layer_id = _ident(path, "id", data["id"])
    if layer_id != path.stem:
        raise _fail(path, "id", f"must match the file name ({path.stem!r})")
    for key, allowed in (("group", GROUPS), ("geometry_type", GEOMETRY_TYPES),
                         ("cache", CACHE_POLICIES), ("marker", MARKERS), ("panel", PANELS)):
        if key in data and data[key] not in allowed:
            raise _fail(path, key, f"must be one of {', '.join(allowed)}, got {data[key]!r}")
    if not isinstance(data["title"], str) or not data["title"].strip():
        raise _fail(path, "title", "must be a non-empty English text (the msgid)")
    min_zoom = _zoom(path, "min_zoom", data["min_zoom"])
    max_zoom = _zoom(path, "max_zoom", data.get("max_zoom", 22))
    if max_zoom < min_zoom:
        raise _fail(path, "max_zoom", f"{max_zoom} is below min_zoom {min_zoom}")
    filt = data.get("filter") or {}
    if not isinstance(filt, dict) or not all(isinstance(v, (str, int, bool, list)) for v in filt.values()):
        raise _fail(path, "filter", "must map columns to a value or a list of values")
    for column in filt:
        _ident(path, "filter", column)
    label = data.get("label")
    if label is not None:
        if not isinstance(label, dict) or set(label) - {"field", "min_zoom"} or "field" not in label:
            raise _fail(path, "label", "must be {field, min_zoom}")
        label = {"field": _ident(path, "label.field", label["field"]),
                 "min_zoom": _zoom(path, "label.min_zoom", label.get("min_zoom", min_zoom))}
    style_by = data.get("style_by")
    if style_by is not None:
        if not isinstance(style_by, dict) or set(style_by) != {"field", "values"} or \
                not isinstance(style_by["values"], dict):
            raise _fail(path, "style_by", "must be {field, values: {value: style}}")
        style_by = {"field": _ident(path, "style_by.field", style_by["field"]),
                    "values": {str(k): _style(path, f"style_by.values.{k}", v)
                               for k, v in style_by["values"].items()}}
    geometry_type = data["geometry_type"]
    cluster = data.get("cluster")
    if cluster is not None and (geometry_type != "point" or not isinstance(cluster, dict)):
        raise _fail(path, "cluster", "is for point layers, as supercluster options {radius, maxZoom}")
    if data.get("choropleth") and data["group"] != "areas":
        raise _fail(path, "choropleth", "only area layers can be coloured by their incidents")
    legend = data["legend"]
    if not isinstance(legend, list) or not legend:
        raise _fail(path, "legend", "needs at least one entry: every layer is in the legend")
    entries = []
    for i, entry in enumerate(legend):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) or set(entry) - {"label", "style"}:
            raise _fail(path, f"legend[{i}]", "must be {label, style}")
        entries.append(LegendEntry(entry["label"], {**_style(path, "style", data.get("style")),
                                                    **_style(path, f"legend[{i}].style", entry.get("style"))},
                                   geometry_type))
    properties = _idents(path, "properties", data.get("properties"))
    tooltip = _idents(path, "tooltip", data.get("tooltip"))
    popup = _idents(path, "popup", data.get("popup"))
    max_features = data.get("max_features", 20000)
    if not isinstance(max_features, int) or max_features < 1:
        raise _fail(path, "max_features", "must be a positive whole number")
    return Layer(
        id=layer_id, title=data["title"], group=data["group"], geometry_type=geometry_type,
        source=_ident(path, "source", data["source"]), id_field=_ident(path, "id_field", data["id_field"]),
        geometry_field=_ident(path, "geometry_field", data.get("geometry_field", "geom")),
        min_zoom=min_zoom, max_zoom=max_zoom, legend=tuple(entries), filter=dict(filt),
        feature_min_zoom=None if data.get("feature_min_zoom") is None
        else _ident(path, "feature_min_zoom", data["feature_min_zoom"]),
        default=bool(data.get("default", True)), cache=data.get("cache", "generation"),
        order=int(data.get("order", 100)), properties=properties, label=label, tooltip=tooltip, popup=popup,
        style=_style(path, "style", data.get("style")), style_by=style_by, marker=data.get("marker", "circle"),
        cluster=cluster, choropleth=bool(data.get("choropleth", False)), max_features=max_features,
        description=str(data.get("description", "")), panel=data.get("panel"), path=path)


@dataclass(frozen=True)
class Registry:
    layers: tuple[Layer, ...]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def get(self, layer_id: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.id == layer_id), None)

    def group(self, name: str) -> list[Layer]:
        return [layer for layer in self.layers if layer.group == name]


def read_registry(folder: Path) -> Registry:
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files:
        raise LayerConfigError(f"{folder}: no layer files (*.yml)")
    layers = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise LayerConfigError(f"{path.name}: not valid YAML: {exc}") from None
        layers.append(parse_layer(path, data))
    ids = [layer.id for layer in layers]
    if len(set(ids)) != len(ids):
        raise LayerConfigError(f"{folder}: two layer files declare the same id")
    return Registry(tuple(sorted(layers, key=lambda x: (x.order, x.id))))


@lru_cache(maxsize=4)
def registry(folder: str) -> Registry:
    """The registry of a folder, read once per process (layer files change with a deploy)."""
    return read_registry(Path(folder))


def layer_registry() -> Registry:
    """The registry of GISAPP_LAYERS_DIR (by default the layer files shipped in this package)."""
    return registry(get_settings().layers_dir)


def extract_messages(fileobj, keywords, comment_tags, options):
    """Babel extractor for layers/*.yml: titles and legend labels go into the .pot."""
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    name = getattr(fileobj, "name", None)
    layer = parse_layer(Path(name) if name else Path(f"{(data or {}).get('id')}.yml"), data)
    for message in layer.messages():
        yield 0, None, message, []
