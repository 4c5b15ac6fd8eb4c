"""Errors that carry their HTTP status, so the web adapters stay thin (as in pygeoapi)."""

from __future__ import annotations


class ApiError(Exception):
    """A client error: status plus field-level messages, rendered as {"errors": [...]}."""

    def __init__(self, status: int, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.status = status
        self.errors = errors

    def to_dict(self) -> dict:
        return {"errors": [{"field": f, "message": m} for f, m in self.errors]}
