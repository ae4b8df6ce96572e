"""The verbs of 墩苗 secondments: second a cadre to a higher organ (a department of the city) or an advanced
region (a named unit, free text), record the return, and the assessment at the end. The lists the
organisation department watches — out now, due back this month, assessments overdue — are ``queries``."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from jishi.cadres.access import MANAGE
from jishi.cadres.choices import Grade, HostKind, SecondmentState
from jishi.cadres.common import day, region, text
from jishi.cadres.models import Secondment
from jishi.cadres.timeline import actor_name, emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Department, Person
from jishi.org.policy import as_actor

STALE = "该挂职记录刚被他人办理过，请刷新页面后再试"


@writer
def second(actor, *, person_id, region_id, host_kind: str, host_unit: str = "", host_department_id=None,
           post: str = "", starts_on, ends_on) -> Secondment:
    """Second a person of a village (or town) to a host unit for a period."""
    actor = as_actor(actor)
    try:
        person = Person.objects.filter(pk=int(person_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None or not holds(actor, "view", person):
        raise ValidationFailed("人员不存在或不在您的范围内", field="person")
    home = region(region_id, ("village", "town"), "region", "请选择派出的村(社区)或镇(街道)")
    if host_kind not in HostKind.values:
        raise ValidationFailed("请选择挂职去向：上级机关或先进地区", field="host_kind")
    dep = None
    if host_department_id not in (None, ""):
        try:
            dep = Department.objects.filter(pk=int(host_department_id)).first()
        except (TypeError, ValueError):
            dep = None
        if dep is None:
            raise ValidationFailed("接收部门不存在", field="host_department")
    unit = text(host_unit, 100, field="host_unit", label="接收单位") or (dep.name if dep else "")
    if not unit:
        raise ValidationFailed("请填写接收单位", field="host_unit")
    starts, ends = day(starts_on, "starts_on", "开始日期"), day(ends_on, "ends_on", "结束日期")
    if ends <= starts:
        raise ValidationFailed("结束日期须晚于开始日期", field="ends_on")
    s = Secondment(person=person, region=home, host_kind=host_kind, host_department=dep, host_unit=unit,
                   post=text(post, 60, field="post", label="挂职岗位"), starts_on=starts, ends_on=ends)
    s.place_in(home)
    if not holds(actor, MANAGE, s):
        raise NotFound("所选区域不在您的范围内", field="region")
    if Secondment.objects.filter(person=person, state=SecondmentState.OUT, starts_on__lt=ends,
                                 ends_on__gt=starts).exists():
        raise Conflict(f"{person.name}在这段时间已在挂职")
    s.save()
    emit("second", at=timezone.now(), subject=s, person=person, secondment=s, actor=actor.user,
         actor_name=actor_name(actor), to_state=SecondmentState.OUT,
         note=f"到{unit}挂职（{HostKind(host_kind).label}，{starts}至{ends}）",
         data={"host_kind": host_kind, "host_unit": unit})
    audit.record(actor.user, "cadres.second", s, summary=f"{person.name} 到{unit}墩苗", data={"host": unit})
    return s


def _move(actor, s: Secondment, verb: str, sources: tuple[str, ...], target: str, note: str, **fields):
    actor = as_actor(actor)
    if not holds(actor, MANAGE, s):
        raise NotFound("挂职记录不存在或不在您的范围内")
    if s.state not in sources:
        label = {"return": "登记返回", "assess": "考核"}[verb]
        raise Conflict(f"当前状态为“{SecondmentState(s.state).label}”，不能{label}")
    n = Secondment.objects.filter(pk=s.pk, state=s.state, version=s.version).update(
        state=target, version=F("version") + 1, **fields)
    if n != 1:
        raise Conflict(STALE)
    old = s.state
    for k, v in fields.items():
        setattr(s, k, v)
    s.state, s.version = target, s.version + 1
    emit(verb, at=timezone.now(), subject=s, person=s.person, secondment=s, actor=actor.user,
         actor_name=actor_name(actor), from_state=old, to_state=target, note=note,
         data={k: str(v) for k, v in fields.items()})
    audit.record(actor.user, f"cadres.{verb}", s, summary=f"{s.person.name}：{note}", data={"from": old, "to": target})
    return s


@writer
def return_home(actor, s: Secondment, *, on=None) -> Secondment:
    when = day(on, "on", "返回日期") if on else timezone.localdate()
    if when < s.starts_on:
        raise ValidationFailed("返回日期不能早于开始日期", field="on")
    return _move(actor, s, "return", (SecondmentState.OUT,), SecondmentState.RETURNED, f"挂职期满返回（{when}）",
                 returned_on=when)


@writer
def assess(actor, s: Secondment, *, grade: str, comment: str = "", on=None) -> Secondment:
    """The assessment at the end of a secondment (after the return)."""
    if grade not in Grade.values:
        raise ValidationFailed("请选择考核等次", field="grade")
    comment = text(comment, limits.REASON, field="comment", label="考核评语")
    when = day(on, "on", "考核日期") if on else timezone.localdate()
    return _move(actor, s, "assess", (SecondmentState.RETURNED,), SecondmentState.ASSESSED,
                 f"挂职考核：{Grade(grade).label}" + (f"。{comment}" if comment else ""),
                 grade=grade, assessment=comment, assessed_on=when)
