"""Every refusal the database raises has a message in core/refusals.py, in English and in Chinese, and
reaches the client as that message (the reason and field stay machine words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from gisapp.cases import workflow
from gisapp.core.errors import ApiError, Text
from gisapp.core.refusals import REASONS

ROOT = Path(__file__).resolve().parents[2]
SQL = ROOT / "gisapp" / "core" / "sql"
# gisapp_fail('GS409', 'field', message..., 'reason' — the reason is the fourth argument, a literal or a CASE.
REASON = re.compile(r"'([a-z_]+)'")


def raised_reasons() -> set[str]:
    found = set()
    for path in SQL.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"PERFORM gisapp_fail\((.*?)\);", text, re.S):
            args = call.group(1)
            found |= {r for r in REASON.findall(args) if r in REASONS or "_" in r and r.islower()}
    return found


def every_call_names_a_reason() -> list[str]:
    bare = []
    for path in SQL.glob("*.sql"):
        for call in re.finditer(r"PERFORM gisapp_fail\((.*?)\);", path.read_text(encoding="utf-8"), re.S):
            if not any(r in REASONS for r in REASON.findall(call.group(1))):
                bare.append(call.group(1)[:80])
    return bare


def test_every_refusal_in_the_sql_names_a_known_reason():
    assert every_call_names_a_reason() == []
    assert set(REASONS) - raised_reasons() == set(), "a reason no SQL raises any more"


def test_every_reason_has_chinese_text():
    with (ROOT / "gisapp/translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as f:
        zh = read_po(f)
    missing = [code for code, msgid in REASONS.items() if not (zh.get(msgid) and zh.get(msgid).string)]
    assert missing == []


@pytest.fixture
def case(conn):
    from fixtures.worlds import new_generation, square
    new_generation(conn, [("district", "D-REFUSE", square(7, 7, 7.1, 7.1), None)])
    return conn.scalar(sa.text("""
        INSERT INTO incident (category, geom) VALUES ('other', ST_SetSRID(ST_MakePoint(7.05, 7.05), 4326))
        RETURNING id"""))


def test_a_refusal_carries_its_reason_and_its_codes(conn, case):
    with pytest.raises(ApiError) as refused:
        workflow.transition(conn, case, "close", "op")
    field, message = refused.value.errors[0]
    assert refused.value.status == 409 and field == "action"
    assert isinstance(message, Text) and message.msgid == REASONS["not_allowed"]
    assert message.params["action"] == "close" and message.params["status"] == "assigned"
    assert isinstance(message.params["actions"], list) and "accept" in message.params["actions"]
    assert str(message).startswith("close is not allowed when the case is assigned")
