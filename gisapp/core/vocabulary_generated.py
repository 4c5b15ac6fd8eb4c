"""Generated from the database by `gisapp db vocabulary --write`: change revision tables, not this file.

See gisapp/core/vocabulary.py for what each word means and how to use it.
"""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Marks a label for pybabel: the UI translates it."""
    return message


class Status(NamedTuple):
    code: str
    label: str
    open: bool
    closed: bool
    intake: bool
    working: bool
    stage: str | None


STATUSES = (
    Status("reported", N_("Reported"), True, False, True, False, "accept"),
    Status("unlocated", N_("Unlocated"), True, False, True, False, None),
    Status("assigned", N_("Assigned"), True, False, True, True, "accept"),
    Status("accepted", N_("Accepted"), True, False, False, True, "handle"),
    Status("in_progress", N_("In progress"), True, False, False, True, "handle"),
    Status("feedback", N_("Feedback"), True, False, False, True, "handle"),
    Status("verified", N_("Verified"), True, False, False, True, "close"),
    Status("closed", N_("Closed"), False, True, False, True, None),
    Status("evaluated", N_("Evaluated"), False, True, False, True, None),
    Status("reopened", N_("Reopened"), True, False, False, True, "handle"),
    Status("cancelled", N_("Cancelled"), False, False, False, False, None),
)


class Action(NamedTuple):
    code: str
    label: str
    by_transition: bool
    needs_note: bool


ACTIONS = (
    Action("report", N_("Reported"), False, False),
    Action("update", N_("Updated"), False, False),
    Action("reassign", N_("Reassigned"), False, False),
    Action("place", N_("Placed on the map"), False, False),
    Action("accept", N_("Accept"), True, False),
    Action("start", N_("Start"), True, False),
    Action("feedback", N_("Feedback"), True, False),
    Action("verify", N_("Verify"), True, False),
    Action("reject", N_("Reject"), True, False),
    Action("close", N_("Close"), True, False),
    Action("evaluate", N_("Evaluate"), True, False),
    Action("reopen", N_("Reopen"), True, False),
    Action("cancel", N_("Cancel"), True, True),
    Action("escalate", N_("Escalate"), True, True),
    Action("deescalate", N_("De-escalate"), True, True),
    Action("merge", N_("Merge as duplicate"), True, False),
    Action("keep", N_("Not a duplicate"), True, False),
    Action("callout", N_("Department called"), False, False),
    Action("department_arrived", N_("Department arrived"), False, False),
    Action("department_done", N_("Department done"), False, False),
)


class Satisfaction(NamedTuple):
    code: str
    label: str
    satisfied: bool


SATISFACTIONS = (
    Satisfaction("satisfied", N_("Satisfied"), True),
    Satisfaction("basically", N_("Basically satisfied"), True),
    Satisfaction("unsatisfied", N_("Unsatisfied"), False),
)


class TaskStatus(NamedTuple):
    code: str
    label: str
    next: str | None


TASK_STATUSES = (
    TaskStatus("called", N_("Called"), "arrived"),
    TaskStatus("arrived", N_("Arrived"), "done"),
    TaskStatus("done", N_("Done"), None),
)


class Role(NamedTuple):
    code: str
    label: str
    personal_data: bool


ROLES = (
    Role("admin", N_("Administrator"), True),
    Role("operator", N_("Operator"), True),
    Role("planner", N_("Planner"), False),
    Role("worker", N_("Grid worker"), True),
    Role("department", N_("Department"), False),
    Role("viewer", N_("Viewer (big screen)"), False),
)


class Level(NamedTuple):
    code: str
    label: str


LEVELS = (
    Level("district", N_("District")),
    Level("street", N_("Street")),
    Level("community", N_("Community")),
    Level("grid", N_("Grid")),
    Level("micro_grid", N_("Micro-grid")),
)
