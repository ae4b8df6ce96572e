"""Who the actor is to a case (the relations of the transition table), and who must be told.

The actor's posts come from its ``Actor`` (built once per request or job by ``jishi.org.policy``); the
role sets are policy's. Nothing is cached on the user.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from jishi.cases.choices import LEVEL_RANK, CommandLevel
from jishi.cases.workflow import RELATIONS
from jishi.core.actor import Actor
from jishi.org.choices import Role
from jishi.org.policy import (
    COMMAND_LEVEL,
    DEPARTMENT_ROLES,
    GRID_STAFF_ROLES,
    OWNER_ROLES,
    REGION_COMMANDER_ROLES,
    as_actor,
)

SYSTEM_RELATIONS = dict.fromkeys(RELATIONS, "system")  # a system job (sweep, gateway, import) acts as the city


def relations(actor: Actor, case) -> dict[str, str]:
    """The relations ``actor`` holds to ``case``, each with the role it holds it in."""
    actor = as_actor(actor)  # bridge: a User (or None for the system) is accepted while callers move over
    if actor.is_system:
        return dict(SYSTEM_RELATIONS)
    rel: dict[str, str] = {}
    if not actor.is_authenticated:
        return rel
    rel["anyone"] = ""
    rank = LEVEL_RANK[CommandLevel(case.command_level)]
    for p in actor.posts:
        level = COMMAND_LEVEL.get(p.role)
        if level is not None:
            inside = (level == CommandLevel.CITY or (level == CommandLevel.TOWN and p.region_id == case.town_id)
                      or (level == CommandLevel.VILLAGE and p.region_id == case.village_id))
            if inside and LEVEL_RANK[level] >= rank:
                rel.setdefault("commander", p.role)
            if case.handling_region_id and p.region_id == case.handling_region_id:
                rel.setdefault("handler", p.role)
        if p.role in GRID_STAFF_ROLES and case.grid_id and p.region_id == case.grid_id:
            rel.setdefault("grid_staff", p.role)
            if p.role == Role.GRID_LEADER:
                rel.setdefault("grid_leader", p.role)
        if p.role in DEPARTMENT_ROLES and p.department_id:
            if p.department_id == case.handling_department_id:
                rel.setdefault("handler", p.role)
            if p.department_id in pending_whistled_departments(case):
                rel.setdefault("whistled", p.role)
    if case.reporter_user_id and case.reporter_user_id == actor.user_id:
        rel.setdefault("reporter", Role.RESIDENT)
    return rel


def pending_whistled_departments(case) -> set[int]:
    """The departments named by the case's active whistle that have not reported in (read once per case
    object; ``lists.attach_pending_whistles`` fills it for a page in one query)."""
    cached = getattr(case, "_pending_whistled", None)
    if cached is None:
        cached = set(case.assignments.filter(is_active=True, source="whistle", acknowledged_at__isnull=True)
                     .values_list("department_id", flat=True))
        case._pending_whistled = cached
    return cached


def user_departments(actor: Actor) -> set[int]:
    """The departments the actor handles cases for."""
    actor = as_actor(actor)
    return {p.department_id for p in actor.posts if p.role in DEPARTMENT_ROLES and p.department_id}


# --- recipients ------------------------------------------------------------------------------

def _users(**filters) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, **{f"person__assignments__{k}": v for k, v in filters.items()},
                                           person__assignments__is_active=True).distinct()


def department_users(department_id: int | None) -> list:
    if not department_id:
        return []
    return list(_users(role__in=sorted(DEPARTMENT_ROLES), department_id=department_id))


def region_commanders(region_id: int | None) -> list:
    if not region_id:
        return []
    return list(_users(role__in=sorted(REGION_COMMANDER_ROLES), region_id=region_id))


def commanders_of(case, level: str | None = None) -> list:
    """The commanders who own the case at its command level (or ``level``)."""
    level = level or case.command_level
    roles = sorted(OWNER_ROLES[level])
    if level == CommandLevel.VILLAGE:
        return list(_users(role__in=roles, region_id=case.village_id)) if case.village_id else []
    if level == CommandLevel.TOWN:
        return list(_users(role__in=roles, region_id=case.town_id)) if case.town_id else []
    return list(_users(role__in=roles))


def superior_commanders(case) -> list:
    """The command level above the case's: a handler's superior for supervision notices."""
    order = [CommandLevel.VILLAGE, CommandLevel.TOWN, CommandLevel.CITY]
    idx = order.index(CommandLevel(case.command_level))
    return commanders_of(case, order[min(idx + 1, 2)])


def grid_staff_of(case) -> list:
    if not case.grid_id:
        return []
    return list(_users(role__in=sorted(GRID_STAFF_ROLES), region_id=case.grid_id))


def handlers_of(case) -> list:
    if case.handling_department_id:
        return department_users(case.handling_department_id)
    return region_commanders(case.handling_region_id)
