"""What a planner asks of a draft, checked once here for the planner's page, the API and tests: the shapes
drawn (lon/lat vertices, WGS84) and the area versions the planner saw."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from gisapp.core.errors import N_
from gisapp.core.validation import refuse, text
from gisapp.core.vocabulary import LEVEL_CODES

Vertex = tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]]
def _one_word(value: str) -> str:
    if value != value.strip() or any(c.isspace() for c in value):
        raise refuse(N_("must not contain spaces"))
    return value


Code = Annotated[text(40, 1), AfterValidator(_one_word)]
Name = text(100, 1)
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]   # what an integer column holds


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _distinct(least: int, msgid: str):
    def check(points: list[Vertex]) -> list[Vertex]:
        if len(set(points)) < least:
            raise refuse(msgid)
        return points
    return check


Ring = Annotated[list[Vertex], AfterValidator(_distinct(3, N_("a polygon needs at least 3 different points")))]
Line = Annotated[list[Vertex], AfterValidator(_distinct(2, N_("a line needs at least 2 different points")))]


class Transfer(_Edit):
    """Give the part of the drawn polygon inside its parent to `code`; the neighbours lose it."""
    code: Code
    version: int = Field(ge=1, le=2**31 - 1)
    polygon: Ring


class Split(_Edit):
    """Cut `code` along the drawn line; the largest part keeps the code, each other part gets a new one."""
    code: Code
    version: int = Field(ge=1, le=2**31 - 1)
    line: Line
    new_code: Code | None = None


class Merge(_Edit):
    """`absorb` joins `keep`, which keeps its code; its children follow."""
    keep: Code
    keep_version: int = Field(ge=1, le=2**31 - 1)
    absorb: Code
    absorb_version: int = Field(ge=1, le=2**31 - 1)


class Draw(_Edit):
    """A new area from the drawn polygon, inside its parent; the neighbours give up what it covers."""
    level: str
    code: Code
    name: Name
    parent: Code | None = None
    polygon: Ring

    @field_validator("level")
    @classmethod
    def _level(cls, v):
        if v not in LEVEL_CODES:
            raise refuse(N_("must be one of %(choices)s"), choices=", ".join(LEVEL_CODES))
        return v


class Attributes(_Edit):
    """New values for an area's attributes; None leaves one as it is ("" clears a text)."""
    code: Code
    version: int = Field(ge=1, le=2**31 - 1)
    new_code: Code | None = None
    name: Name | None = None
    population: Count | None = None
    households: Count | None = None
    responsible_name: text(50) | None = None
    responsible_phone: text(30) | None = None
