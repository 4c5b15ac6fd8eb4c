"""The demo's people: one user per role, sharing one random password that is shown once.

Only in demo mode (GISAPP_DEMO=1, which `make run` sets); a real deployment makes its accounts with
`gisapp users add`, and has no default password at all.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.access import audit, users
from gisapp.core.vocabulary import ROLE_CODES

DISPLAY = {"admin": "演示·管理员", "operator": "演示·值班员王芳", "planner": "演示·规划员",
           "worker": "演示·网格员李强", "department": "演示·城管执法", "viewer": "演示·指挥大屏"}


def demo_name(role: str) -> str:
    return f"demo.{role}"


def _scope(conn: Connection, role: str) -> dict:
    if role == "worker":   # the grid with the most open cases: something to do at once
        return {"area_code": conn.scalar(sa.text("""
            SELECT g.code FROM area g LEFT JOIN incident i ON i.grid_id = g.id
            WHERE g.level = 'grid' AND g.generation_id = gisapp_active_generation()
            GROUP BY g.code ORDER BY count(i.id) DESC, g.code LIMIT 1"""))}
    if role == "department":
        return {"department": conn.scalar(sa.text("SELECT min(code) FROM department"))}
    return {}


def make_demo_users(conn: Connection) -> tuple[str | None, list[dict]]:
    """(the new password, or None when every demo user existed already; each demo user with its scope)."""
    password = secrets.token_urlsafe(9)
    made, everyone = False, []
    for role in ROLE_CODES:
        name = demo_name(role)
        found = users.row(conn, name=name)
        if found is None:
            scope = _scope(conn, role)
            users.add(conn, users.UserIn(name=name, display_name=DISPLAY.get(role, name), role=role, **scope),
                      password)
            audit.record(conn, "user.add", actor="demo", target=f"user {name}", detail={"role": role, **scope})
            made = True
            found = users.row(conn, name=name)
        everyone.append({"name": name, "role": role, "scope": found["area_code"] or found["department"] or ""})
    if made:   # one password for all of them, so the ones made earlier get it too
        for u in everyone:
            users.set_password(conn, u["name"], password)
    return (password if made else None), everyone
