"""Errors that carry their HTTP status, so the web adapters stay thin (as in pygeoapi).

Their messages are `Text`: English for logs, the CLI and machines, and a msgid with parameters so
an adapter can say the same thing in the reader's language (web/words.py). Field names stay
stable machine words in every language.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a msgid for pybabel (babel.cfg sends this room's messages to the catalogs)."""
    return message


class Text(str):
    """An English message that remembers its msgid and parameters (%(name)s placeholders)."""

    msgid: str
    params: dict
    code: str | None = None     # a stable machine word for the refusal (the database's reason), if any

    def __new__(cls, msgid: str, **params) -> Text:
        obj = super().__new__(cls, msgid % params if params else msgid)
        obj.msgid = msgid
        obj.params = params
        return obj


class ApiError(Exception):
    """A client error: status plus field-level messages, rendered as {"errors": [...]}."""

    def __init__(self, status: int, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.status = status
        self.errors = errors

    def to_dict(self, say=str) -> dict:
        """The API's error shape; `say` puts each message into the reader's language. A refusal the
        database made also carries its reason as `code`, the same in every language."""
        return {"errors": [{"field": f, "message": say(m), **({"code": m.code} if getattr(m, "code", None) else {})}
                           for f, m in self.errors]}
