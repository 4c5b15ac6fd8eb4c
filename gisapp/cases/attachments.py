"""Photos and documents on case events, kept in the database with the history they belong to.

The type is read from the file's first bytes, not trusted from the client. A photo must decode, and
is stored re-encoded (turned upright, without its metadata or anything appended to it); a PDF is
kept as sent, and only ever served as a download. Names lose control characters and paths.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import Connection

from gisapp.core.errors import N_, ApiError
from gisapp.core.validation import Body, refuse, said, text

MAX_FILES = 3                # per event
ENVELOPE = 64 * 1024         # the rest of a request body: fields, JSON, base64 padding
MAX_PIXELS = 40_000_000      # a phone's photo is 12–50 MP; more is refused before it is decoded
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def file_limit(max_body_bytes: int) -> int:
    """The largest file, so that MAX_FILES of them, in base64, fit one request body (GISAPP_MAX_BODY_BYTES)."""
    return (max_body_bytes - ENVELOPE) * 3 // 4 // MAX_FILES


def clean_filename(name: str) -> str:
    """A name safe to show and to offer as a download: no control characters, no folders."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[\\/]+", "_", name).strip(" .")
    return name[:200] or "file"


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
            raise refuse(N_("must be {filename, data} with data in base64"))
        return value

    def decoded(self, max_bytes: int) -> Attachment:
        """The file, its type read from its first bytes, a photo re-encoded; PydanticCustomError names
        what is wrong."""
        data = self.data
        if data.startswith("data:"):
            if "," not in data:
                raise refuse(N_("a data: URL needs a comma before its base64"))
            data = data.split(",", 1)[1]
        if len(data) > max_bytes * 4 // 3 + 4:
            raise refuse(N_("is larger than %(limit)s bytes"), limit=max_bytes)
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise refuse(N_("data is not valid base64")) from None
        kind = sniff(content)
        if kind is None:
            raise refuse(N_("must be a JPEG, PNG or WebP photo, or a PDF"))
        if len(content) > max_bytes:
            raise refuse(N_("is %(size)s bytes; at most %(limit)s"), size=len(content), limit=max_bytes)
        if kind in FORMATS:
            content = reencode(content, FORMATS[kind])
        return Attachment(clean_filename(self.filename), kind, content)


def reencode(content: bytes, fmt: str) -> bytes:
    """The photo drawn again from its pixels alone: upright, no EXIF (no GPS, no camera), nothing appended."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise refuse(N_("is %(width)s×%(height)s pixels; at most %(limit)s in all"), width=probe.width,
                                 height=probe.height, limit=f"{MAX_PIXELS:,}")
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image = ImageOps.exif_transpose(image)
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    except PydanticCustomError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise refuse(N_("is not a photo that can be read (damaged, or not what its first bytes say)")) from None
    return out.getvalue()


Files = Annotated[list[AttachmentIn], Field(max_length=MAX_FILES)]


def decode(items: list[AttachmentIn] | None, max_body_bytes: int) -> list[Attachment]:
    """The files of an action, checked one by one; ApiError(422) on attachments[n]."""
    out = []
    for n, item in enumerate(items or []):
        try:
            out.append(item.decoded(file_limit(max_body_bytes)))
        except PydanticCustomError as exc:
            raise ApiError(422, [(f"attachments[{n}]", said(exc))]) from None
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
    if not 0 < attachment_id < 2**63:
        return None
    return conn.execute(sa.text("SELECT incident_id, filename, content_type, content, sha256 FROM attachment "
                                "WHERE id = :i"), {"i": attachment_id}).mappings().first()


def by_event(conn: Connection, incident_id: int) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for r in conn.execute(sa.text("""SELECT id, event_id, filename, content_type, size FROM attachment
                                     WHERE incident_id = :i ORDER BY id"""), {"i": incident_id}).mappings():
        out.setdefault(r["event_id"], []).append({k: r[k] for k in ("id", "filename", "content_type", "size")})
    return out
