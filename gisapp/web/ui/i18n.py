"""Labels chosen at run time, marked with N_ so `pybabel extract` still finds them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, get_locale, gettext


def N_(message: str) -> str:
    return message


LEVEL_LABELS = {"district": N_("District"), "street": N_("Street"), "community": N_("Community"),
                "grid": N_("Grid"), "micro_grid": N_("Micro-grid")}

STATUS_LABELS = {"reported": N_("Reported"), "unlocated": N_("Unlocated"), "assigned": N_("Assigned"),
                 "accepted": N_("Accepted"), "in_progress": N_("In progress"), "feedback": N_("Feedback"),
                 "verified": N_("Verified"), "closed": N_("Closed"), "evaluated": N_("Evaluated"),
                 "reopened": N_("Reopened"), "cancelled": N_("Cancelled")}

# ag-grid's own pager and filter words, which it would otherwise show in English.
GRID_LOCALE = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
               "pageSizeSelectorLabel": N_("Page size:"), "filterOoo": N_("Filter..."),
               "contains": N_("Contains"), "equals": N_("Equals"), "noRowsToShow": N_("No rows to show")}

ACTION_LABELS = {"report": N_("Reported"), "update": N_("Updated"), "reassign": N_("Reassigned"),
                 "place": N_("Placed on the map"), "accept": N_("Accept"), "start": N_("Start"),
                 "feedback": N_("Feedback"), "verify": N_("Verify"), "reject": N_("Reject"), "close": N_("Close"),
                 "evaluate": N_("Evaluate"), "reopen": N_("Reopen"), "cancel": N_("Cancel"),
                 "escalate": N_("Escalate"), "deescalate": N_("De-escalate"), "merge": N_("Merge as duplicate"),
                 "keep": N_("Not a duplicate"),
                 "callout": N_("Department called"), "department_arrived": N_("Department arrived"),
                 "department_done": N_("Department done")}


def in_chinese() -> bool:
    return get_locale().language == "zh"


def category_label(report: dict) -> str:
    return report["category_name"]["zh" if in_chinese() else "en"]


def label(table: dict[str, str], key: str) -> str:
    """The translated label for a code (gettext on a variable, so extraction relies on N_ above)."""
    return gettext(table.get(key, key))


TASK_LABELS = {"called": N_("Called"), "arrived": N_("Arrived"), "done": N_("Done")}


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
