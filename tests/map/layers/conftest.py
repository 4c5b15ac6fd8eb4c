"""Per-layer tests ask the real API for a viewport, the way the map does."""

from __future__ import annotations

import pytest

DEMO_BBOX = "121.47,31.22,121.53,31.26"   # the whole demo district


@pytest.fixture
def features(client):
    """features("grids", z=14) → the FeatureCollection the map would get for the demo district."""
    def get(layer: str, z: int, bbox: str = DEMO_BBOX) -> dict:
        response = client.get(f"/api/v1/layers/{layer}?bbox={bbox}&z={z}")
        assert response.status_code == 200, response.data[:300]
        return response.get_json()
    return get
