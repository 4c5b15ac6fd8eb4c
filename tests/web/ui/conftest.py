"""Browser tests fail on any error in the browser's console, whatever else they check."""

from __future__ import annotations

import pytest


@pytest.fixture
def dash_duo(dash_duo):
    """dash.testing's browser, checked after the test: a SEVERE console entry fails it."""
    yield dash_duo
    errors = [entry for entry in (dash_duo.get_logs() or []) if entry.get("level") == "SEVERE"]
    assert errors == [], f"browser console errors: {errors}"
