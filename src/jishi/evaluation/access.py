"""Who reads an assessment and which step they take.

Reading: ``Assessment.objects.restrict(actor, "evaluate")`` / ``holds(actor, "evaluate", a)`` — the community's
cadres, its town's and the city's commanders (``org.policy`` GRANTS). Out of scope is "not found".
Acting: the step of the actor's level (``policy.evaluation_level_of``): village → self-assessment, town →
review, city → confirmation and the schemes.
"""

from __future__ import annotations

from jishi.core.actor import Actor
from jishi.core.errors import NotFound, PermissionDenied
from jishi.core.scope import holds
from jishi.evaluation.models import Assessment, Evidence
from jishi.org.policy import as_actor, evaluation_level_of, may_keep_evaluation_schemes

ACTION = "evaluate"
STEP_LABEL = {"village": "村(社区)自评", "town": "镇(街道)审核", "city": "市级确认"}


def visible(actor):
    return Assessment.objects.restrict(as_actor(actor), ACTION)


def assessment_for(actor, pk) -> Assessment:
    a = Assessment.objects.select_related("scheme", "village", "town").filter(pk=pk).first()
    if a is None or not holds(as_actor(actor), ACTION, a):
        raise NotFound("评价不存在或不在您的范围内")
    return a


def evidence_for(actor, pk) -> Evidence:
    e = Evidence.objects.select_related("assessment").filter(pk=pk).first()
    if e is None or not holds(as_actor(actor), ACTION, e.assessment):
        raise NotFound("材料不存在或不在您的范围内")
    return e


def level(actor: Actor) -> str | None:
    return evaluation_level_of(actor)


def require_step(actor, assessment: Assessment, step: str) -> Actor:
    """The actor reaches the assessment and takes ``step`` (village/town/city)."""
    actor = as_actor(actor)
    if not holds(actor, ACTION, assessment):
        raise NotFound("评价不存在或不在您的范围内")
    if level(actor) != step and not actor.is_system:
        raise PermissionDenied(f"这一步由{STEP_LABEL[step]}办理，您可以查看但不能操作")
    return actor


def require_scheme_keeper(actor) -> Actor:
    actor = as_actor(actor)
    if not may_keep_evaluation_schemes(actor):
        raise PermissionDenied("评价体系由市级维护")
    return actor
