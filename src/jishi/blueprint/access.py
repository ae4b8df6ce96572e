"""Who reaches and who acts on blueprint projects, fund projects and alliance problems (``org.policy`` GRANTS).

Reading: ``restrict(actor, "view")``: the project's region (cadres, commanders) or its owner department.
Acting (progress, time nodes done, the reply to supervision): ``holds(actor, "blueprint", project)``.
Planning (projects, weights, time nodes; the fund's approvals and payments): ``holds(actor, "manage", row)``.
Out of scope is "not found" (no existence oracle).
"""

from __future__ import annotations

from jishi.blueprint.models import AllianceProblem, FundProject, Project
from jishi.core.actor import Actor
from jishi.core.errors import NotFound, PermissionDenied
from jishi.core.scope import holds
from jishi.org.policy import as_actor

ACT = "blueprint"


def projects(actor):
    return Project.objects.restrict(as_actor(actor), "view")


def project_for(actor, pk) -> Project:
    p = (Project.objects.select_related("region", "owner_department", "parent", "blueprint")
         .filter(pk=pk).first())
    if p is None or not holds(as_actor(actor), "view", p):
        raise NotFound("项目不存在或不在您的范围内")
    return p


def may_act(actor: Actor, project: Project) -> bool:
    return holds(actor, ACT, project)


def may_plan(actor: Actor, project: Project) -> bool:
    return holds(actor, "manage", project)


def require(actor, project: Project, *, plan: bool = False) -> Actor:
    actor = as_actor(actor)
    if not holds(actor, "view", project) and not holds(actor, ACT, project):
        raise NotFound("项目不存在或不在您的范围内")
    if not (may_plan(actor, project) if plan else may_act(actor, project)):
        raise PermissionDenied("您可以查看该项目，但不能" + ("调整项目计划" if plan else "办理该项目"))
    return actor


def fund_project_for(actor, pk) -> FundProject:
    p = FundProject.objects.select_related("region", "tranche__fund", "village", "town").filter(pk=pk).first()
    if p is None or not holds(as_actor(actor), "view", p):
        raise NotFound("基金项目不存在或不在您的范围内")
    return p


def problem_for(actor, pk) -> AllianceProblem:
    p = (AllianceProblem.objects.select_related("alliance", "raised_by__region", "solved_by__region")
         .filter(pk=pk).first())
    if p is None or not holds(as_actor(actor), "view", p):
        raise NotFound("联盟问题不存在或不在您的范围内")
    return p
