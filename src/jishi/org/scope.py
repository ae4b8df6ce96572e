"""Who sees what: a user's data scope, built from their active staff assignments.

- admin, city_commander: the whole city
- town_commander: their town; village_cadre: their village
- grid_leader, grid_worker, line_specialist: their grid
- microgrid_liaison, volunteer: their micro-grid
- department_handler: their department (and what is assigned or whistled to it)
- resident, informant, merchant, and anyone with a person record: their own records
Anyone else: nothing.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from jishi.core.scope import EVERYTHING, NOTHING, Scope, restrict
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment

CITY_ROLES = {Role.ADMIN, Role.CITY_COMMANDER}
REGION_DIMENSION = {
    Role.TOWN_COMMANDER: "town",
    Role.VILLAGE_CADRE: "village",
    Role.GRID_LEADER: "grid",
    Role.GRID_WORKER: "grid",
    Role.LINE_SPECIALIST: "grid",
    Role.MICROGRID_LIAISON: "microgrid",
    Role.VOLUNTEER: "microgrid",
}


def assignments_of(user) -> tuple[int | None, list[tuple[str, int | None, int | None]]]:
    """The user's person id (None without a person record) and active posts as (role, region id, department
    id), read in one statement and cached on the user object for the request. ``roles_of``, ``scope_for`` and
    the case rules' ``posts_of`` all start from it (each used to read the assignments again: three or four
    statements on every page)."""
    cached = getattr(user, "_jishi_assignments", None)
    if cached is not None:
        return cached
    person, sa = Person._meta.db_table, StaffAssignment._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.id, a.role, a.region_id, a.department_id FROM {person} p "
            f"LEFT JOIN {sa} a ON a.person_id = p.id AND a.is_active WHERE p.user_id = %s ORDER BY a.id",
            [user.pk])
        rows = cur.fetchall()
    person_id = rows[0][0] if rows else None
    user._jishi_assignments = (person_id, [(role, region, dep) for _, role, region, dep in rows if role])
    return user._jishi_assignments


def scope_for(user) -> Scope:
    """The data scope of ``user`` (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_jishi_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = EVERYTHING
    else:
        dims: dict[str, set[int]] = {"town": set(), "village": set(), "grid": set(), "microgrid": set(), "department": set(), "person": set()}
        everything = False
        person_id, posts = assignments_of(user)
        if person_id:
            dims["person"].add(person_id)
            for role, region_id, department_id in posts:
                if role in CITY_ROLES:
                    everything = True
                elif role == Role.DEPARTMENT_HANDLER and department_id:
                    dims["department"].add(department_id)
                elif role in REGION_DIMENSION and region_id:
                    dims[REGION_DIMENSION[role]].add(region_id)
        scope = EVERYTHING if everything else Scope(**{k: frozenset(v) for k, v in dims.items()})
    user._jishi_scope = scope
    return scope


def visible(qs: QuerySet, user) -> QuerySet:
    """The part of ``qs`` that ``user`` may see."""
    return restrict(qs, scope_for(user))


def roles_of(user) -> list[str]:
    """The active roles of a user, most senior first."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_jishi_roles", None)
    if cached is not None:
        return cached
    order = [r.value for r in reversed(Role)]
    roles: set[str] = set()
    if user.is_superuser:
        roles.add(Role.ADMIN)
    person_id, posts = assignments_of(user)
    if person_id:
        roles.update(role for role, _, _ in posts)
        if not roles:
            roles.add(Role.RESIDENT)
    user._jishi_roles = sorted(roles, key=lambda r: order.index(r) if r in order else 99)
    return user._jishi_roles


def can_see_personal_data(user) -> bool:
    """Roles whose work needs full phone/ID numbers (PIPL minimisation): cadres and grid staff in
    their own scope, and admins. Commanders and departments see masked values."""
    return bool(set(roles_of(user)) & {Role.ADMIN, Role.VILLAGE_CADRE, Role.GRID_LEADER, Role.GRID_WORKER})
