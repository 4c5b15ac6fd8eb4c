"""Labels chosen at run time, marked with N_ so `pybabel extract` still finds them."""

from __future__ import annotations


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
