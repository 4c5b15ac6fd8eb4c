"""The shared vocabulary in Python: statuses, actions, satisfaction grades, task states, levels, roles.

The database is the source: revision 0004's tables (case_status, case_action, satisfaction,
task_status, area_level_label), revision 0005's user_role, 0006's report_source, 0010's boundary_problem
and change_class, and the area_level enum.
vocabulary_generated.py is a copy written from it by `gisapp db vocabulary --write`, so models and
labels can use it at import time without a connection; tests/core/test_vocabulary.py fails when the
copy and a fresh database disagree.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .vocabulary_generated import ACTIONS, LEVELS, ROLES, SATISFACTIONS, SOURCES, STATUSES, TASK_STATUSES

GENERATED = Path(__file__).with_name("vocabulary_generated.py")

STATUS = {s.code: s for s in STATUSES}
STATUS_CODES = tuple(STATUS)
ACTION = {a.code: a for a in ACTIONS}
TRANSITION_ACTIONS = tuple(a.code for a in ACTIONS if a.by_transition)   # what a person may ask for
SATISFACTION_CODES = tuple(s.code for s in SATISFACTIONS)
TASK_STATUS = {t.code: t for t in TASK_STATUSES}
TASK_MOVES = tuple(t.code for t in TASK_STATUSES if any(o.next == t.code for o in TASK_STATUSES))
ROLE = {r.code: r for r in ROLES}
ROLE_CODES = tuple(ROLE)
SOURCE_CODES = tuple(s.code for s in SOURCES)   # how a report came in (revision 0006's report_source)
LEVEL_CODES = tuple(lv.code for lv in LEVELS)            # top first, as the area_level enum orders them
CHAIN_LEVELS = tuple(reversed(LEVEL_CODES))              # finest first, as a case's chain is shown


def level_column(level: str) -> str:
    """The incident column that holds a case's area at `level` (the mapping of core/sql/15_levels.sql)."""
    if level not in LEVEL_CODES:
        raise KeyError(f"no level {level!r}; one of {', '.join(LEVEL_CODES)}")
    return f"{level}_id"


# --- the generator --------------------------------------------------------------------------------

_TABLES = {
    "Status": ("STATUSES", "SELECT code, label, open, closed, intake, working, stage FROM case_status ORDER BY sort"),
    "Action": ("ACTIONS", """SELECT code, label, done_label, by_transition, needs_note, destructive
                           FROM case_action ORDER BY sort"""),
    "Satisfaction": ("SATISFACTIONS", "SELECT code, label, satisfied FROM satisfaction ORDER BY sort"),
    "TaskStatus": ("TASK_STATUSES", "SELECT code, label, next FROM task_status ORDER BY sort"),
    "Source": ("SOURCES", "SELECT code, label FROM report_source ORDER BY sort"),
    "Role": ("ROLES", "SELECT code, label, personal_data FROM user_role ORDER BY sort"),
    "Problem": ("PROBLEMS", "SELECT code, label, blocking FROM boundary_problem ORDER BY sort"),
    "ChangeClass": ("CHANGE_CLASSES", "SELECT code, label, colour FROM change_class ORDER BY sort"),
    "Level": ("LEVELS", """SELECT l.level::text AS code, n.label
                           FROM unnest(enum_range(NULL::area_level)) WITH ORDINALITY l(level, sort)
                           JOIN area_level_label n ON n.level = l.level ORDER BY l.sort"""),
}
_TYPES = {bool: "bool", str: "str", type(None): "None"}
_HEADER = '''"""Generated from the database by `gisapp db vocabulary --write`: change revision tables, not this file.

See gisapp/core/vocabulary.py for what each word means and how to use it.
"""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Marks a label for pybabel: the UI translates it."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks a label with its context for pybabel: the UI translates it with pgettext(context, …)."""
    return message
'''
# An action's label is what its button says: in the "action" context, apart from the status of the same
# English word ("Feedback" the button is 提交反馈, the status 已反馈).
CONTEXTS = {"Action": "action"}


def _literal(class_name: str, key: str, value) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    if key == "label" and class_name in CONTEXTS:
        return f'NP_("{CONTEXTS[class_name]}", {text})'
    return f"N_({text})" if key in ("label", "done_label") else text


def render(conn: Connection) -> str:
    """The text of vocabulary_generated.py for this database."""
    parts = [_HEADER]
    for class_name, (constant, query) in _TABLES.items():
        rows = conn.execute(sa.text(query)).mappings().all()
        fields = list(rows[0].keys())
        annotations = []
        for f in fields:
            kinds = {_TYPES[type(r[f])] for r in rows}
            kind = " | ".join(sorted(kinds, key=lambda k: k == "None"))   # str | None
            annotations.append(f"    {f}: {kind}")
        parts.append(f"\n\nclass {class_name}(NamedTuple):\n" + "\n".join(annotations) + "\n")
        items = [f"    {class_name}({', '.join(_literal(class_name, f, r[f]) for f in fields)})," for r in rows]
        parts.append(f"\n\n{constant} = (\n" + "\n".join(items) + "\n)\n")
    return "".join(parts)
