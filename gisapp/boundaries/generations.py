"""Boundary generations (MapIt's Generation): which one is active, drafts to import into, activation.

Activation happens in the database (gisapp_activate_generation), so every writer re-assigns the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.settings import Settings

from . import checks
from .problems import GenerationProblems, ImportProblem


def active_generation(conn: Connection) -> int | None:
    return conn.scalar(sa.text("SELECT gisapp_active_generation()"))


def active_is_synthetic(conn: Connection) -> bool:
    """Whether the active generation was made by `gisapp demo generate` (pages then say so)."""
    return bool(conn.scalar(sa.text("SELECT synthetic FROM generation WHERE state = 'active'")))


def state(conn: Connection, number: int) -> str | None:
    """draft, active or retired; None when there is no such generation."""
    return conn.scalar(sa.text("SELECT state FROM generation WHERE id = :n"), {"n": number})


def target_generation(conn: Connection, number: int | None) -> tuple[int, bool]:
    """The generation to import into: the one named, else the newest draft, else a new draft."""
    if number is None:
        number = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
        if number is None:
            number = conn.scalar(sa.text("SELECT coalesce(max(id), 0) + 1 FROM generation"))
    created = conn.execute(sa.text(
        "INSERT INTO generation (id, description) VALUES (:n, 'imported') ON CONFLICT DO NOTHING"),
        {"n": number}).rowcount == 1
    found = state(conn, number)
    if found != "draft":
        # Areas added to a live generation would change new assignments but not existing ones.
        raise ImportProblem([f"generation {number} is {found}; import into a draft generation, "
                             f"then `gisapp generations activate`"])
    return number, created


def new_draft(conn: Connection, source: int | None = None, description: str | None = None) -> int:
    """A draft copied from generation `source` (default: the active one); each area knows its origin."""
    source = source or active_generation(conn)
    if source is None or state(conn, source) is None:
        raise ImportProblem([f"no generation {source} to copy" if source else "no active generation to copy"])
    return conn.scalar(sa.text("SELECT gisapp_generation_copy(:s, :d)"), {"s": source, "d": description})


def activate(conn: Connection, generation: int, settings: Settings | None = None, validate: bool = True) -> int:
    """Make a generation the active one, unless validation finds a blocking problem; returns how many
    open incidents were re-assigned. Raises GenerationProblems with the problems, writing nothing.
    validate=False is for loaders of generated worlds, whose own tests check them (tests/demo)."""
    # locked first, so no edit lands between the check and the switch
    conn.execute(sa.text("SELECT id FROM generation WHERE id = :g FOR UPDATE"), {"g": generation})
    problems = checks.blocking(checks.check_generation(conn, generation, settings)) if validate else []
    if problems:
        raise GenerationProblems(problems)
    return conn.scalar(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": generation})


def generations(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT g.id, g.state, g.description, g.based_on, g.created_at, g.activated_at,
               count(a.id) AS areas, string_agg(DISTINCT a.level::text, ',') AS levels
        FROM generation g LEFT JOIN area a ON a.generation_id = g.id
        GROUP BY g.id ORDER BY g.id""")).mappings()]
