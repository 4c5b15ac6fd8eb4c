"""Photos and documents on case events, kept in the database with the history they belong to.

The type is read from the file's first bytes, not trusted from the client.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import Connection

from gisapp.core.errors import ApiError
from gisapp.core.validation import Body, refuse, text

MAX_FILES = 3
MAX_BYTES = 700_000  # one such photo in base64 still fits the 1 MB request limit


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def sniff(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


class AttachmentIn(Body):
    """One file sent with an action: a name, and the content in base64 (or a data: URL)."""
    filename: text(200, min_length=1)
    data: str

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, value):
        if not isinstance(value, dict) or not isinstance(value.get("filename"), str) \
                or not isinstance(value.get("data"), str):
            raise refuse("must be {filename, data} with data in base64")
        return value

    def decoded(self) -> Attachment:
        """The file, its type read from its first bytes; ApiError(422) names what is wrong."""
        data = self.data.split(",", 1)[1] if self.data.startswith("data:") and "," in self.data else self.data
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise refuse("data is not valid base64") from None
        kind = sniff(content)
        if kind is None:
            raise refuse("must be a JPEG, PNG or WebP photo, or a PDF")
        if len(content) > MAX_BYTES:
            raise refuse(f"is {len(content)} bytes; at most {MAX_BYTES}")
        return Attachment(self.filename, kind, content)


Files = Annotated[list[AttachmentIn], Field(max_length=MAX_FILES)]


def decode(items: list[AttachmentIn] | None) -> list[Attachment]:
    """The files of an action, checked one by one; ApiError(422) on attachments[n]."""
    out = []
    for n, item in enumerate(items or []):
        try:
            out.append(item.decoded())
        except PydanticCustomError as exc:
            raise ApiError(422, [(f"attachments[{n}]", exc.message())]) from None
    return out


def store(conn: Connection, incident_id: int, files: list[Attachment]) -> list[int]:
    """Attach files to the case's latest event (the one the caller just wrote)."""
    ids = []
    for f in files:
        ids.append(conn.scalar(sa.text("""
            INSERT INTO attachment (incident_id, event_id, filename, content_type, size, sha256, content)
            VALUES (:i, (SELECT max(id) FROM incident_event WHERE incident_id = :i),
                    :name, :type, :size, :sha, :content)
            RETURNING id"""), {"i": incident_id, "name": f.filename, "type": f.content_type, "size": len(f.content),
                               "sha": hashlib.sha256(f.content).hexdigest(), "content": f.content}))
    return ids


def fetch(conn: Connection, attachment_id: int):
    return conn.execute(sa.text("SELECT filename, content_type, content, sha256 FROM attachment WHERE id = :i"),
                        {"i": attachment_id}).mappings().first()


def by_event(conn: Connection, incident_id: int) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for r in conn.execute(sa.text("""SELECT id, event_id, filename, content_type, size FROM attachment
                                     WHERE incident_id = :i ORDER BY id"""), {"i": incident_id}).mappings():
        out.setdefault(r["event_id"], []).append({k: r[k] for k in ("id", "filename", "content_type", "size")})
    return out
