"""The verbs of organisational life (主题党日, 三会一课): schedule an activity of an organisation, record it as
held with its attendance, or cancel it.

Who acts: ``holds(actor, "party", org)`` (the organisation's region's secretaries and commanders, org.policy);
out of scope is "not found". Each verb is one transaction: the row (a conditional update on its state and
version), one ``PartyEvent`` and one audit record.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import PartyOrganization, Venue
from jishi.org.policy import as_actor
from jishi.org.queries import party_members_of
from jishi.party.choices import ActivityKind, ActivityState, Presence, Verb
from jishi.party.common import day, name_of, pk_of, text
from jishi.party.models import Activity, Attendance
from jishi.party.timeline import emit, writer

STALE = "该活动刚被他人办理过，请刷新页面后再试"
ORG_KINDS = ("committee", "village_committee", "grid_org")  # organisations that hold meetings (not posts)


def org_for(actor, org, action: str = "party") -> PartyOrganization:
    """The organisation ``org`` (a row or an id) if the actor may ``action`` on it, else NotFound."""
    if not isinstance(org, PartyOrganization):
        org = PartyOrganization.objects.filter(pk=pk_of(org) or 0).first()
    if org is None or not holds(as_actor(actor), action, org):
        raise NotFound("党组织不存在或不在您的范围内", field="org")
    return org


def _venue(actor, venue, org: PartyOrganization) -> Venue | None:
    if venue in (None, "", 0):
        return None
    v = venue if isinstance(venue, Venue) else Venue.objects.filter(pk=pk_of(venue) or 0).first()
    if v is None or not holds(actor, "view", v):
        raise ValidationFailed("所选阵地不存在或不在您的范围内", field="venue")
    return v


def _when(value, *, field: str = "date") -> date:
    d = day(value, field, "活动日期")
    today = timezone.localdate()
    if abs((d - today).days) > 366:
        raise ValidationFailed("活动日期须在前后一年之内", field=field)
    return d


@writer
def schedule_activity(actor, *, org, kind: str, date, topic: str, place: str = "", venue=None) -> Activity:
    """Put an activity of ``org`` on its calendar (已安排)."""
    actor = as_actor(actor)
    org = org_for(actor, org)
    if org.kind not in ORG_KINDS:
        raise ValidationFailed("先锋驿站、党员中心户不单独开展三会一课，请选择所属网格党组织", field="org")
    if kind not in ActivityKind.values:
        raise ValidationFailed(f"未知的活动类型“{kind}”", field="kind")
    a = Activity(org=org, kind=kind, date=_when(date), topic=text(topic, 120, "topic", "主题", required=True),
                 place=text(place, 120, "place", "地点"), venue=_venue(actor, venue, org))
    a.place_in(org.region)
    a.save()
    now = timezone.now()
    emit(Verb.SCHEDULE, activity=a, actor=actor.user, actor_name=name_of(actor), at=now,
         to_state=a.state, note=a.topic, data={"org": org.pk, "kind": kind, "date": a.date.isoformat()})
    audit.record(actor.user, "party.activity_schedule", a,
                 summary=f"{org.name} 安排{a.get_kind_display()}：{a.topic}", data={"org": org.pk})
    return a


def _apply(a: Activity, *, expect: tuple[str, ...], **fields) -> None:
    n = Activity.objects.filter(pk=a.pk, version=a.version, state__in=expect).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(a, k, v)
    a.version += 1


def activity_for(actor, pk, action: str = "view") -> Activity:
    a = Activity.objects.select_related("org", "venue").filter(pk=pk_of(pk) or 0).first()
    if a is None or not holds(as_actor(actor), action, a):
        raise NotFound("活动不存在或不在您的范围内")
    return a


def _attendance(members: dict[int, str], attendance: dict) -> dict[int, tuple[str, str]]:
    """{person id: (presence, reason)} for every member; a member not named is absent."""
    out: dict[int, tuple[str, str]] = {pid: (Presence.ABSENT, "") for pid in members}
    for key, value in (attendance or {}).items():
        pid = pk_of(key)
        if pid not in members:
            raise ValidationFailed("出勤名单中有不属于本组织的党员", field="attendance")
        presence, reason = (value, "") if isinstance(value, str) else (value[0], value[1] if len(value) > 1 else "")
        if presence not in Presence.values:
            raise ValidationFailed(f"未知的出勤情况“{presence}”", field="attendance")
        reason = text(reason, 100, "attendance", "缺席/请假原因")
        if presence == Presence.EXCUSED and not reason:
            raise ValidationFailed(f"{members[pid]}请假，请填写原因", field="attendance")
        out[pid] = (presence, reason if presence != Presence.PRESENT else "")
    return out


@writer
def record_activity(actor, activity: Activity, *, attendance: dict, summary: str = "", date=None, place=None,
                    venue=None, topic=None) -> Activity:
    """Record a scheduled activity as held: date, place, topic, what was done, and each member's attendance
    (出席/缺席/请假 with the reason; a member not named is absent). Attendance is of the organisation's members
    and those of the organisations below it."""
    actor = as_actor(actor)
    if not holds(actor, "party", activity):
        raise NotFound("活动不存在或不在您的范围内")
    if activity.state != ActivityState.SCHEDULED:
        raise Conflict(f"该活动{activity.get_state_display()}，不能再记录")
    when = _when(date) if date else activity.date
    if when > timezone.localdate():
        raise ValidationFailed("活动还未到日期，不能记录为已开展", field="date")
    members = dict(party_members_of(activity.org).values_list("id", "name"))
    marks = _attendance(members, attendance)
    counts = {p: sum(1 for v, _ in marks.values() if v == p) for p in Presence.values}
    fields = dict(state=ActivityState.HELD, date=when, summary=text(summary, 2000, "summary", "活动记录"),
                  expected=len(marks), present=counts[Presence.PRESENT], absent=counts[Presence.ABSENT],
                  excused=counts[Presence.EXCUSED])
    if place is not None:
        fields["place"] = text(place, 120, "place", "地点")
    if topic is not None:
        fields["topic"] = text(topic, 120, "topic", "主题", required=True)
    if venue is not None:
        fields["venue"] = _venue(actor, venue, activity.org)
    _apply(activity, expect=(ActivityState.SCHEDULED,), **fields)
    Attendance.objects.bulk_create([Attendance(activity=activity, person_id=pid, presence=v, reason=r)
                                    for pid, (v, r) in marks.items()])
    emit(Verb.HOLD, activity=activity, actor=actor.user, actor_name=name_of(actor), at=timezone.now(),
         from_state=ActivityState.SCHEDULED, to_state=ActivityState.HELD, note=activity.topic,
         data={"expected": activity.expected, "present": activity.present, "excused": activity.excused})
    audit.record(actor.user, "party.activity_hold", activity,
                 summary=f"{activity.org.name} {activity.get_kind_display()} 实到 {activity.present}/{activity.expected}")
    return activity


@writer
def cancel_activity(actor, activity: Activity, *, reason: str) -> Activity:
    actor = as_actor(actor)
    if not holds(actor, "party", activity):
        raise NotFound("活动不存在或不在您的范围内")
    if activity.state != ActivityState.SCHEDULED:
        raise Conflict(f"该活动{activity.get_state_display()}，不能取消")
    reason = text(reason, 200, "reason", "取消原因", required=True)
    _apply(activity, expect=(ActivityState.SCHEDULED,), state=ActivityState.CANCELLED, summary=reason)
    emit(Verb.CANCEL, activity=activity, actor=actor.user, actor_name=name_of(actor), at=timezone.now(),
         from_state=ActivityState.SCHEDULED, to_state=ActivityState.CANCELLED, note=reason)
    audit.record(actor.user, "party.activity_cancel", activity, summary=f"{activity.org.name} 取消活动：{reason[:60]}")
    return activity
