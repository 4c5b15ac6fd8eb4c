"""What a planner asks of a draft, checked once here for the planner's page, the API and tests: the shapes
drawn (lon/lat vertices, WGS84) and the area versions the planner saw."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gisapp.core.vocabulary import LEVEL_CODES

Vertex = tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\S+$")]


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _distinct(points: list[Vertex], least: int, what: str) -> list[Vertex]:
    if len(set(points)) < least:
        raise ValueError(f"a {what} needs at least {least} different points")
    return points


class Transfer(_Edit):
    """Give the part of the drawn polygon inside its parent to `code`; the neighbours lose it."""
    code: Code
    version: int = Field(ge=1)
    polygon: list[Vertex]

    @field_validator("polygon")
    @classmethod
    def _ring(cls, v):
        return _distinct(v, 3, "polygon")


class Split(_Edit):
    """Cut `code` along the drawn line; the largest part keeps the code, each other part gets a new one."""
    code: Code
    version: int = Field(ge=1)
    line: list[Vertex]
    new_code: Code | None = None

    @field_validator("line")
    @classmethod
    def _line(cls, v):
        return _distinct(v, 2, "line")


class Merge(_Edit):
    """`absorb` joins `keep`, which keeps its code; its children follow."""
    keep: Code
    keep_version: int = Field(ge=1)
    absorb: Code
    absorb_version: int = Field(ge=1)


class Draw(_Edit):
    """A new area from the drawn polygon, inside its parent; the neighbours give up what it covers."""
    level: str
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=100)]
    parent: Code | None = None
    polygon: list[Vertex]

    @field_validator("level")
    @classmethod
    def _level(cls, v):
        if v not in LEVEL_CODES:
            raise ValueError(f"must be one of {', '.join(LEVEL_CODES)}")
        return v

    @field_validator("polygon")
    @classmethod
    def _ring(cls, v):
        return _distinct(v, 3, "polygon")


class Attributes(_Edit):
    """New values for an area's attributes; None leaves one as it is ("" clears a text)."""
    code: Code
    version: int = Field(ge=1)
    new_code: Code | None = None
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    population: Annotated[int, Field(ge=0)] | None = None
    households: Annotated[int, Field(ge=0)] | None = None
    responsible_name: Annotated[str, Field(max_length=50)] | None = None
    responsible_phone: Annotated[str, Field(max_length=30)] | None = None
