"""A case's place in words: an address, or the nearest building and road (the console's panel and the
map's incident panel say it the same way), never bare coordinates."""

from __future__ import annotations

from flask_babel import gettext as _


def place_words(case: dict, near: dict | None) -> str:
    """An address, or the nearest building and road; the area chain otherwise."""
    parts = []
    if near and near.get("address"):
        parts.append(near["address"])
    elif near and near.get("building"):
        parts.append(_("near %(place)s (%(metres)s m)", place=near["building"], metres=int(near["building_m"] or 0))
                     if near["building_m"] else near["building"])
    if near and near.get("road"):
        parts.append(_("%(road)s, %(metres)s m", road=near["road"], metres=int(near["road_m"] or 0)))
    return " · ".join(parts) or (_("Unlocated: click the map to place it") if case["lon"] is None else "—")
