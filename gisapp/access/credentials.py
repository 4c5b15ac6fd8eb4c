"""Ways in other than a password: bearer tokens for machines, one-time sign-in links, signed field links.

Tokens and one-time links are random and kept only as hashes, shown once. Field links are signed
(itsdangerous) and expire; they carry one worker and one case or area, and open nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeTimedSerializer
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from gisapp.core.errors import N_, ApiError, Text
from gisapp.core.validation import Body, Whole, refuse_at, text

from . import users
from .permissions import Who, case_scope

FIELD_SALT = "gisapp.field-link"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Connection, user_id: int, days: int | None = None, label: str = "") -> str:
    """A new bearer token for a user; only its hash is stored, so this is the one time it is seen."""
    token = "gat_" + secrets.token_urlsafe(32)
    conn.execute(sa.text("""
        INSERT INTO api_token (user_id, token_hash, label, expires_at)
        VALUES (:u, :h, :l, CASE WHEN CAST(:d AS integer) IS NULL THEN NULL
                                 ELSE now() + make_interval(days => CAST(:d AS integer)) END)"""),
                 {"u": user_id, "h": _hash(token), "l": label, "d": days})
    return token


def token_user(conn: Connection, token: str) -> Who | None:
    """The active user of a valid, unexpired, unrevoked token."""
    user_id = conn.scalar(sa.text("""
        UPDATE api_token SET last_used_at = now()
        WHERE token_hash = :h AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        RETURNING user_id"""), {"h": _hash(token)})
    return users.active(conn, user_id) if user_id is not None else None


def revoke_tokens(conn: Connection, user_id: int) -> int:
    return conn.execute(sa.text("UPDATE api_token SET revoked_at = now() WHERE user_id = :u AND revoked_at IS NULL"),
                        {"u": user_id}).rowcount


def create_link(conn: Connection, user_id: int, hours: float = 24, next_path: str = "/") -> str:
    """A one-time sign-in link's secret part (a kiosk's or a first login's); used once, revocable."""
    if not next_path.startswith("/") or next_path.startswith("//"):
        raise ApiError(422, [("next", Text(N_("must be a path on this site, like /screen")))])
    token = secrets.token_urlsafe(32)
    conn.execute(sa.text("""
        INSERT INTO login_link (user_id, token_hash, next_path, expires_at)
        VALUES (:u, :h, :n, now() + make_interval(secs => :s))"""),
                 {"u": user_id, "h": _hash(token), "n": next_path, "s": hours * 3600})
    return token


def use_link(conn: Connection, token: str) -> tuple[Who, str] | None:
    """The user and the page a link opens, spending it; None if it is unknown, used, revoked or expired."""
    found = conn.execute(sa.text("""
        UPDATE login_link SET used_at = now()
        WHERE token_hash = :h AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, next_path"""), {"h": _hash(token)}).first()
    if found is None:
        return None
    who = users.active(conn, found.user_id)
    return (who, found.next_path) if who is not None else None


def revoke_links(conn: Connection, user_id: int) -> int:
    return conn.execute(sa.text("UPDATE login_link SET revoked_at = now() WHERE user_id = :u AND used_at IS NULL "
                                "AND revoked_at IS NULL"), {"u": user_id}).rowcount


MAX_FIELD_HOURS = 24 * 30


class FieldLinkIn(Body):
    """A field link: for a worker, to one case or one area of theirs, for some hours."""
    worker: text(40, min_length=2)
    case_id: Annotated[Whole, Field(ge=1, le=10**18)] | None = None
    area_code: text(200, min_length=1) | None = None
    hours: Annotated[float, Field(gt=0, le=MAX_FIELD_HOURS)] = 72

    @model_validator(mode="after")
    def _one_target(self) -> FieldLinkIn:
        if (self.case_id is None) == (self.area_code is None):
            raise refuse_at(FieldLinkIn, "case_id", N_("give a case_id or an area_code, not both"), self.case_id)
        return self


def field_link(conn: Connection, secret: str, link: FieldLinkIn) -> tuple[str, Who]:
    """A signed token for a worker's phone, and the worker; refused unless the case or area is theirs."""
    found = users.row(conn, name=link.worker)
    who = users.who_of(found) if found is not None and not found["disabled"] else None
    if who is None or who.role != "worker":
        raise ApiError(422, [("worker", Text(N_("no active worker %(name)s"), name=link.worker))])
    if link.case_id is not None:
        condition, params = case_scope(who)
        if not conn.scalar(sa.text(f"SELECT 1 FROM incident i WHERE i.id = :c AND {condition}"),
                           {"c": link.case_id, **params}):
            raise ApiError(422, [("case_id", Text(N_("case %(id)s is not in %(name)s's area %(area)s"), id=link.case_id,
                                           name=who.name, area=who.area_code))])
    elif not conn.scalar(sa.text("""
            SELECT 1 FROM area a WHERE a.code = :code AND a.generation_id = gisapp_active_generation()
              AND EXISTS (SELECT 1 FROM area up WHERE up.code = :mine AND up.generation_id = a.generation_id
                          AND ST_Covers(up.geom, ST_PointOnSurface(a.geom)))"""),
            {"code": link.area_code, "mine": who.area_code}):
        raise ApiError(422, [("area_code", Text(N_("area %(code)s is not in %(name)s's area %(area)s"),
                                                code=link.area_code, name=who.name, area=who.area_code))])
    payload = {"u": who.user_id, "h": link.hours,
               **({"c": link.case_id} if link.case_id is not None else {"a": link.area_code})}
    return URLSafeTimedSerializer(secret, salt=FIELD_SALT).dumps(payload), who


def open_field_link(conn: Connection, secret: str, token: str) -> Who | None:
    """The worker a field link was made for, narrowed to its case or area; None if bad or expired."""
    try:
        payload, signed_at = URLSafeTimedSerializer(secret, salt=FIELD_SALT).loads(
            token, max_age=MAX_FIELD_HOURS * 3600, return_timestamp=True)
    except BadData:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int) \
            or not isinstance(payload.get("h"), int | float):
        return None
    if datetime.now(UTC) - signed_at > timedelta(hours=payload["h"]):
        return None
    who = users.active(conn, payload["u"])
    if who is None or who.role != "worker":
        return None
    return who.narrowed(area_code=payload.get("a"), case_id=payload.get("c"))
