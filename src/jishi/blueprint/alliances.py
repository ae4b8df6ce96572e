"""The verbs of the 毗邻党建联盟: a member raises a shared problem; any member solves it (with the joint
project that did). Every member of the alliance reads the whole list (``AllianceProblem.scope_q``). A member
of Jishi's tree acts through the commanders/cadres of its region (``manage``); an outside member's problems
are recorded by the alliance's convener.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from jishi.blueprint.choices import ProblemField, ProblemState
from jishi.blueprint.models import Alliance, AllianceMember, AllianceProblem
from jishi.blueprint.timeline import actor_name, emit, writer
from jishi.core import audit
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.policy import as_actor


def speaks_for(actor, member: AllianceMember) -> bool:
    """Whether ``actor`` acts for ``member``: its region's managers; for an outside member, the convener's."""
    if member.region_id:
        return holds(actor, "manage", member)
    convener = AllianceMember.objects.filter(alliance_id=member.alliance_id, is_convener=True).first()
    return actor.scope("manage").everything or (
        convener is not None and convener.region_id is not None and holds(actor, "manage", convener))


def members_for(actor, alliance: Alliance) -> list[AllianceMember]:
    """The members ``actor`` may act for in ``alliance``."""
    rows = list(alliance.members.select_related("region"))
    return [m for m in rows if speaks_for(actor, m)]


def _member(actor, alliance: Alliance, member, field: str) -> AllianceMember:
    m = member if isinstance(member, AllianceMember) else \
        AllianceMember.objects.filter(pk=member, alliance=alliance).select_related("region").first() if member else None
    if m is None or m.alliance_id != alliance.pk:
        raise ValidationFailed("请选择联盟成员", field=field)
    if not speaks_for(actor, m):
        raise PermissionDenied(f"您不能代表“{m.name}”")
    return m


@writer
def raise_problem(actor, alliance: Alliance, *, member, title: str, field: str, detail: str = "") -> AllianceProblem:
    actor = as_actor(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写问题", field="title")
    if field not in ProblemField.values:
        raise ValidationFailed(f"未知的领域“{field}”", field="field")
    m = _member(actor, alliance, member, "member")
    now = timezone.now()
    p = AllianceProblem.objects.create(alliance=alliance, title=title[:120], detail=(detail or "").strip(),
                                       field=field, raised_by=m, raised_at=now)
    emit("problem_raise", problem=p, actor=actor.user, actor_name=actor_name(actor), at=now, note=title[:200],
         data={"alliance": alliance.pk, "member": m.pk, "field": field})
    audit.record(actor.user, "alliance.raise", p, summary=f"{alliance.name}：{m.name}提出“{title[:60]}”")
    return p


@writer
def solve_problem(actor, problem: AllianceProblem, *, member, solution: str, joint_project: str = "") -> AllianceProblem:
    actor = as_actor(actor)
    if problem.state != ProblemState.OPEN:
        raise Conflict("该问题已解决")
    solution = (solution or "").strip()
    if not solution:
        raise ValidationFailed("请填写解决情况", field="solution")
    m = _member(actor, problem.alliance, member, "member")
    now = timezone.now()
    n = AllianceProblem.objects.filter(pk=problem.pk, version=problem.version, state=ProblemState.OPEN).update(
        state=ProblemState.SOLVED, solved_by=m, solved_at=now, solution=solution,
        joint_project=(joint_project or "").strip()[:120], version=F("version") + 1)
    if n != 1:
        raise Conflict("该问题刚被其他成员办理过，请刷新后再试")
    problem.refresh_from_db()
    emit("problem_solve", problem=problem, actor=actor.user, actor_name=actor_name(actor), at=now,
         note=solution[:500], data={"member": m.pk, "joint_project": problem.joint_project})
    audit.record(actor.user, "alliance.solve", problem, summary=f"{problem.alliance.name}：{m.name}解决“{problem.title[:60]}”")
    return problem
