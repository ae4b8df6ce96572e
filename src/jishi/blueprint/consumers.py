"""Who is told of supervision: a consumer of the blueprint timeline (``blueprint.notices``).

A ``supervise`` row tells the project's owner — the owner department's handlers, or the cadres/commanders of
the project's region (village cadres for a village's project, the town's commanders for a town's, the city's
commanders for the city's) — in the inbox; a red notice also goes out (SMS channel) and to the level above.
A ``reply`` row tells the supervisors (the city's commanders; for a village's or town's project also the town's).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from jishi.blueprint.models import BlueprintEvent, Project
from jishi.notify.services import notify
from jishi.org.choices import Role
from jishi.org.models import StaffAssignment

REGION_OWNER = {"village": Role.VILLAGE_CADRE, "town": Role.TOWN_COMMANDER, "city": Role.CITY_COMMANDER}


def _users(q) -> list:
    ids = set(StaffAssignment.objects.filter(q, is_active=True).values_list("person__user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=[i for i in ids if i], is_active=True))


def owners(p: Project) -> list:
    from django.db.models import Q

    if p.owner_department_id:
        return _users(Q(role=Role.DEPARTMENT_HANDLER, department_id=p.owner_department_id))
    return _users(Q(role=REGION_OWNER[p.level], region_id=p.region_id))


def supervisors(p: Project) -> list:
    from django.db.models import Q

    q = Q(role=Role.CITY_COMMANDER)
    if p.level in ("village", "town") and p.town_id:
        q |= Q(role=Role.TOWN_COMMANDER, region_id=p.town_id)
    return _users(q)


def apply(rows: list[BlueprintEvent]) -> None:
    wanted = [r for r in rows if r.verb in ("supervise", "reply") and r.project_id]
    if not wanted:
        return
    projects = Project.objects.in_bulk({r.project_id for r in wanted})
    for row in wanted:
        p = projects.get(row.project_id)
        if p is None:
            continue
        url = f"/blueprint/{p.pk}/"
        if row.verb == "supervise":
            red = row.data.get("flag") == "red"
            users = owners(p) + (supervisors(p) if red else [])
            notify(users, kind="blueprint_supervise", level="red" if red else "yellow", obj=p, url=url,
                   outbound=red, title=f"{'红牌' if red else '黄牌'}督办：{p.title}",
                   body=f"{row.note}。请责任单位说明原因和整改措施，并尽快完成。")
        else:
            notify(supervisors(p), kind="blueprint_reply", obj=p, url=url, title=f"督办回复：{p.title}",
                   body=f"{row.actor_name}：{row.note}")


def register() -> None:
    from jishi.core import consumers

    consumers.register("blueprint.notices", BlueprintEvent, apply, label="书记项目督办通知")
