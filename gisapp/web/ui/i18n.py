"""Labels chosen at run time, marked with N_ so `pybabel extract` still finds them.

The vocabulary's labels (statuses, actions, levels, satisfaction, task states) come from the database
through web/words.py, which the API shares.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime

from ..words import (  # noqa: F401  (the pages take every word from here)
    CHANGE_LABELS,
    DONE_LABELS,
    EDIT_LABELS,
    LEVEL_LABELS,
    PROBLEM_LABELS,
    ROLE_LABELS,
    SATISFACTION_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    TASK_LABELS,
    action_label,
    in_chinese,
    label,
    say,
    say_errors,
)


def N_(message: str) -> str:
    return message


# ag-grid's own pager and filter words, which it would otherwise show in English.
GRID_LOCALE = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
               "pageSizeSelectorLabel": N_("Page size:"), "filterOoo": N_("Filter..."),
               "contains": N_("Contains"), "equals": N_("Equals"), "noRowsToShow": N_("No rows to show")}



def category_label(report: dict) -> str:
    return report["category_name"]["zh" if in_chinese() else "en"]


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
