"""The console's actions go through the cases room's models and the user's role: the API's limits and
permissions hold here too."""

from __future__ import annotations

import pytest

from gisapp.access.permissions import Who
from gisapp.core.errors import ApiError
from gisapp.web.ui.cases.work import _work

CLICK = {"type": "case-action", "action": "accept"}
OPERATOR = Who(user_id=1, name="op", display="值班员", role="operator")


def work(who: Who = OPERATOR, **changes):
    args = {"trigger": CLICK, "case_id": 1, "version": None, "note": "", "satisfaction": None,
            "duplicate_of": None, "department": None, "upload": None, "upload_name": None, "pin": None}
    return _work(who, **{**args, **changes})


@pytest.mark.parametrize("changes, field", [
    ({"note": "x" * 900_000}, "note"),
    ({"note": "a\x00b"}, "note"),
    ({"duplicate_of": 2**40, "trigger": {"type": "case-action", "action": "merge"}}, "duplicate_of"),
    ({"trigger": {"type": "case-action", "action": "report"}}, "action"),
    ({"trigger": "case-callout", "department": "d" * 80}, "department"),
    ({"trigger": {"type": "case-task", "task": 1, "to": "called"}}, "status"),
    ({"trigger": "case-place", "pin": {"lat": 95, "lon": 0}}, "lat"),
    ({"trigger": "case-confirm", "pending": "cancel", "note": "x" * 5000}, "note"),
])
def test_a_click_the_api_would_refuse_is_refused_naming_the_field(changes, field):
    with pytest.raises(ApiError) as refused:
        work(**changes)
    assert field in [f for f, _ in refused.value.errors]


@pytest.mark.parametrize("role, trigger", [
    ("planner", CLICK), ("department", CLICK), ("worker", "case-callout"), ("viewer", CLICK),
    ("worker", {"type": "case-task", "task": 1, "to": "arrived"}),
])
def test_a_click_the_role_may_not_make_is_refused(role, trigger):
    who = Who(user_id=2, name=role, display=role, role=role, area_code="G" if role == "worker" else None,
              department="d" if role == "department" else None)
    with pytest.raises(ApiError) as refused:
        work(who, trigger=trigger, department="d")
    assert refused.value.status == 403


def test_a_good_click_becomes_a_unit_of_work():
    assert callable(work())


def test_the_exports_carry_the_listed_rows_with_headers_in_the_page_language(app):
    import csv
    import io

    import openpyxl

    from gisapp.web.ui.cases.console import export_bytes

    table = [{"id": 7, "status_label": "待签收", "urgent_label": "紧急", "category_label": "排水积水",
              "description": "积水, \"深\"", "owner_label": "微网格", "handler": "王芳",
              "place": "银城社区·第1网格-微网格01",
              "deadline": "2026-12-02 17:00", "overdue_label": "", "reported": "2026-12-01 09:00"}]
    with app.server.test_request_context("/cases?lang=zh_CN"):
        text = export_bytes(table, "csv").decode("utf-8-sig")
        book = openpyxl.load_workbook(io.BytesIO(export_bytes(table, "xlsx")))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["编号", "状态", "紧急", "类别", "描述"] and rows[1][4] == "积水, \"深\""
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["编号", "状态", "紧急"] and sheet["A2"].value == 7
    with app.server.test_request_context("/cases?lang=en"):
        assert export_bytes(table, "csv").decode("utf-8-sig").startswith("ID,Status,Urgent")


def test_a_description_that_looks_like_a_formula_is_exported_as_text(app):
    import io

    import openpyxl

    from gisapp.web.ui.cases.console import export_bytes

    row = {"id": 1, "status_label": "", "urgent_label": "", "category_label": "", "owner_label": "", "handler": "",
           "place": "", "deadline": "", "overdue_label": "", "reported": "", "description": "=HYPERLINK(\"x\")"}
    with app.server.test_request_context("/cases?lang=zh_CN"):
        sheet = openpyxl.load_workbook(io.BytesIO(export_bytes([row], "xlsx"))).worksheets[0]
        text = export_bytes([row], "csv").decode("utf-8-sig")
    assert sheet["E2"].value == "'=HYPERLINK(\"x\")" and sheet["E2"].data_type == "s"
    assert "'=HYPERLINK" in text
