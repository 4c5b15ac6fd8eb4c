"""Personal data (names and phone numbers) unmasked only for the roles that need it; masked elsewhere.

138****1234 for a phone, 王** for a name. The big screen (viewer) and the live feed never carry them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .permissions import Who


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = value.strip()
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) >= 8 else "*" * len(digits)


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


# Every column or key that holds a person's name or phone number, wherever it appears (areas, cases,
# histories, map layers): one list, so a new page or layer is masked without knowing it.
PERSONAL = {"responsible_name": mask_name, "responsible_phone": mask_phone, "handler_name": mask_name,
            "handler_phone": mask_phone, "actor": mask_name, "called_by": mask_name,
            "reporter_name": mask_name, "reporter_phone": mask_phone}


def unmasked(who: Who | None) -> bool:
    return who is not None and who.sees_personal_data


def redact(row: dict, who: Who | None) -> dict:
    """The row as `who` may see it: the PERSONAL keys masked unless their role sees personal data."""
    if unmasked(who):
        return row
    return {k: PERSONAL[k](v) if k in PERSONAL and isinstance(v, str) else v for k, v in row.items()}


def redact_all(rows: Iterable[dict], who: Who | None) -> list[dict]:
    return list(rows) if unmasked(who) else [redact(r, who) for r in rows]
