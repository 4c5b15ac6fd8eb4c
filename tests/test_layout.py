"""The house rules of the package layout, read from the code's own imports (README, "Layout").

One room per capability; rooms stand in an order and import only rooms below them; the web
adapters and the CLI sit on top; the API never needs Dash; no module stands loose in gisapp/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gisapp"
# each imports only rooms before it
ROOMS = ("core", "access", "boundaries", "cases", "metrics", "map", "live", "demo")
ON_TOP = ("web", "cli")                                                     # adapters: may use every room
MAX_LINES = 400


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module(p): _imports(p) for p in FILES}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "gisapp" and len(parts) > 1 else None


def test_no_module_stands_loose_in_the_package():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []


def test_every_package_is_a_room_or_an_adapter():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ROOMS) | set(ON_TOP)


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if _room(m) in ROOMS))
def test_rooms_import_only_the_rooms_below_them(module):
    room = _room(module)
    allowed = set(ROOMS[:ROOMS.index(room) + 1])
    bad = sorted(i for i in GRAPH[module] if _room(i) and _room(i) not in allowed)
    assert bad == [], f"{module} reaches sideways or up: rooms import only {sorted(allowed)}"


def test_the_api_needs_no_dash_and_no_page():
    bad = sorted((m, i) for m, imports in GRAPH.items() if m.startswith("gisapp.web.api") for i in imports
                 if i.split(".")[0].startswith("dash") or i.startswith("gisapp.web.ui"))
    assert bad == []


def test_pages_never_go_through_the_api():
    bad = sorted((m, i) for m, imports in GRAPH.items() if m.startswith("gisapp.web.ui") for i in imports
                 if i.startswith("gisapp.web.api"))
    assert bad == []


def test_nothing_but_the_cli_reaches_the_web_layer():
    bad = sorted((m, i) for m, imports in GRAPH.items() if _room(m) not in ("web", "cli", "__main__") for i in imports
                 if _room(i) in ("web", "cli"))
    assert bad == []


def test_modules_stay_small():
    long = [f"{p.relative_to(PACKAGE)} ({n} lines)" for p in FILES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == [], f"split these by what they do (at most {MAX_LINES} lines)"


def test_every_module_says_why_it_exists():
    silent = [str(p.relative_to(PACKAGE)) for p in FILES if "migrations/versions" not in str(p)
              and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert silent == []
