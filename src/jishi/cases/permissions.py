"""Who the actor is to a case (the relations of the transition table), and who must be told.

An actor's posts (role, region, department) are read once per user object and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from jishi.cases.choices import LEVEL_RANK, CommandLevel
from jishi.org.choices import Role
from jishi.org.scope import assignments_of

COMMAND_ROLES = {Role.VILLAGE_CADRE: CommandLevel.VILLAGE, Role.TOWN_COMMANDER: CommandLevel.TOWN,
                 Role.CITY_COMMANDER: CommandLevel.CITY, Role.ADMIN: CommandLevel.CITY}
GRID_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER}


@dataclass(frozen=True)
class Post:
    role: str
    region_id: int | None
    department_id: int | None


def posts_of(user) -> list[Post]:
    """Active posts of ``user`` (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_jishi_case_posts", None)
    if cached is not None:
        return cached
    posts = [Post(r, reg, dep) for r, reg, dep in assignments_of(user)[1]]
    if user.is_superuser:
        posts.append(Post(Role.ADMIN, None, None))
    user._jishi_case_posts = posts
    return posts


def relations(user, case) -> dict[str, str]:
    """The relations ``user`` holds to ``case``, each with the role it holds it in."""
    if user is None:  # a system job (sweep, gateway, import): acts as the city
        return {"anyone": "system", "commander": "system", "handler": "system", "grid_staff": "system",
                "grid_leader": "system", "whistled": "system", "reporter": "system"}
    rel: dict[str, str] = {}
    if not getattr(user, "is_authenticated", False):
        return rel
    rel["anyone"] = ""
    rank = LEVEL_RANK[CommandLevel(case.command_level)]
    for p in posts_of(user):
        level = COMMAND_ROLES.get(p.role)
        if level is not None:
            inside = (level == CommandLevel.CITY or (level == CommandLevel.TOWN and p.region_id == case.town_id)
                      or (level == CommandLevel.VILLAGE and p.region_id == case.village_id))
            if inside and LEVEL_RANK[level] >= rank:
                rel.setdefault("commander", p.role)
            if case.handling_region_id and p.region_id == case.handling_region_id:
                rel.setdefault("handler", p.role)
        if p.role in GRID_ROLES and case.grid_id and p.region_id == case.grid_id:
            rel.setdefault("grid_staff", p.role)
            if p.role == Role.GRID_LEADER:
                rel.setdefault("grid_leader", p.role)
        if p.role == Role.DEPARTMENT_HANDLER and p.department_id:
            if p.department_id == case.handling_department_id:
                rel.setdefault("handler", p.role)
            if p.department_id in pending_whistled_departments(case):
                rel.setdefault("whistled", p.role)
    if case.reporter_user_id and case.reporter_user_id == user.pk:
        rel.setdefault("reporter", Role.RESIDENT)
    return rel


def pending_whistled_departments(case) -> set[int]:
    cached = getattr(case, "_pending_whistled", None)
    if cached is None:
        cached = set(case.assignments.filter(is_active=True, source="whistle", acknowledged_at__isnull=True)
                     .values_list("department_id", flat=True))
        case._pending_whistled = cached
    return cached


def user_departments(user) -> set[int]:
    return {p.department_id for p in posts_of(user) if p.role == Role.DEPARTMENT_HANDLER and p.department_id}


# --- recipients ------------------------------------------------------------------------------

def _users(**filters) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, **{f"person__assignments__{k}": v for k, v in filters.items()},
                                           person__assignments__is_active=True).distinct()


def department_users(department_id: int | None) -> list:
    if not department_id:
        return []
    return list(_users(role=Role.DEPARTMENT_HANDLER, department_id=department_id))


def region_commanders(region_id: int | None) -> list:
    if not region_id:
        return []
    return list(_users(role__in=[Role.VILLAGE_CADRE, Role.TOWN_COMMANDER], region_id=region_id))


def commanders_of(case, level: str | None = None) -> list:
    """The commanders who own the case at its command level (or ``level``)."""
    level = level or case.command_level
    if level == CommandLevel.VILLAGE:
        return list(_users(role=Role.VILLAGE_CADRE, region_id=case.village_id)) if case.village_id else []
    if level == CommandLevel.TOWN:
        return list(_users(role=Role.TOWN_COMMANDER, region_id=case.town_id)) if case.town_id else []
    return list(_users(role=Role.CITY_COMMANDER))


def superior_commanders(case) -> list:
    """The command level above the case's: a handler's superior for supervision notices."""
    order = [CommandLevel.VILLAGE, CommandLevel.TOWN, CommandLevel.CITY]
    idx = order.index(CommandLevel(case.command_level))
    return commanders_of(case, order[min(idx + 1, 2)])


def grid_staff_of(case) -> list:
    if not case.grid_id:
        return []
    return list(_users(role__in=[Role.GRID_WORKER, Role.GRID_LEADER], region_id=case.grid_id))


def handlers_of(case) -> list:
    if case.handling_department_id:
        return department_users(case.handling_department_id)
    return region_commanders(case.handling_region_id)
