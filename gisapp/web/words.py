"""The app's words in the reader's language: the vocabulary's labels, and the core's messages.

Labels come from the database through core/vocabulary_generated.py (babel.cfg sends them to the
catalogs). `say()` turns a core Text (a msgid with parameters) into the reader's language, saying
codes in its parameters (a status, an action, a level) with their labels too. The console and the
API share it; the API's field names stay machine words.
"""

from __future__ import annotations

from flask_babel import get_locale, gettext, pgettext

from gisapp.core.errors import N_, ApiError, Text
from gisapp.core.vocabulary_generated import (
    ACTIONS,
    CHANGE_CLASSES,
    LEVELS,
    PROBLEMS,
    ROLES,
    SATISFACTIONS,
    SOURCES,
    STATUSES,
    TASK_STATUSES,
)

LEVEL_LABELS = {lv.code: lv.label for lv in LEVELS}
STATUS_LABELS = {s.code: s.label for s in STATUSES}
ACTION_LABELS = {a.code: a.label for a in ACTIONS}          # what a button says (context "action")
DONE_LABELS = {a.code: a.done_label for a in ACTIONS}       # what the timeline says once it is done
SATISFACTION_LABELS = {s.code: s.label for s in SATISFACTIONS}
TASK_LABELS = {t.code: t.label for t in TASK_STATUSES}
ROLE_LABELS = {r.code: r.label for r in ROLES}
SOURCE_LABELS = {s.code: s.label for s in SOURCES}
PROBLEM_LABELS = {p.code: p.label for p in PROBLEMS}        # what boundary validation finds
# a generation's state (generation.state), as refusals name it
GENERATION_STATES = {"draft": N_("draft"), "active": N_("active"), "retired": N_("retired")}
# the planner's edits (area_edit.action), as the page and the refusals name them
EDIT_LABELS = {"transfer": N_("border move"), "split": N_("split"), "merge": N_("merge"), "draw": N_("new area"),
               "attributes": N_("attribute change"), "undo": N_("undo")}
CHANGE_LABELS = {c.code: c.label for c in CHANGE_CLASSES}   # how an area changed between generations

# Fields the console names in its messages ("Note: a reason is required").
FIELD_NAMES = {"note": N_("Note"), "satisfaction": N_("Satisfaction"), "duplicate_of": N_("Duplicate of"),
               "department": N_("Department"), "version": N_("Case"), "action": N_("Action"),
               "actor": N_("Who"), "status": N_("Status"), "id": N_("Case"), "task": N_("Department task"),
               "lon": N_("Longitude"), "lat": N_("Latitude"), "attachments": N_("Photo"),
               "permission": N_("Permission"), "category": N_("Category"), "area": N_("Area"),
               "q": N_("Search"), "from": N_("From"), "to": N_("To"), "level": N_("Owner level"),
               "polygon": N_("Drawn shape"), "line": N_("Drawn line"), "code": N_("Code"), "new_code": N_("Code"),
               "name": N_("Name"), "keep": N_("Area"), "absorb": N_("Neighbour"), "parent": N_("Parent"),
               "generation": N_("Generation"), "population": N_("Population"), "households": N_("Households")}


def in_chinese() -> bool:
    return get_locale().language == "zh"


def label(table: dict[str, str], key: str) -> str:
    """The translated label for a code (gettext on a variable, so extraction relies on N_ above)."""
    return gettext(table.get(key, key))


def action_label(code: str) -> str:
    """An action as its button says it (pgettext: "Feedback" the action is not "Feedback" the status)."""
    return pgettext("action", ACTION_LABELS.get(code, code))


def _listed(words: list[str]) -> str:
    return ("、" if in_chinese() else ", ").join(words) or gettext("none")


# How each parameter of a message is said: a code becomes its label.
_PARAMS = {"status": lambda v: label(STATUS_LABELS, v), "to_status": lambda v: label(STATUS_LABELS, v),
           "action": action_label, "actions": lambda v: _listed([action_label(a) for a in v]),
           "level": lambda v: label(LEVEL_LABELS, v), "edit": lambda v: label(EDIT_LABELS, v),
           "state": lambda v: label(GENERATION_STATES, v),
           "task_status": lambda v: label(TASK_LABELS, v), "task_next": lambda v: label(TASK_LABELS, v),
           "satisfactions": lambda v: _listed([label(SATISFACTION_LABELS, s) for s in v])}


def say(message: str) -> str:
    """A core message in the reader's language (plain strings pass through as they are)."""
    if not isinstance(message, Text):
        return message
    params = {k: _PARAMS[k](v) if k in _PARAMS and v is not None else v for k, v in message.params.items()}
    try:
        return gettext(message.msgid, **params) if params else gettext(message.msgid)
    except (KeyError, ValueError, TypeError):   # a translation that names another placeholder: say it in English
        return str(message)


def field_name(field: str) -> str:
    base = field.split("[", 1)[0].split(".", 1)[0]
    return gettext(FIELD_NAMES[base]) if base in FIELD_NAMES else field


def say_errors(exc: ApiError) -> str:
    """An ApiError for a person: each problem with its field's name, in the reader's language."""
    return "; ".join(f"{field_name(field)}: {say(message)}" for field, message in exc.errors)
