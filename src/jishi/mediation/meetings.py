"""Co-governance meetings (党群议事会, 民情帮帮团): record a meeting and its decisions; a decision becomes a
case in one tap through the case intake (``cases.intake.report_case``), a micro-wish (``engage.wishes.post_wish``)
or a need for a micro-project (``engage.projects.add_need``), and shows the linked row's state."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from jishi.cases.choices import Channel
from jishi.cases.intake import report_case
from jishi.cases.models import Category
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.engage import projects as engage_projects
from jishi.engage import wishes as engage_wishes
from jishi.engage.choices import NeedSource, WishKind, WishSource
from jishi.engage.models import Need, Wish
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


def decision_ref(decision: Decision) -> str:
    """The ``source_ref`` of a wish or need made from this decision (found again if the link was lost)."""
    return f"meeting-decision:{decision.pk}"


def _managed(actor, decision: Decision) -> Meeting:
    meeting = decision.meeting
    if not holds(actor, "manage", meeting):
        raise NotFound("会议不存在或不在您的范围内")
    return meeting


def _describe(meeting: Meeting, decision: Decision) -> str:
    return f"{meeting.get_kind_display()}（{meeting.held_on:%Y-%m-%d}，{meeting.topic}）决议：{decision.text}"


def decision_to_wish(actor, decision: Decision) -> Wish:
    """Make the decision a micro-wish (one tap) put down by the cadre for the residents (代为提出: the wisher is
    the meeting), in the meeting's village, waiting for review like any wish. Idempotent per decision."""
    actor = as_actor(actor)
    meeting = _managed(actor, decision)
    if not meeting.village_id:
        raise ValidationFailed("镇(街道)的会议决议请列入需求清单；微心愿须落到村(社区)", field="decision")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.wish_id:
            return decision.wish
        wish = Wish.objects.filter(source_ref=decision_ref(decision)).first()
        if wish is None:
            wish = engage_wishes.post_wish(
                actor, title=decision.text[:60], content=_describe(meeting, decision), kind=WishKind.SERVICE,
                region=meeting.region, wisher_name=f"{meeting.region.name}{meeting.get_kind_display()}"[:50],
                source=WishSource.PROXY, source_ref=decision_ref(decision))
        _link_item(actor, decision, meeting, "wish", wish, note=wish.number or "",
                   summary=f"决议转微心愿 {wish.number}")
    return wish


def decision_to_need(actor, decision: Decision) -> Need:
    """Put the decision on the needs list of the meeting's village or town (one tap), for a micro-project (揭榜挂帅)
    to take up. Idempotent per decision."""
    actor = as_actor(actor)
    meeting = _managed(actor, decision)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.need_id:
            return decision.need
        need = Need.objects.filter(source_ref=decision_ref(decision)).first()
        if need is None:
            need = engage_projects.add_need(
                actor, title=decision.text[:80], region=meeting.region, description=_describe(meeting, decision),
                source=NeedSource.RESIDENT, source_ref=decision_ref(decision))
        _link_item(actor, decision, meeting, "need", need, note=need.title[:200],
                   summary=f"决议列入需求清单：{need.title[:40]}")
    return need


@writer
def _link_item(actor, decision: Decision, meeting: Meeting, field: str, row, *, note: str, summary: str) -> None:
    Decision.objects.filter(pk=decision.pk, **{f"{field}__isnull": True}).update(**{field: row})
    setattr(decision, field, row)
    emit(f"decision_{field}", meeting=meeting, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         note=note, data={"decision": decision.pk, field: row.pk})
    audit.record(actor.user, f"mediation.decision_{field}", meeting, summary=summary,
                 data={"decision": decision.pk, field: row.pk})
