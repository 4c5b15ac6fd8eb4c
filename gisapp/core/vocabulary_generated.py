"""Generated from the database by `gisapp db vocabulary --write`: change revision tables, not this file.

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
    done_label: str
    by_transition: bool
    needs_note: bool
    destructive: bool


ACTIONS = (
    Action("report", NP_("action", "Reported"), N_("Reported"), False, False, False),
    Action("update", NP_("action", "Updated"), N_("Updated"), False, False, False),
    Action("reassign", NP_("action", "Reassigned"), N_("Reassigned"), False, False, False),
    Action("place", NP_("action", "Placed on the map"), N_("Placed on the map"), False, False, False),
    Action("accept", NP_("action", "Accept"), N_("Accepted"), True, False, False),
    Action("start", NP_("action", "Start"), N_("Started"), True, False, False),
    Action("feedback", NP_("action", "Feedback"), N_("Feedback given"), True, False, False),
    Action("verify", NP_("action", "Verify"), N_("Verified"), True, False, False),
    Action("reject", NP_("action", "Reject"), N_("Sent back"), True, False, False),
    Action("close", NP_("action", "Close"), N_("Closed"), True, False, False),
    Action("evaluate", NP_("action", "Evaluate"), N_("Called back"), True, False, False),
    Action("reopen", NP_("action", "Reopen"), N_("Reopened"), True, False, False),
    Action("cancel", NP_("action", "Cancel"), N_("Cancelled"), True, True, True),
    Action("escalate", NP_("action", "Escalate"), N_("Escalated"), True, True, False),
    Action("deescalate", NP_("action", "De-escalate"), N_("Handed back down"), True, True, False),
    Action("merge", NP_("action", "Merge as duplicate"), N_("Merged as a duplicate"), True, False, True),
    Action("keep", NP_("action", "Not a duplicate"), N_("Kept apart from the possible duplicate"), True, False, False),
    Action("callout", NP_("action", "Department called"), N_("Department called"), False, False, False),
    Action("department_arrived", NP_("action", "Department arrived"), N_("Department arrived"), False, False, False),
    Action("department_done", NP_("action", "Department done"), N_("Department done"), False, False, False),
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


class Source(NamedTuple):
    code: str
    label: str


SOURCES = (
    Source("app", N_("App")),
    Source("qr", N_("QR code")),
    Source("hotline", N_("Hotline")),
    Source("patrol", N_("Grid patrol")),
    Source("camera", N_("Camera")),
    Source("open311", N_("Open311")),
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


class Problem(NamedTuple):
    code: str
    label: str
    blocking: bool


PROBLEMS = (
    Problem("orphan", N_("No parent"), True),
    Problem("outside_parent", N_("Outside its parent"), True),
    Problem("overlap", N_("Overlaps a sibling"), True),
    Problem("gap", N_("Gap in its parent"), True),
    Problem("split_building", N_("Building split between areas"), True),
    Problem("lost_checkpoint", N_("Checkpoint outside every area"), True),
    Problem("sliver", N_("Sliver"), False),
    Problem("no_responsible", N_("No responsible person"), False),
    Problem("no_population", N_("No population"), False),
)


class ChangeClass(NamedTuple):
    code: str
    label: str
    colour: str


CHANGE_CLASSES = (
    ChangeClass("unchanged", N_("Unchanged"), "#bdbdbd"),
    ChangeClass("renamed", N_("Renamed"), "#80b1d3"),
    ChangeClass("recoded", N_("Recoded"), "#8dd3c7"),
    ChangeClass("reshaped", N_("Reshaped"), "#fdb462"),
    ChangeClass("split", N_("Split"), "#fb8072"),
    ChangeClass("merged", N_("Merged"), "#bc80bd"),
    ChangeClass("new", N_("New"), "#b3de69"),
    ChangeClass("removed", N_("Removed"), "#6a3d9a"),
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
