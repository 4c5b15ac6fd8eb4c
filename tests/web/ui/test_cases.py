"""The console's actions go through the cases room's models: the API's limits hold here too."""

from __future__ import annotations

import pytest

from gisapp.core.errors import ApiError
from gisapp.web.ui.cases import _work

CLICK = {"type": "case-action", "action": "accept"}


def work(**changes):
    args = {"trigger": CLICK, "case_id": 1, "version": None, "actor": "网格员", "note": "", "satisfaction": None,
            "duplicate_of": None, "department": None, "upload": None, "upload_name": None, "map_click": None}
    return _work(**{**args, **changes})


@pytest.mark.parametrize("changes, field", [
    ({"actor": "x" * 600}, "actor"),
    ({"note": "x" * 900_000}, "note"),
    ({"actor": "a\x00b"}, "actor"),
    ({"duplicate_of": 2**40, "trigger": {"type": "case-action", "action": "merge"}}, "duplicate_of"),
    ({"trigger": {"type": "case-action", "action": "report"}}, "action"),
    ({"trigger": "case-callout", "department": "d" * 80}, "department"),
    ({"trigger": {"type": "case-task", "task": 1, "to": "called"}}, "status"),
    ({"trigger": "case-map", "map_click": {"latlng": {"lat": 95, "lng": 0}}}, "lat"),
])
def test_a_click_the_api_would_refuse_is_refused_naming_the_field(changes, field):
    with pytest.raises(ApiError) as refused:
        work(**changes)
    assert field in [f for f, _ in refused.value.errors]


def test_a_good_click_becomes_a_unit_of_work():
    assert callable(work())
