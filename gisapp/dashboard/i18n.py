"""Labels chosen at run time, marked with N_ so `pybabel extract` still finds them."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


LEVEL_LABELS = {"district": N_("District"), "street": N_("Street"), "community": N_("Community"),
                "grid": N_("Grid"), "micro_grid": N_("Micro-grid")}
