"""Input checked by pydantic models, with the API's error shape: every bad field named at once.

Each room defines the models of its commands and queries; the API, the console and the CLI all
validate through them. `parse()` turns pydantic's errors into an ApiError whose messages say what
to send instead ("must be one of …", "is required"), and keeps the hints a validator raises.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .errors import ApiError

M = TypeVar("M", bound=BaseModel)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Body(BaseModel):
    """A JSON request body: unknown fields are refused, and types are not coerced ("1" is not 1)."""
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Query(BaseModel):
    """Query-string arguments: strings that pydantic converts; unknown arguments are ignored."""
    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data):
        """?level= means no level: an empty (or None) argument falls back to its default."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data


def refuse(message: str) -> PydanticCustomError:
    """Raise this from a validator: the message reaches the client as it is."""
    return PydanticCustomError("refused", message)


def refuse_at(model: type[BaseModel], field: str, message: str, value: Any) -> ValidationError:
    """Raise this from a model validator to lay a cross-field rule at the field it is about."""
    return ValidationError.from_exception_data(model.__name__, [InitErrorDetails(
        type=PydanticCustomError("refused", message), loc=(field,), input=value)])


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """Text PostgreSQL and UTF-8 can hold: no NUL, no lone UTF-16 surrogate (JSON's \\ud800 escapes)."""
    if "\x00" in value:
        raise refuse("must not contain NUL characters")
    if _SURROGATE.search(value):
        raise refuse("must be valid Unicode text (it holds a lone UTF-16 surrogate)")
    return value


def _day(value):
    if isinstance(value, str) and not _DATE.fullmatch(value):
        raise refuse(f"must be a date YYYY-MM-DD, got {value[:40]!r}")
    return value


# A local day in a query, written YYYY-MM-DD and nothing else (date.fromisoformat would take 20261001).
Day = Annotated[date, BeforeValidator(_day)]


def _whole(value):
    if isinstance(value, str) and not (value.isascii() and value.isdecimal() and len(value) < 19):
        raise refuse("must be a whole number")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]   # a whole number in a query: "12", not "1e1" or "١٢"


def text(max_length: int, min_length: int = 0):
    """A string of at most `max_length` characters, without NUL (PostgreSQL refuses it in text)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(storable)]


def number(value) -> float | None:
    """A JSON number as a float; None for anything else. Huge integers become infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def not_a_coordinate(raw) -> str | None:
    """What is wrong with one coordinate as a number, or None."""
    value = number(raw)
    if value is None:
        return f"must be a number, got {type(raw).__name__}"
    if not math.isfinite(value):
        return "must be a finite number, not NaN or infinity"
    return None


def check_lonlat(lon, lat) -> list[tuple[str, str]]:
    """Messages for bad coordinates; shared by reports, the CSV import and the point lookup."""
    errors = [(name, "is required" if raw is None else not_a_coordinate(raw))
              for name, raw in (("lon", lon), ("lat", lat)) if raw is None or not_a_coordinate(raw)]
    if errors:
        return errors
    flon, flat = number(lon), number(lat)
    if abs(flat) > 90 and abs(flon) <= 90:
        return [("lat", f"lat {flat} is out of range; lat and lon look swapped (lon={flat}, lat={flon}?)")]
    if abs(flon) > 180:
        errors.append(("lon", f"must be between -180 and 180, got {flon}"))
    if abs(flat) > 90:
        errors.append(("lat", f"must be between -90 and 90, got {flat}"))
    return errors


_PLAIN = {"missing": "is required", "extra_forbidden": "unknown field", "model_type": "must be a JSON object",
          "model_attributes_type": "must be a JSON object", "string_type": "must be a string",
          "bool_type": "must be true or false", "bool_parsing": "must be true or false",
          "int_type": "must be a whole number", "int_parsing": "must be a whole number",
          "int_from_float": "must be a whole number", "float_type": "must be a number",
          "float_parsing": "must be a number", "list_type": "must be a list"}
_BOUNDS = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
           "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}


def _message(error: dict) -> str:
    """pydantic's error in the API's words: what to send instead."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '').replace(chr(39), '').replace(' or ', ', ')}"
    if kind == "string_too_long":
        got = len(error["input"]) if isinstance(error.get("input"), str) else "too many"
        return f"is {got} characters; at most {ctx['max_length']}"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else f"needs at least {ctx['min_length']} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must hold at most {ctx.get('max_length')} items"
    return error["msg"]   # "refused" (our validators' own words) and anything rarer


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in ("function-after", "function-before", "function-wrap") and not str(part).startswith("<"):
            out += ("." if out else "") + str(part)
    return out or "body"


def problem(error: dict) -> tuple[str, str]:
    """(field, message) for one of pydantic's errors."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" and loc and loc[-1] == "":
        return "body", "unknown field ''"
    return _field(loc), _message(error)


def problems(exc: ValidationError) -> list[tuple[str, str]]:
    """[(field, message)] for every error, in the order pydantic found them, without repeats."""
    return list(dict.fromkeys(problem(error) for error in exc.errors(include_url=False)))


def parse(model: type[M], data: Any, status: int = 422, context: dict | None = None) -> M:
    """The model for `data`, or ApiError(status) naming every bad field."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ApiError(status, problems(exc)) from None
