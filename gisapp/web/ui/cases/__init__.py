"""/cases: the operator console. A filterable case table, and a panel to work the chosen case.

Everyone sees the cases of their scope; what they may do to one follows their role. The actor of
every action is the signed-in user.
"""

from __future__ import annotations

from ... import guard
from . import console, work


def register(app) -> None:
    """The page and its callbacks, on this app."""
    guard.page(app, console.__name__, "cases.read", path="/cases", name="Cases", order=2, layout=console.layout)
    console.register(app)
    work.register(app)
