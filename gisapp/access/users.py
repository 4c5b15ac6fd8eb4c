"""Accounts: one role each, passwords kept as scrypt hashes (werkzeug), disabled rather than deleted."""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from gisapp.core.errors import N_, ApiError, Text
from gisapp.core.validation import Body, refuse_at, text
from gisapp.core.vocabulary import ROLE_CODES

from .permissions import Who

MIN_PASSWORD = 10
# Checked when a name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("no such user, no such password")
_COLUMNS = "id, name, display_name, role, area_code, department, disabled, password_hash"


class UserIn(Body):
    """A new account: its login, the name histories show, its role and, for some roles, its scope."""
    name: text(40, min_length=2) = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    display_name: text(100, min_length=1)
    role: Literal[ROLE_CODES]
    area_code: text(200, min_length=1) | None = None      # a worker's area (any level)
    department: text(50, min_length=1) | None = None      # a department user's department

    @model_validator(mode="after")
    def _scope(self) -> UserIn:
        if (self.role == "worker") != (self.area_code is not None):
            raise refuse_at(UserIn, "area_code", N_("a worker needs an area code, and only a worker has one"),
                            self.area_code)
        if (self.role == "department") != (self.department is not None):
            raise refuse_at(UserIn, "department", N_("a department user needs a department, and only they have one"),
                            self.department)
        if self.display_name != self.display_name.strip():
            raise refuse_at(UserIn, "display_name", N_("must not start or end with spaces"), self.display_name)
        return self


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ApiError(422, [("password", Text(N_("needs at least %(limit)s characters"), limit=MIN_PASSWORD))])
    return password


def who_of(row) -> Who:
    return Who(user_id=row["id"], name=row["name"], display=row["display_name"], role=row["role"],
               area_code=row["area_code"], department=row["department"])


def add(conn: Connection, user: UserIn, password: str | None = None) -> int:
    """The new account's id; ApiError(409) when the name is taken."""
    if conn.scalar(sa.text("SELECT 1 FROM app_user WHERE name = :n"), {"n": user.name}):
        raise ApiError(409, [("name", Text(N_("%(name)s already exists"), name=user.name))])
    if user.department is not None and not conn.scalar(
            sa.text("SELECT 1 FROM department WHERE code = :d"), {"d": user.department}):
        raise ApiError(422, [("department", Text(N_("unknown department %(department)s"), department=user.department))])
    return conn.scalar(sa.text("""
        INSERT INTO app_user (name, display_name, role, area_code, department, password_hash, password_changed_at)
        VALUES (:name, :display_name, :role, :area_code, :department, :hash,
                CASE WHEN CAST(:hash AS text) IS NULL THEN NULL ELSE now() END) RETURNING id"""),
        {**user.model_dump(), "hash": None if password is None else generate_password_hash(check_password(password))})


def row(conn: Connection, *, name: str | None = None, user_id: int | None = None):
    column, value = ("name", name) if name is not None else ("id", user_id)
    return conn.execute(sa.text(f"SELECT {_COLUMNS} FROM app_user WHERE {column} = :v"),
                        {"v": value}).mappings().first()


def active(conn: Connection, user_id: int) -> Who | None:
    """The account behind a session, unless it was disabled since."""
    found = row(conn, user_id=user_id)
    return who_of(found) if found is not None and not found["disabled"] else None


def authenticate(conn: Connection, name: str, password: str) -> Who | None:
    """The account for a name and password, or None; as slow for an unknown name as for a wrong password."""
    found = row(conn, name=name)
    stored = found["password_hash"] if found is not None and found["password_hash"] else _DUMMY_HASH
    good = check_password_hash(stored, password)
    if found is None or found["disabled"] or not found["password_hash"] or not good:
        return None
    return who_of(found)


def set_password(conn: Connection, name: str, password: str) -> None:
    done = conn.execute(sa.text("UPDATE app_user SET password_hash = :h, password_changed_at = now() WHERE name = :n"),
                        {"h": generate_password_hash(check_password(password)), "n": name}).rowcount
    if not done:
        raise ApiError(404, [("name", Text(N_("no user %(name)s"), name=name))])


def set_disabled(conn: Connection, name: str, disabled: bool = True) -> None:
    if not conn.execute(sa.text("UPDATE app_user SET disabled = :d WHERE name = :n"),
                        {"d": disabled, "n": name}).rowcount:
        raise ApiError(404, [("name", Text(N_("no user %(name)s"), name=name))])


def list_users(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT id, name, display_name, role, area_code, department, disabled, created_at,
               password_hash IS NOT NULL AS has_password
        FROM app_user ORDER BY name""")).mappings()]
