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

from .errors import N_, ApiError, Text

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


def _refused(message: str) -> PydanticCustomError:
    """pydantic's error for our own words, carrying the msgid and parameters through to problems()."""
    text = message if isinstance(message, Text) else Text(message)
    return PydanticCustomError("refused", str(text),
                               {"msgid": text.msgid, "params": text.params})


def refuse(msgid: str, **params) -> PydanticCustomError:
    """Raise this from a validator: `msgid` % params reaches the client, in its language."""
    return _refused(Text(msgid, **params))


def said(exc: PydanticCustomError) -> Text:
    """The Text a refuse() carried (for code that catches it before pydantic does)."""
    context = exc.context or {}
    return Text(context["msgid"], **context["params"]) if "msgid" in context else Text(exc.message())


def refuse_at(model: type[BaseModel], field: str, message: str, value: Any) -> ValidationError:
    """Raise this from a model validator to lay a cross-field rule at the field it is about (a Text, or
    a plain msgid)."""
    return ValidationError.from_exception_data(model.__name__, [InitErrorDetails(
        type=_refused(message), loc=(field,), input=value)])


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """Text PostgreSQL and UTF-8 can hold: no NUL, no lone UTF-16 surrogate (JSON's \\ud800 escapes)."""
    if "\x00" in value:
        raise refuse(N_("must not contain NUL characters"))
    if _SURROGATE.search(value):
        raise refuse(N_("must be valid Unicode text (it holds a lone UTF-16 surrogate)"))
    return value


def _day(value):
    if isinstance(value, str) and not _DATE.fullmatch(value):
        raise refuse(N_("must be a date YYYY-MM-DD, got %(value)r"), value=value[:40])
    return value


# A local day in a query, written YYYY-MM-DD and nothing else (date.fromisoformat would take 20261001).
Day = Annotated[date, BeforeValidator(_day)]


def _whole(value):
    if isinstance(value, str) and not (value.isascii() and value.isdecimal() and len(value) < 19):
        raise refuse(N_("must be a whole number"))
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
        return Text(N_("must be a number, got %(kind)s"), kind=type(raw).__name__)
    if not math.isfinite(value):
        return Text(N_("must be a finite number, not NaN or infinity"))
    return None


def check_lonlat(lon, lat) -> list[tuple[str, str]]:
    """Messages for bad coordinates; shared by reports, the CSV import and the point lookup."""
    errors = [(name, Text(_PLAIN["missing"]) if raw is None else not_a_coordinate(raw))
              for name, raw in (("lon", lon), ("lat", lat)) if raw is None or not_a_coordinate(raw)]
    if errors:
        return errors
    flon, flat = number(lon), number(lat)
    if abs(flat) > 90 and abs(flon) <= 90:
        return [("lat", Text(N_("lat %(lat)s is out of range; lat and lon look swapped (lon=%(lat)s, lat=%(lon)s?)"),
                             lat=flat, lon=flon))]
    if abs(flon) > 180:
        errors.append(("lon", Text(N_("must be between %(low)s and %(high)s, got %(value)s"),
                                   low=-180, high=180, value=flon)))
    if abs(flat) > 90:
        errors.append(("lat", Text(N_("must be between %(low)s and %(high)s, got %(value)s"),
                                   low=-90, high=90, value=flat)))
    return errors


_PLAIN = {"missing": N_("is required"), "extra_forbidden": N_("unknown field"),
          "model_type": N_("must be a JSON object"), "model_attributes_type": N_("must be a JSON object"),
          "string_type": N_("must be a string"), "bool_type": N_("must be true or false"),
          "bool_parsing": N_("must be true or false"), "int_type": N_("must be a whole number"),
          "int_parsing": N_("must be a whole number"), "int_from_float": N_("must be a whole number"),
          "float_type": N_("must be a number"), "float_parsing": N_("must be a number"),
          "list_type": N_("must be a list")}
_BOUNDS = {"greater_than_equal": (N_("must be at least %(limit)s"), "ge"),
           "less_than_equal": (N_("must be at most %(limit)s"), "le"),
           "greater_than": (N_("must be more than %(limit)s"), "gt"),
           "less_than": (N_("must be less than %(limit)s"), "lt")}


def _message(error: dict) -> Text | str:
    """pydantic's error in the API's words: what to send instead."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        return Text(_PLAIN[kind])
    if kind in _BOUNDS:
        msgid, key = _BOUNDS[kind]
        return Text(msgid, limit=ctx[key])
    if kind == "literal_error":
        return Text(N_("must be one of %(choices)s"),
                    choices=ctx.get("expected", "").replace(chr(39), "").replace(" or ", ", "))
    if kind == "string_too_long":
        if not isinstance(error.get("input"), str):
            return Text(N_("is too long; at most %(limit)s characters"), limit=ctx["max_length"])
        return Text(N_("is %(length)s characters; at most %(limit)s"), length=len(error["input"]),
                    limit=ctx["max_length"])
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return Text(N_("must not be empty"))
        return Text(N_("needs at least %(limit)s characters"), limit=ctx["min_length"])
    if kind == "too_short":
        return Text(N_("needs at least %(limit)s item(s)"), limit=ctx.get("min_length"))
    if kind == "too_long":
        return Text(N_("must hold at most %(limit)s items"), limit=ctx.get("max_length"))
    if kind == "refused" and "msgid" in ctx:    # our validators' own words
        return Text(ctx["msgid"], **ctx["params"])
    return error["msg"]   # anything rarer, in pydantic's English


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
        return "body", Text(N_("unknown field %(name)r"), name="")
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
