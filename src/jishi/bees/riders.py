"""聚新入格: a courier or rider registers as a 小蜜蜂 (``register``); the station's manager or the staff who manage
its place decide (``approve`` / ``reject``). Approval gives the person an informant post (``org.StaffAssignment``
of role 小蜜蜂) at the station's place, so their reports come in on the informant channel and earn 公益积分; a
person record is opened for an account that has none. Each verb: the row, its timeline row and its audit record
in one transaction; a state change is a conditional update on the old state (two reviewers cannot both win)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from jishi.accounts.codes import phone as clean_phone
from jishi.bees import access
from jishi.bees.choices import Platform, RiderState, Verb
from jishi.bees.models import Rider, Station
from jishi.bees.timeline import emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.org.choices import Level, Role
from jishi.org.models import Person, Region, StaffAssignment
from jishi.org.policy import as_actor


def _rounds(station: Station, round_ids) -> list[Region]:
    """The grids of the rider's rounds: grids or micro-grids of the station's town."""
    ids = sorted({int(i) for i in round_ids or [] if str(i).isdigit() and 0 < int(i) < 2**63})
    if not ids:
        return []
    found = list(Region.objects.filter(pk__in=ids, level__in=(Level.GRID, Level.MICROGRID), town_id=station.town_id))
    if len(found) != len(ids):
        raise ValidationFailed("配送片区须为本驿站所在镇(街道)的网格", field="rounds")
    return found


@writer
def register(actor, *, name: str, phone: str, platform: str, station_id, platform_other: str = "",
             rounds=None) -> Rider:
    """A signed-in courier registers as a 小蜜蜂 of a station, with the grids of their rounds."""
    actor = as_actor(actor)
    if not actor.is_authenticated or actor.user is None:
        raise PermissionDenied("请先登录再申请")
    name = limits.check((name or "").strip(), limits.PERSON_NAME, field="name", label="姓名")
    if not name:
        raise ValidationFailed("请填写姓名", field="name")
    phone = clean_phone(phone)
    if platform not in Platform.values:
        raise ValidationFailed("请选择所属平台", field="platform")
    platform_other = limits.check((platform_other or "").strip(), 30, field="platform_other", label="其他平台名称")
    if platform == Platform.OTHER and not platform_other:
        raise ValidationFailed("请填写平台名称", field="platform_other")
    station = Station.objects.filter(pk=station_id).first() if str(station_id or "").isdigit() and \
        0 < int(station_id) < 2**63 else None
    if station is None:
        raise ValidationFailed("请选择所属驿站", field="station")
    grids = _rounds(station, rounds)
    if Rider.objects.filter(user=actor.user, state__in=[RiderState.PENDING, RiderState.APPROVED]).exists():
        raise Conflict("您已申请或已是小蜜蜂", code="already_registered")
    rider = Rider(user=actor.user, person_id=actor.person_id, name=name, phone=phone, platform=platform,
                  platform_other=platform_other if platform == Platform.OTHER else "", station=station)
    rider.place_in(station.region)
    try:
        with transaction.atomic():
            rider.save()
    except IntegrityError as exc:  # a concurrent twin registered first
        raise Conflict("您已申请或已是小蜜蜂", code="already_registered") from exc
    rider.rounds.set(grids)
    now = timezone.now()
    emit(Verb.REGISTER, at=now, rider=rider, actor=actor, to_state=RiderState.PENDING,
         data={"station": station.pk, "platform": platform})
    audit.record(actor.user, "bees.rider.register", rider, summary=f"{name} 申请加入{station.name}")
    return rider


def _decide(actor, rider: Rider, to: str, note: str) -> Rider:
    actor = as_actor(actor)
    if not access.may_approve(actor, rider):
        if access.riders(actor).filter(pk=rider.pk).exists():
            raise PermissionDenied("只有驿站站长或镇村管理人员可以审核")
        raise NotFound("登记不存在或不在您的范围内")
    note = limits.check((note or "").strip(), 200, field="note", label="审核意见")
    if to == RiderState.REJECTED and not note:
        raise ValidationFailed("不通过须写明原因", field="note")
    now = timezone.now()
    if Rider.objects.filter(pk=rider.pk, state=RiderState.PENDING).update(
            state=to, reviewed_by=actor.user, reviewed_at=now, review_note=note, updated_at=now) != 1:
        rider.refresh_from_db()
        raise Conflict(f"该登记{rider.get_state_display()}，不能再审核", code="already_decided")
    rider.refresh_from_db()
    return rider


@writer
def approve(actor, rider: Rider, note: str = "") -> Rider:
    """Approve: the person (opened for the account if it has none) gets an informant post at the station."""
    actor = as_actor(actor)
    rider = _decide(actor, rider, RiderState.APPROVED, note)
    station = rider.station
    person = rider.person
    if person is None and rider.user_id:
        person = Person.objects.filter(user_id=rider.user_id).first()
    if person is None:
        person = Person(name=rider.name, phone=rider.phone, user_id=rider.user_id)
        person.place_in(station.region)
        person.save()
    post = StaffAssignment.objects.filter(person=person, role=Role.INFORMANT, region=station.region,
                                          is_active=True).first()
    if post is None:
        post = StaffAssignment(person=person, role=Role.INFORMANT, region=station.region, specialty="小蜜蜂")
        post.place_in(station.region)
        post.save()
    Rider.objects.filter(pk=rider.pk).update(person=person, post=post)
    rider.person, rider.post = person, post
    emit(Verb.APPROVE, at=rider.reviewed_at, rider=rider, actor=actor, from_state=RiderState.PENDING,
         to_state=RiderState.APPROVED, note=rider.review_note, data={"post": post.pk, "person": person.pk})
    audit.record(actor.user, "bees.rider.approve", rider, summary=f"{rider.name} 加入{station.name}（小蜜蜂岗位 #{post.pk}）")
    return rider


@writer
def reject(actor, rider: Rider, note: str) -> Rider:
    actor = as_actor(actor)
    rider = _decide(actor, rider, RiderState.REJECTED, note)
    emit(Verb.REJECT, at=rider.reviewed_at, rider=rider, actor=actor, from_state=RiderState.PENDING,
         to_state=RiderState.REJECTED, note=rider.review_note)
    audit.record(actor.user, "bees.rider.reject", rider, summary=f"{rider.name} 登记未通过：{rider.review_note}")
    return rider


def mine(actor) -> Rider | None:
    """The actor's newest registration (approved first)."""
    actor = as_actor(actor)
    from django.db.models import Q

    if not actor.is_authenticated:
        return None
    who = Q(user_id=actor.user_id)
    if actor.person_id:
        who |= Q(person_id=actor.person_id)
    rows = Rider.objects.filter(who).select_related("station", "station__venue")
    return rows.filter(state=RiderState.APPROVED).first() or rows.first()
