"""Masks for personal data, and who sees it unmasked."""

from __future__ import annotations

from gisapp.access.permissions import Who
from gisapp.access.privacy import mask_name, mask_phone, redact


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("021-55556666") == "021*****6666"
    assert mask_phone("12345") == "*****"
    assert mask_name("王小明") == "王**"
    assert mask_phone(None) is None and mask_name("") == ""


def test_roles_that_need_personal_data_see_it_and_others_see_masks():
    row = {"responsible_name": "王小明", "responsible_phone": "13812341234", "code": "G1"}
    operator = Who(user_id=1, name="op", display="op", role="operator")
    viewer = Who(user_id=2, name="tv", display="tv", role="viewer")
    assert redact(row, operator) == row
    assert redact(row, viewer) == {"responsible_name": "王**", "responsible_phone": "138****1234", "code": "G1"}
    assert redact(row, None)["responsible_phone"] == "138****1234"
