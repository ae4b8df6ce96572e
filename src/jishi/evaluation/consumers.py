"""Who is told of each step of an evaluation: a consumer of the evaluation timeline (``evaluation.notices``),
through ``jishi.notify`` — the community's submission to its town's commanders, the town's review to the city's
commanders, an adjustment and a return to whoever must act next, the city's confirmation (with the star) to the
community's cadres and its town."""

from __future__ import annotations

from django.urls import reverse

from jishi.evaluation.models import EvaluationEvent
from jishi.org.choices import Role
from jishi.org.models import StaffAssignment

TOLD = {"submit", "adjust", "review", "return", "confirm"}


def _users(role: str, region_id: int | None = None) -> list:
    qs = StaffAssignment.objects.filter(is_active=True, role=role, person__user__isnull=False)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return [sa.person.user for sa in qs.select_related("person__user")]


def _recipients(e: EvaluationEvent) -> list:
    a = e.assessment
    village = _users(Role.VILLAGE_CADRE, a.village_id)
    town = _users(Role.TOWN_COMMANDER, a.town_id)
    city = _users(Role.CITY_COMMANDER)
    if e.verb == "submit":
        return town
    if e.verb == "review":
        return city
    if e.verb == "adjust":
        return village
    if e.verb == "return":
        return village if e.to_state == "draft" else town
    return village + town  # confirm


def _text(e: EvaluationEvent) -> tuple[str, str]:
    a = e.assessment
    name, year = a.village.name, a.scheme.year
    d = e.data or {}
    if e.verb == "submit":
        return f"{name}提交了{year}年度智慧社区自评（{d.get('self_total', 0):g}分），请审核", e.note
    if e.verb == "review":
        return f"{a.town.name if a.town_id else ''}已审核{name}{year}年度评价（{d.get('town_total', 0):g}分），请确认", e.note
    if e.verb == "adjust":
        return f"镇街调整了{name}指标{d.get('indicator')}的得分：{d.get('to', 0):g}分", e.note
    if e.verb == "return":
        return f"{name}{year}年度评价被退回", e.note
    return f"{name}{year}年度智慧社区评价已确认：{d.get('star')}星（{d.get('total', 0):g}分）", e.note


def apply(rows: list[EvaluationEvent]) -> None:
    from jishi.notify.services import notify

    wanted = [r.pk for r in rows if r.verb in TOLD]
    if not wanted:
        return
    for e in EvaluationEvent.objects.filter(pk__in=wanted).select_related(
            "assessment", "assessment__village", "assessment__town", "assessment__scheme").order_by("pk"):
        title, body = _text(e)
        notify([u for u in _recipients(e) if u.pk != e.actor_id], kind=f"evaluation.{e.verb}", title=title, body=body,
               url=reverse("evaluation-assessment", args=[e.assessment_id]), obj=e.assessment)


def register() -> None:
    from jishi.core import consumers

    consumers.register("evaluation.notices", EvaluationEvent, apply, label="社区评价通知")
