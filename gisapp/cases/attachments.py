"""Photos and documents on case events, kept in the database with the history they belong to.

The type is read from the file's first bytes, not trusted from the client.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.errors import ApiError

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


def decode(items) -> list[Attachment]:
    """[{filename, data (base64 or a data: URL)}] → Attachments, or ApiError(422) on field attachments."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise ApiError(422, [("attachments", f"must be a list of at most {MAX_FILES} files")])
    out = []
    for n, item in enumerate(items):
        field = f"attachments[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str) \
                or not isinstance(item.get("data"), str) or not 0 < len(item["filename"]) <= 200 \
                or "\x00" in item["filename"]:
            raise ApiError(422, [(field, "must be {filename, data} with data in base64")])
        data = item["data"].split(",", 1)[1] if item["data"].startswith("data:") else item["data"]
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, [(field, "data is not valid base64")]) from None
        kind = sniff(content)
        if kind is None:
            raise ApiError(422, [(field, "must be a JPEG, PNG or WebP photo, or a PDF")])
        if len(content) > MAX_BYTES:
            raise ApiError(422, [(field, f"is {len(content)} bytes; at most {MAX_BYTES}")])
        out.append(Attachment(item["filename"], kind, content))
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
