"""The case panel of the console: what an operator needs to judge a case at a glance, in their language.

Owner level and handler, deadline and time left, the urgent flag, source and reporter, the place in
words, a possible duplicate with the buttons that already know it, the satisfaction given, and the
timeline: events in the past tense, channels and systems named for people, never machine names or
version numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dash import html
from flask_babel import format_timedelta
from flask_babel import gettext as _

from gisapp.core.vocabulary import ACTION

from ..i18n import (
    DONE_LABELS,
    LEVEL_LABELS,
    SATISFACTION_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    action_label,
    category_label,
    label,
    local_time,
)
from ..places import place_words


def N_(message: str) -> str:
    return message


# Writers that are systems, not people (the event's `system` key, set by cases.workflow.history).
SYSTEMS = {"import": N_("Bulk import"), "demo": N_("Demo data"), "boundary": N_("Boundary change"),
           "database": N_("Database (direct edit)"), "api": N_("API")}


def _dl(rows: list[tuple[str, object]]) -> html.Dl:
    return html.Dl([x for k, v in rows if v not in (None, "", []) for x in (html.Dt(k), html.Dd(v))],
                   className="case-facts")


def time_left(due: dict | None, overdue: bool) -> str | None:
    """"3 hours left" or "overdue by 2 days", in the reader's language."""
    if not due:
        return None
    left = datetime.fromisoformat(due["at"]) - datetime.now(UTC)
    span = format_timedelta(abs(left), threshold=1.5)
    return _("overdue by %(time)s", time=span) if overdue or left.total_seconds() < 0 else \
        _("%(time)s left", time=span)


def chain_words(case: dict) -> str:
    chain = case["assignment"] or {}
    return " › ".join(chain[lv]["name"] for lv in ("street", "community", "grid", "micro_grid") if chain.get(lv))


def _handler(case: dict):
    h = case["handler"]
    if not h or not (h.get("name") or h.get("phone")):
        return None
    phone = h.get("phone")
    return [h.get("name") or "", " ", html.A(phone, href=f"tel:{phone}") if phone and "*" not in phone else phone or ""]


def _duplicate(case: dict, may_act: bool):
    hint = case["possible_duplicate_of"]
    if case["duplicate_of"]:
        return [_("Merged into "), html.A(f"#{case['duplicate_of']}", href=f"/cases?incident={case['duplicate_of']}")]
    if not hint:
        return None
    buttons = [html.Button(_("Merge into #%(id)s", id=hint), id={"type": "case-risky", "action": "merge"},
                           n_clicks=0, className="action action-merge"),
               html.Button(action_label("keep"), id={"type": "case-action", "action": "keep"}, n_clicks=0,
                           className="action action-keep")] if may_act else []
    return html.Span([html.A(f"#{hint}", href=f"/cases?incident={hint}", id="case-duplicate-link"), " ", *buttons],
                     className="case-duplicate")


def facts(case: dict, near: dict | None, reporter: str | None, may_act: bool) -> html.Div:
    """The panel's head: title, flags and the facts, without version numbers."""
    status = html.B(label(STATUS_LABELS, case["status"]), id="case-status", className=f"status status-{case['status']}")
    flags = [html.Span(_("Urgent"), className="flag urgent")] if case["urgent"] else []
    if case["overdue"]:
        flags.append(html.Span(_("Overdue"), className="flag overdue"))
    deadline = None
    if case["due"]:
        deadline = [local_time(case["due"]["at"]), " · ",
                    html.Span(time_left(case["due"], case["overdue"]), className="time-left")]
    rows = [(_("Category"), category_label(case)),
            (_("Owner level"), label(LEVEL_LABELS, case["owner_level"]) if case["owner_level"] else None),
            (_("Handler"), _handler(case)),
            (_("Deadline"), deadline),
            (_("Source"), label(SOURCE_LABELS, case["source"])),
            (_("Reporter"), reporter),
            (_("Reported at"), local_time(case["reported_at"])),
            (_("Place"), place_words(case, near)),
            (_("Area"), chain_words(case) or None),
            (_("Possible duplicate of"), _duplicate(case, may_act)),
            (_("Satisfaction"), label(SATISFACTION_LABELS, case["satisfaction"]) if case["satisfaction"] else None)]
    return html.Div([
        html.H3([_("Case %(id)s", id=case["id"]), " ", status, *flags], id="case-title"),
        _dl(rows),
        html.P(case["description"], className="case-description"),
        html.A(_("Show on the map"), href=f"/?incident={case['id']}", className="button-link", id="case-on-map"),
    ])


def who_did(event: dict, case: dict) -> str:
    """A person by name; a report by its channel; a system by what it is."""
    if event["action"] == "report":
        channel = label(SOURCE_LABELS, case["source"])
        return f"{channel} · {event['actor']}" if event.get("person") else channel
    if event.get("system"):
        return _(SYSTEMS[event["system"]])
    return event["actor"]


def timeline(events: list[dict], case: dict) -> html.Ol:
    def what(e: dict) -> str:
        return label(DONE_LABELS, e["action"]) if e["action"] in ACTION else e["action"]
    return html.Ol([html.Li([html.Span(local_time(e["at"], "MM-dd HH:mm"), className="when"), " ",
                             html.B(what(e)), " · ", who_did(e, case),
                             f" — {e['note']}" if e["note"] else "",
                             *[html.A(f" 📎 {f['filename']}", href=f"/api/v1/attachments/{f['id']}", target="_blank")
                               for f in e["attachments"]]]) for e in events], className="timeline", id="case-timeline")
