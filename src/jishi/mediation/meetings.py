"""Co-governance meetings (党群议事会, 民情帮帮团): record a meeting and its decisions; a decision becomes a
case in one tap through the case intake (``cases.intake.report_case``) and shows that case's state."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jishi.cases.choices import Channel
from jishi.cases.intake import report_case
from jishi.cases.models import Category
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.mediation.choices import MeetingKind
from jishi.mediation.models import Decision, Meeting
from jishi.mediation.timeline import emit, writer
from jishi.org.models import Region
from jishi.org.policy import as_actor


def _name(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


def record_meeting(actor, *, kind: str, topic: str, held_on: date, region, place: str = "",
                   participants: str = "", minutes: str = "", decisions=()) -> Meeting:
    """Record a meeting of a village or town with its minutes and decisions (one per line)."""
    return _record(as_actor(actor), kind=kind, topic=topic, held_on=held_on, region=region, place=place,
                   participants=participants, minutes=minutes, decisions=decisions)


@writer
def _record(actor, *, kind, topic, held_on, region, place, participants, minutes, decisions) -> Meeting:
    if kind not in MeetingKind.values:
        raise ValidationFailed(f"未知的会议类型“{kind}”", field="kind")
    topic = (topic or "").strip()
    if not topic:
        raise ValidationFailed("请填写议题", field="topic")
    if held_on is None or held_on > timezone.localdate():
        raise ValidationFailed("会议日期不能晚于今天", field="held_on")
    r = region if isinstance(region, Region) else Region.objects.filter(pk=region).first() if region else None
    if r is None or r.level not in ("town", "village"):
        raise ValidationFailed("请选择召开会议的村(社区)或镇(街道)", field="region")
    m = Meeting(kind=kind, topic=topic[:120], held_on=held_on, region=r, place=(place or "")[:120],
                participants=participants or "", minutes=minutes or "", recorded_by=actor.user)
    m.place_in(r)
    if not holds(actor, "manage", m):
        raise NotFound("所选区域不在您的范围内", field="region")
    m.save()
    texts = [t.strip()[:300] for t in decisions if t and t.strip()]
    Decision.objects.bulk_create([Decision(meeting=m, text=t) for t in texts])
    emit("meeting", meeting=m, actor=actor.user, actor_name=_name(actor), at=timezone.now(), note=topic[:200],
         data={"kind": kind, "decisions": len(texts), "region": r.pk})
    audit.record(actor.user, "mediation.meeting", m, summary=f"{m.get_kind_display()}：{topic[:60]}",
                 data={"decisions": len(texts)})
    return m


def decision_to_case(actor, decision: Decision, *, category_code: str) -> Decision:
    """Make the decision a case (one tap): the case intake, idempotent per decision."""
    actor = as_actor(actor)
    meeting = decision.meeting
    if not holds(actor, "manage", meeting):
        raise NotFound("会议不存在或不在您的范围内")
    if decision.case_id:
        raise Conflict("该决议已转为事件")
    if not Category.objects.filter(code=category_code, is_active=True, parent__isnull=False).exists():
        raise ValidationFailed("请选择事件分类", field="category")
    case = report_case(
        actor, channel=Channel.RESIDENT, category_code=category_code, title=decision.text[:120],
        description=f"{meeting.get_kind_display()}（{meeting.held_on:%Y-%m-%d}，{meeting.topic}）决议：{decision.text}",
        region_code=meeting.region.code, idempotency_key=f"meeting-decision:{decision.pk}")
    return _link(actor, decision, case)


@writer
def _link(actor, decision: Decision, case) -> Decision:
    n = Decision.objects.filter(pk=decision.pk, case__isnull=True).update(case=case)
    if n != 1:
        raise Conflict("该决议已转为事件")
    decision.case = case
    emit("decision_case", meeting=decision.meeting, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         note=decision.text[:200], data={"decision": decision.pk, "case": case.pk, "number": case.number})
    audit.record(actor.user, "mediation.decision_case", decision.meeting,
                 summary=f"决议转事件 {case.number}", data={"decision": decision.pk, "case": case.pk})
    return decision
