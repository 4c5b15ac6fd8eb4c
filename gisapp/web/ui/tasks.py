"""/tasks: a department's queue (吹哨报到). The tasks its department was called to and has not finished,
with 到场 and 已处置 buttons; an operator sees every department's.

The buttons move a task through the cases room, with the same rules as the console and the API.
"""

from __future__ import annotations

import sqlalchemy as sa
from dash import ALL, Input, Output, ctx, html, no_update
from flask_babel import gettext as _
from flask_babel import ngettext

from gisapp.cases import desk, workflow
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse

from ..auth import acting, current_who
from ..guard import callback, page
from .chrome import page_header
from .i18n import TASK_LABELS, in_chinese, label, local_time, say_errors


def _card(t: dict, zh: bool) -> html.Li:
    nxt = t["next"]
    return html.Li([
        html.Div([html.A(_("Case %(id)s", id=t["incident_id"]), href=f"/cases?incident={t['incident_id']}"),
                  html.Span(_("Urgent"), className="flag urgent") if t["urgent"] else None,
                  html.B(label(TASK_LABELS, t["status"]), className="task-status")], className="task-head"),
        html.Div([t["category_zh"] if zh else t["category_en"], " · ", t["area_name"] or _("Unlocated")]),
        html.P(t["description"], className="task-description"),
        html.Div(_("Called %(when)s by %(who)s; department: %(department)s", when=local_time(t["called_at"]),
                   who=t["called_by"], department=t["name_zh"] if zh else t["name_en"]), className="hint"),
        html.Button(label(TASK_LABELS, nxt), id={"type": "queue-move", "task": t["id"], "to": nxt}, n_clicks=0,
                    className="action big") if nxt else None,
    ], className="task-card", **{"data-task": t["id"]})


def _queue():
    who = current_who()
    with begin() as conn:
        tasks = desk.task_queue(conn, who)
    zh = in_chinese()
    return (ngettext("%(num)s task waiting", "%(num)s tasks waiting", len(tasks)),
            html.Ul([_card(t, zh) for t in tasks], className="task-list") if tasks else
            html.P(_("Nothing waiting: every task is done."), className="hint"))


def layout(**_query):
    count, queue = _queue()
    return html.Div([page_header(_("Department tasks")),
                     html.Div([html.P(count, id="queue-count", className="hint"),
                               html.Div(id="queue-message", role="status"),
                               html.Div(queue, id="queue")], className="queue-page")], className="page")


def register(app) -> None:
    page(app, __name__, "tasks.move", path="/tasks", name="Tasks", order=5, layout=layout)

    @callback(app, "tasks.move", Output("queue-message", "children"), Output("queue-count", "children"),
              Output("queue", "children"), Input({"type": "queue-move", "task": ALL, "to": ALL}, "n_clicks"),
              prevent_initial_call=True)
    def move(_clicks):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        who = current_who()
        try:
            step = parse(workflow.TaskMoveIn, {"status": str(trigger["to"]), "note": ""})
            with acting() as conn:
                workflow.move_own_task(conn, int(trigger["task"]), step.status, who)
        except ApiError as exc:
            return say_errors(exc), no_update, no_update
        except sa.exc.DBAPIError:   # not a rule the database refused with a reason: say so, never a 500
            return _("The database refused this action; nothing was saved."), no_update, no_update
        count, queue = _queue()
        return _("Done."), count, queue
