"""The verbs of the reserve pool (后备力量储备库): a person enters (from a round, or nominated by the
organisation), is evaluated once a year (优秀/合格/基本合格/不合格) and is promoted out of the pool into a post.
Each verb writes the row, one timeline row and one audit record in one transaction; the state moves by a
conditional update on the old state and version."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jishi.cadres.access import MANAGE
from jishi.cadres.choices import Grade, MemberSource, MemberState
from jishi.cadres.common import day, region, text
from jishi.cadres.models import Evaluation, ReserveMember
from jishi.cadres.timeline import actor_name, emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Person
from jishi.org.policy import as_actor


@writer
def enter(actor, person: Person, village, *, source: str = MemberSource.NOMINATION, applicant=None,
          joined_on: date | None = None, note: str = "") -> ReserveMember:
    """A person enters the reserve pool of a village (once at a time)."""
    actor = as_actor(actor)
    v = region(village, ("village",), "village", "请选择所在村(社区)")
    if source not in MemberSource.values:
        raise ValidationFailed("未知的来源", field="source")
    m = ReserveMember(person=person, region=v, source=source, applicant=applicant,
                      joined_on=joined_on or timezone.localdate(),
                      note=text(note, limits.REASON, field="note", label="备注"))
    m.place_in(v)
    if not holds(actor, MANAGE, m):
        raise NotFound("所选村(社区)不在您的范围内", field="village")
    if ReserveMember.objects.filter(person=person, state=MemberState.ACTIVE).exists():
        raise Conflict(f"{person.name}已在储备库中")
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:
        raise Conflict(f"{person.name}已在储备库中") from None
    emit("pool_add", at=timezone.now(), subject=m, person=person, member=m, applicant=applicant, actor=actor.user,
         actor_name=actor_name(actor), to_state=MemberState.ACTIVE,
         note=f"进入{v.name}后备力量储备库（{MemberSource(source).label}）")
    audit.record(actor.user, "cadres.pool_add", m, summary=f"{person.name} 进入储备库", data={"village": v.pk})
    return m


@writer
def nominate(actor, *, person_id, village_id, note: str = "") -> ReserveMember:
    """The organisation nominates a person of its region into the pool."""
    actor = as_actor(actor)
    try:
        person = Person.objects.filter(pk=int(person_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None or not holds(actor, "view", person):
        raise ValidationFailed("人员不存在或不在您的范围内", field="person")
    return enter(actor, person, village_id, source=MemberSource.NOMINATION, note=note)


@writer
def evaluate(actor, m: ReserveMember, *, year: int, grade: str, comment: str = "") -> Evaluation:
    """The yearly evaluation of an active member (one per year)."""
    actor = as_actor(actor)
    if not holds(actor, MANAGE, m):
        raise NotFound("储备人员不存在或不在您的范围内")
    if m.state != MemberState.ACTIVE:
        raise Conflict(f"当前状态为“{MemberState(m.state).label}”，不能评价")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed("请填写年度", field="year") from None
    if not m.joined_on.year <= year <= timezone.localdate().year:
        raise ValidationFailed(f"年度须在入库年度（{m.joined_on.year}）至今年之间", field="year")
    if grade not in Grade.values:
        raise ValidationFailed("请选择评价等次", field="grade")
    comment = text(comment, limits.REASON, field="comment", label="评语")
    if Evaluation.objects.filter(member=m, year=year).exists():
        raise Conflict(f"{year}年度已评价")
    try:
        with transaction.atomic():
            ev = Evaluation.objects.create(member=m, year=year, grade=grade, comment=comment, evaluator=actor.user,
                                           evaluator_name=actor_name(actor), at=timezone.now())
    except IntegrityError:
        raise Conflict(f"{year}年度已评价") from None
    emit("evaluate", at=ev.at, subject=m, person=m.person, member=m, actor=actor.user, actor_name=actor_name(actor),
         note=f"{year}年度评价：{Grade(grade).label}" + (f"。{comment}" if comment else ""),
         data={"year": year, "grade": grade})
    audit.record(actor.user, "cadres.evaluate", m, summary=f"{m.person.name} {year}年度 {Grade(grade).label}",
                 data={"year": year, "grade": grade})
    return ev


@writer
def promote(actor, m: ReserveMember, *, post: str, on=None) -> ReserveMember:
    """Promote an active member out of the pool into a post (使用)."""
    actor = as_actor(actor)
    if not holds(actor, MANAGE, m):
        raise NotFound("储备人员不存在或不在您的范围内")
    post = text(post, 60, field="post", label="使用岗位", required=True)
    when = day(on, "on", "使用日期") if on else timezone.localdate()
    if m.state != MemberState.ACTIVE:
        raise Conflict(f"当前状态为“{MemberState(m.state).label}”，不能使用")
    if when < m.joined_on:
        raise ValidationFailed("使用日期不能早于入库日期", field="on")
    n = ReserveMember.objects.filter(pk=m.pk, state=MemberState.ACTIVE, version=m.version).update(
        state=MemberState.PROMOTED, promoted_to=post, promoted_on=when, version=F("version") + 1)
    if n != 1:
        raise Conflict("该人员刚被他人办理过，请刷新页面后再试")
    m.state, m.promoted_to, m.promoted_on, m.version = MemberState.PROMOTED, post, when, m.version + 1
    emit("promote", at=timezone.now(), subject=m, person=m.person, member=m, actor=actor.user,
         actor_name=actor_name(actor), from_state=MemberState.ACTIVE, to_state=MemberState.PROMOTED,
         note=f"使用为{post}", data={"post": post, "on": when.isoformat()})
    audit.record(actor.user, "cadres.promote", m, summary=f"{m.person.name} 使用为{post}", data={"post": post})
    return m
