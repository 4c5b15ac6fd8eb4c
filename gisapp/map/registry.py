"""Map layers declared in layers/*.yml, read into one validated registry (pygeoapi-style).

The map page, the legend, the layer API and the tests are all built from this registry, so a new
layer is a new YAML file and nothing else. Validation names the file and the key at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.engine import Connection

from gisapp.core.settings import get_settings
from gisapp.core.validation import problem, refuse_at

GEOMETRY_TYPES = ("polygon", "line", "point")
GROUPS = ("basemap", "areas", "assets", "incidents")
CACHE_POLICIES = ("generation", "events", "none")   # what a cached viewport answer is keyed by
MARKERS = ("circle", "checkpoint", "label")   # label: the feature's _label as text, nothing drawn
PANELS = ("area", "incident", "building", "checkpoint")   # what a click on a feature opens


class LayerConfigError(ValueError):
    """A layer file that cannot be used; the message names the file and the key."""


Ident = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$", description="a lower-case SQL identifier")]
Zoom = Annotated[int, Field(ge=0, le=22, strict=True, description="a whole web-map zoom level")]
Style = Annotated[dict[str, Any], Field(description="Leaflet path options")]


class Part(BaseModel):
    """A nested part of a layer file: unknown keys are refused too."""
    model_config = ConfigDict(extra="forbid", frozen=True)


class LegendEntry(Part):
    label: Annotated[str, Field(min_length=1, description="an English msgid; the catalogs translate it")]
    style: Style = {}                 # merged over the layer's style by the layer
    shape: SkipJsonSchema[Literal[GEOMETRY_TYPES]] = "polygon"   # set from the layer's geometry_type


class LayerLabel(Part):
    field: Ident
    min_zoom: Zoom | None = None      # default: the layer's min_zoom


class StyleBy(Part):
    field: Ident
    values: dict[str, Style]          # value of the field → style


class Layer(Part):
    """One layers/*.yml file. README ("Map layers") shows one with every key; layer.schema.json is this."""
    id: Ident                                              # the file's name
    title: Annotated[str, Field(min_length=1, pattern=r"\S", description="an English msgid")]
    group: Literal[GROUPS]                                 # its drawing pane
    geometry_type: Literal[GEOMETRY_TYPES]
    source: Ident                                          # a table or view
    id_field: Ident
    min_zoom: Zoom
    legend: Annotated[list[LegendEntry], Field(min_length=1)]   # every layer is in the legend
    geometry_field: Ident = "geom"
    max_zoom: Zoom = 22
    filter: dict[Ident, str | int | bool | list[str | int | bool]] = {}   # column = value (or values)
    feature_min_zoom: Ident | None = None                  # a column: each feature is drawn from that zoom
    default: bool = True                                   # on when the map opens
    cache: Literal[CACHE_POLICIES] = "generation"
    order: int = 100
    properties: list[Ident] = []
    label: LayerLabel | None = None
    tooltip: list[Ident] = []
    popup: list[Ident] = []
    style: Style = {}
    style_by: StyleBy | None = None                        # {field, values: {value: style}}
    marker: Literal[MARKERS] = "circle"
    cluster: dict[str, Any] | None = None                  # supercluster options, point layers only
    choropleth: bool = False                               # area layers only
    max_features: Annotated[int, Field(ge=1)] = 20000
    description: str = ""
    panel: Literal[PANELS] | None = None                   # what a click opens

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data):
        """The legend shows the layer's style and shape; a label starts at the layer's zoom."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        style = data.get("style") if isinstance(data.get("style"), dict) else {}
        if isinstance(data.get("legend"), list):
            data["legend"] = [{**e, "style": {**style, **(e.get("style") or {})},
                               "shape": data.get("geometry_type", "polygon")} if isinstance(e, dict) else e
                              for e in data["legend"]]
        label = data.get("label")
        if isinstance(label, dict) and "min_zoom" not in label and "min_zoom" in data:
            data["label"] = {**label, "min_zoom": data["min_zoom"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Layer:
        name = _FILE.get()
        if name and self.id != name:
            raise refuse_at(Layer, "id", f"must match the file name ({name!r})", self.id)
        if self.max_zoom < self.min_zoom:
            raise refuse_at(Layer, "max_zoom", f"{self.max_zoom} is below min_zoom {self.min_zoom}", self.max_zoom)
        if self.cluster is not None and self.geometry_type != "point":
            raise refuse_at(Layer, "cluster", "is for point layers, as supercluster options {radius, maxZoom}",
                            self.cluster)
        if self.choropleth and self.group != "areas":
            raise refuse_at(Layer, "choropleth", "only area layers can be coloured by their incidents", True)
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the layer reads besides geometry: id, properties, label, style fields."""
        wanted = [*self.properties, *self.tooltip, *self.popup]
        if self.label:
            wanted.append(self.label.field)
        if self.style_by:
            wanted.append(self.style_by.field)
        if self.feature_min_zoom:
            wanted.append(self.feature_min_zoom)
        return tuple(dict.fromkeys(wanted))

    def shows_at(self, zoom: float) -> bool:
        return self.min_zoom <= zoom <= self.max_zoom

    def messages(self) -> Iterator[str]:
        """The UI strings this layer brings (for the catalogs and their test)."""
        yield self.title
        for entry in self.legend:
            yield entry.label


_FILE: ContextVar[str | None] = ContextVar("gisapp_layer_file", default=None)


def _layer_problem(error: dict, key: str, message: str) -> str:
    """pydantic's error in the words of a layer file."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key" + (f"; allowed: {', '.join(sorted(Layer.model_fields))}" if len(error["loc"]) == 1 else "")
    if kind == "string_pattern_mismatch":
        return f"must be a lower-case SQL identifier, got {error['input']!r}"
    if kind in ("model_type", "dict_type") and key == "body":
        return "must be a YAML mapping"
    if kind == "too_short" and key == "legend":
        return "needs at least one entry: every layer is in the legend"
    return message


def parse_layer(path: Path, data: Any) -> Layer:
    """The layer in one file's YAML data, or LayerConfigError naming the file and every bad key."""
    token = _FILE.set(path.stem)
    try:
        return Layer.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path.name}: {'(file)' if key == 'body' else key}: {_layer_problem(error, key, message)}"
                 for error in exc.errors(include_url=False) for key, message in [problem(error)]]
        raise LayerConfigError("\n".join(lines)) from None
    finally:
        _FILE.reset(token)


def schema() -> dict:
    """The JSON Schema of a layer file (layer.schema.json; editors and `gisapp layers validate` use it)."""
    return Layer.model_json_schema()


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


def layer_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))


def read_layer(path: Path) -> Layer:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LayerConfigError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_layer(path, data)


def read_registry(folder: Path) -> Registry:
    files = layer_files(folder)
    if not files:
        raise LayerConfigError(f"{folder}: no layer files (*.yml)")
    layers = [read_layer(path) for path in files]
    ids = [layer.id for layer in layers]
    if len(set(ids)) != len(ids):
        raise LayerConfigError(f"{folder}: two layer files declare the same id")
    return Registry(tuple(sorted(layers, key=lambda x: (x.order, x.id))))


def missing_columns(conn: Connection, layer: Layer) -> list[str]:
    """Columns a layer names that its source lacks (every one, when the source itself is missing)."""
    have = set(conn.scalars(sa.text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
                            {"t": layer.source}))
    wanted = dict.fromkeys([*layer.columns, layer.id_field, layer.geometry_field, *layer.filter])
    return [c for c in wanted if c not in have]


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
