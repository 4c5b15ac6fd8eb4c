"""What the database's refusals say to people: one msgid per reason that core/sql raises.

gisapp_fail() (core/sql/60_workflow.sql) sends a stable reason and its parameters in DETAIL; this
table turns them into a Text that the web says in the reader's language. tests/core/test_refusals.py
fails when the SQL raises a reason this table lacks, or the Chinese catalog has no text for it.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from .errors import N_, ApiError, Text

REASONS = {
    "status_by_transition": N_("status %(status)s → %(to_status)s must go through the workflow"),
    "actor_required": N_("actor is required"),
    "no_case": N_("no case %(id)s"),
    "stale": N_("someone else changed case %(id)s first: look at it again and retry"),
    "unknown_action": N_("unknown action %(action)s"),
    "no_duplicate_hint": N_("case %(id)s has no open duplicate hint to dismiss"),
    "no_owner": N_("case %(id)s is %(status)s: it has no owner to move"),
    "reason_required": N_("a reason is required"),
    "top_level": N_("case %(id)s is already owned at the top level (%(level)s)"),
    "not_escalated": N_("case %(id)s is not escalated (owned at %(level)s)"),
    "not_allowed": N_("%(action)s is not allowed when the case is %(status)s; allowed: %(actions)s"),
    "verify_by_other": N_("verification must be done by someone other than the handler"),
    "task_open": N_("a department task is still open"),
    "satisfaction_choice": N_("must be one of %(satisfactions)s"),
    "reopen_unsatisfied": N_("only a case evaluated as unsatisfied can be reopened"),
    "merge_other": N_("must name another case that is not cancelled"),
    "merge_cancelled": N_("case %(id)s is cancelled (merged or withdrawn)"),
    "place_unlocated": N_("case %(id)s is %(status)s: only unlocated reports are placed"),
    "place_point": N_("lon and lat must be a point on the earth"),
    "callout_closed": N_("case %(id)s is %(status)s"),
    "callout_level": N_("departments are called at street or district level; escalate first"),
    "unknown_department": N_("unknown department %(department)s"),
    "no_task": N_("no department task %(task)s"),
    "task_move": N_("task %(task)s is %(task_status)s; it cannot become %(task_next)s"),
    "area_frozen": N_("area %(code)s is in generation %(generation)s, which is %(state)s: change boundaries "
                      "in a draft, then activate it"),
    "no_generation": N_("no generation %(generation)s"),
}


def refusal(exc: sa.exc.DBAPIError) -> ApiError | None:
    """The ApiError for a rule the database refused (SQLSTATE GS404/GS409/GS422), or None."""
    state = getattr(exc.orig, "sqlstate", None) or ""
    if not state.startswith("GS"):
        return None
    diag = exc.orig.diag
    message: str = diag.message_primary or ""
    try:
        detail = json.loads(diag.message_detail or "{}")
    except ValueError:
        detail = {}
    reason, params = detail.get("reason"), detail.get("params") or {}
    if reason in REASONS:
        try:
            message = Text(REASONS[reason], **{k: ", ".join(map(str, v)) if isinstance(v, list) else v
                                                for k, v in params.items()})
        except (KeyError, ValueError, TypeError):   # the SQL sent other parameters: keep its own words
            return ApiError(int(state[2:]), [(diag.message_hint or "action", message)])
        message.params = params         # lists stay lists, so each item can be said in its language
        message.code = reason
    return ApiError(int(state[2:]), [(diag.message_hint or "action", message)])
