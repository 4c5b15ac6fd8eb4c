"""Roles and what each may do, in one table; and who is acting now, with the part of the city they see.

Every route, page and callback names one of PERMISSIONS; the web layer refuses anyone whose role is
not listed. A worker sees the cases of their area (by area code, in any generation); a department
the cases its department was called to; a signed field link only its case or area.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gisapp.core.vocabulary import ROLE, ROLE_CODES

EVERYONE = frozenset(ROLE_CODES)
PERMISSIONS: dict[str, frozenset[str]] = {
    "public": frozenset(),                      # no sign-in at all (the login page, health, assets)
    "signed_in": EVERYONE,
    "map.view": frozenset({"admin", "operator", "planner", "worker", "viewer"}),
    "screen.view": frozenset({"admin", "operator", "planner", "viewer"}),
    "areas.read": EVERYONE,
    "kpis.read": frozenset({"admin", "operator", "planner", "viewer"}),
    "cases.read": frozenset({"admin", "operator", "planner", "worker", "department"}),
    "cases.report": frozenset({"admin", "operator", "worker"}),
    "cases.act": frozenset({"admin", "operator", "worker"}),
    "cases.call_out": frozenset({"admin", "operator"}),
    "tasks.move": frozenset({"admin", "operator", "department"}),
    "links.create": frozenset({"admin", "operator"}),
    "boundaries.edit": frozenset({"admin", "planner"}),   # drafts: edit, validate, compare, activate, export
    "audit.read": frozenset({"admin"}),
}


@dataclass(frozen=True)
class Who:
    """The person behind a request: a signed-in user, a token's user, or a field link's worker."""
    user_id: int | None
    name: str                     # the login
    display: str                  # what histories show
    role: str
    area_code: str | None = None  # a worker's area (or a field link's)
    department: str | None = None
    case_id: int | None = None    # a field link for one case

    def may(self, permission: str) -> bool:
        allowed = PERMISSIONS[permission]   # a KeyError for a permission no table names
        return permission == "public" or self.role in allowed

    def narrowed(self, *, area_code: str | None = None, case_id: int | None = None) -> Who:
        """The same person through a field link: one case (within their area) or one area."""
        return replace(self, area_code=area_code or self.area_code, case_id=case_id)

    @property
    def sees_personal_data(self) -> bool:
        return ROLE[self.role].personal_data

    @property
    def scoped(self) -> bool:
        return bool(self.area_code or self.department or self.case_id)


# The command line and the app's own background work: everything, unmasked. Never a web request's.
SYSTEM = Who(user_id=None, name="system", display="system", role="admin")


def case_scope(who: Who | None, alias: str = "i") -> tuple[str, dict]:
    """A SQL condition on the incident row `alias` that keeps only the cases `who` may see (none for
    nobody). Whether their role reads cases at all is the route's permission, not this."""
    if who is None:
        return "false", {}
    if not who.scoped:
        return "true", {}
    conditions, params = [], {}
    if who.case_id is not None:
        conditions.append(f"{alias}.id = :scope_case")
        params["scope_case"] = who.case_id
    if who.area_code is not None:
        conditions.append(f"EXISTS (SELECT 1 FROM area s WHERE s.id = ANY(gisapp_chain_ids({alias})) "
                          f"AND s.code = :scope_area)")
        params["scope_area"] = who.area_code
    if who.department is not None:
        conditions.append(f"EXISTS (SELECT 1 FROM department_task t WHERE t.incident_id = {alias}.id "
                          f"AND t.department = :scope_department)")
        params["scope_department"] = who.department
    return " AND ".join(conditions), params
