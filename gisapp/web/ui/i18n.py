"""Labels chosen at run time, marked with N_ so `pybabel extract` still finds them.

The vocabulary's labels (statuses, actions, levels, satisfaction, task states) come from the database
through core/vocabulary_generated.py, which babel.cfg sends to the catalogs too.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, get_locale, gettext

from gisapp.core.vocabulary_generated import ACTIONS, LEVELS, ROLES, SATISFACTIONS, STATUSES, TASK_STATUSES


def N_(message: str) -> str:
    return message


LEVEL_LABELS = {lv.code: lv.label for lv in LEVELS}
STATUS_LABELS = {s.code: s.label for s in STATUSES}
ACTION_LABELS = {a.code: a.label for a in ACTIONS}
SATISFACTION_LABELS = {s.code: s.label for s in SATISFACTIONS}
TASK_LABELS = {t.code: t.label for t in TASK_STATUSES}
ROLE_LABELS = {r.code: r.label for r in ROLES}

# ag-grid's own pager and filter words, which it would otherwise show in English.
GRID_LOCALE = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
               "pageSizeSelectorLabel": N_("Page size:"), "filterOoo": N_("Filter..."),
               "contains": N_("Contains"), "equals": N_("Equals"), "noRowsToShow": N_("No rows to show")}



def in_chinese() -> bool:
    return get_locale().language == "zh"


def category_label(report: dict) -> str:
    return report["category_name"]["zh" if in_chinese() else "en"]


def label(table: dict[str, str], key: str) -> str:
    """The translated label for a code (gettext on a variable, so extraction relies on N_ above)."""
    return gettext(table.get(key, key))


def local_time(value: datetime | str, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A time in the app's timezone (GISAPP_TIMEZONE), whatever zone the database session used."""
    return format_datetime(datetime.fromisoformat(value) if isinstance(value, str) else value, pattern)


# Field names in map tooltips and panels (the layer files name the fields; these name them to people).
FIELD_LABELS = {"id": N_("ID"), "code": N_("Code"), "name": N_("Name"), "level": N_("Level"),
                "parent_name": N_("Part of"), "population": N_("Population"), "households": N_("Households"),
                "responsible_name": N_("Responsible"), "responsible_phone": N_("Phone"),
                "address": N_("Address"), "area_name": N_("Grid"), "area_code": N_("Grid code"),
                "kind": N_("Kind"), "status": N_("Status"), "minutes_since_seen": N_("Last seen"),
                "category": N_("Category"), "reported_at": N_("Reported at"), "age_hours": N_("Age"),
                "urgent": N_("Urgent"), "overdue": N_("Overdue")}

CHECKPOINT_LABELS = {"online": N_("Online"), "offline": N_("Offline"), "gate": N_("Gate"),
                     "camera": N_("Camera"), "junction": N_("Junction")}
