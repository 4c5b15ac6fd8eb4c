"""The planner page's last steps: compare the draft with the live generation (classes on the map, who
changes owner), put it live (refused, with the count, while validation finds errors), export a level."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from dash import Input, Output, State, ctx, dcc, html, no_update
from flask_babel import gettext as _

from gisapp.boundaries import diff as diff_mod
from gisapp.boundaries import drafts, editing, export
from gisapp.boundaries import generations as generations_mod
from gisapp.boundaries.problems import GenerationProblems, ImportProblem
from gisapp.core.db import begin
from gisapp.core.vocabulary import LEVEL_CODES

from ...guard import callback
from ..i18n import CHANGE_LABELS, EDIT_LABELS, in_chinese, label, local_time
from .page import PERMISSION, _options, draft_number


def register(app) -> None:
    _compare(app)
    _activate(app)
    _export(app)


def diff_summary(result: diff_mod.Diff) -> html.Div:
    classes = [html.Li(f"{label(CHANGE_LABELS, name)}: {count}") for name, count in result.classes.items() if count]
    moved = [_("%(n)s open cases", n=len(result.moved("case"))), _("%(n)s buildings", n=len(result.moved("building"))),
             _("%(n)s checkpoints", n=len(result.moved("checkpoint")))]
    cases = [html.Li(f"#{m['id']} {(m['category_zh'] if in_chinese() else m['category_en']) or ''}: "
                     f"{m['from_code'] or '—'} → {m['to_code'] or '—'}") for m in result.moved("case")[:30]]
    return html.Div([
        html.Ul(classes, className="plan-classes"),
        html.P(_("Change owner: %(what)s; about %(people)s people move.",
                 what=("、" if in_chinese() else ", ").join(moved), people=f"{result.population_moved:,}"),
               id="plan-impact"),
        html.Ul(cases, className="plan-moves"),
    ])


def _compare(app) -> None:
    @callback(app, PERMISSION, Output("plan-diff-result", "children"), Output("plan-changes", "data"),
              Input("plan-diff", "n_clicks"), Input("plan-refresh", "data"), State("plan-generation", "value"),
              prevent_initial_call=True)
    def compare(clicks, _refresh, generation):
        """Stored for the draft (area_change) and drawn coloured by class; cleared by the next edit."""
        generation = draft_number(generation)
        if not generation or not clicks or ctx.triggered_id == "plan-refresh":
            return None, None
        try:
            with begin() as conn:
                result = diff_mod.diff(conn, generation)
                shapes = diff_mod.changed_areas(conn, generation, result.against)
        except ImportProblem:
            return html.P(_("There is no live generation to compare with.")), None
        return diff_summary(result), shapes

    @callback(app, PERMISSION, Output("plan-history", "children"), Input("plan-refresh", "data"),
              Input("plan-generation", "value"))
    def history(_refresh, generation):
        generation = draft_number(generation)
        if not generation:
            return []
        with begin() as conn:
            edits = editing.history(conn, generation)
        return [html.Li([local_time(e["at"]), f" {e['actor']} · {label(EDIT_LABELS, e['action'])} ",
                         " ".join(str(v) for v in e["summary"].values() if isinstance(v, str))],
                        className="undone" if e["undone"] else None) for e in edits]


def _activate(app) -> None:
    @callback(app, PERMISSION, Output("plan-message", "children", allow_duplicate=True),
              Output("plan-generation", "options", allow_duplicate=True),
              Output("plan-generation", "value", allow_duplicate=True),
              Input("plan-activate", "submit_n_clicks"), State("plan-generation", "value"), prevent_initial_call=True)
    def activate(submitted, generation):
        generation = draft_number(generation)
        if not submitted or not generation:
            return no_update, no_update, no_update
        try:
            with begin() as conn:
                moved = generations_mod.activate(conn, generation)
                options = _options(drafts.drafts(conn))
        except GenerationProblems as exc:
            return _("Not activated: %(n)s errors (listed under Problems).", n=len(exc.findings)), no_update, no_update
        return (_("Generation %(n)s is live; %(moved)s open cases were re-assigned.", n=generation, moved=moved),
                options, options[0]["value"] if options else None)


def _export(app) -> None:
    @callback(app, PERMISSION, Output("plan-download", "data"),
              Output("plan-message", "children", allow_duplicate=True), Input("plan-export", "n_clicks"),
              State("plan-generation", "value"), State("plan-level", "value"), State("plan-export-format", "value"),
              prevent_initial_call=True)
    def download(clicks, generation, level, suffix):
        generation = draft_number(generation)
        if not clicks or not generation or suffix not in export.FORMATS or level not in LEVEL_CODES:
            return no_update, no_update
        with tempfile.TemporaryDirectory() as folder:
            name = f"generation-{generation}-{level}{suffix}"
            path = Path(folder) / name
            try:
                with begin() as conn:
                    export.export_areas(conn, generation, level, path)
            except ImportProblem:
                return no_update, _("This draft has no areas at this level.")
            if suffix == ".shp":   # a Shapefile is several files: send them zipped
                path = Path(shutil.make_archive(str(path.with_suffix("")), "zip", folder))
                name = path.name
            return dcc.send_bytes(path.read_bytes(), name), None
