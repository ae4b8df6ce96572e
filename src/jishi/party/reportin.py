"""The verbs of 三报到三服务: an in-service party member reports (报到) to the community where they live, the
community's cadre accepts or declines, the member takes up services from the community's service list (or an
open need of its three lists) and records the hours served, the community verifies (核实) or refuses each record.

The member acts on their own registration as themselves; the community's verbs are ``holds(actor, "party",
row)`` (org.policy); out of scope is "not found". Each verb is one transaction: the row (a conditional update
on its state and version where it moves), one ``PartyEvent`` and one audit record.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.engage.choices import NeedState
from jishi.engage.models import Need
from jishi.org.choices import Level
from jishi.org.models import Department, Person, Region
from jishi.org.policy import as_actor
from jishi.org.privacy import valid_phone
from jishi.party.choices import RecordState, RegistrationState, ServiceKind, Verb
from jishi.party.common import day, name_of, pk_of, text
from jishi.party.models import Registration, ServiceChoice, ServiceItem, ServiceRecord
from jishi.party.timeline import emit, writer

STALE = "该记录刚被他人办理过，请刷新页面后再试"
MAX_HOURS = Decimal("24")


# --- reading one row ----------------------------------------------------------------------------------------

def registration_for(actor, pk, action: str = "view") -> Registration:
    r = Registration.objects.select_related("person", "community", "department").filter(pk=pk_of(pk) or 0).first()
    if r is None or not holds(as_actor(actor), action, r):
        raise NotFound("报到记录不存在或不在您的范围内")
    return r


def record_for(actor, pk, action: str = "view") -> ServiceRecord:
    r = ServiceRecord.objects.select_related("registration", "person").filter(pk=pk_of(pk) or 0).first()
    if r is None or not holds(as_actor(actor), action, r):
        raise NotFound("服务记录不存在或不在您的范围内")
    return r


def community_for(actor, community, action: str = "party") -> Region:
    r = community if isinstance(community, Region) else Region.objects.filter(pk=pk_of(community) or 0).first()
    if r is None or r.level != Level.VILLAGE or not holds(as_actor(actor), action, r):
        raise NotFound("社区(村)不存在或不在您的范围内", field="community")
    return r


def is_member(actor, reg: Registration) -> bool:
    return bool(actor.person_id) and actor.person_id == reg.person_id


def _own(actor, reg: Registration) -> None:
    if not is_member(actor, reg):
        if holds(actor, "view", reg):
            raise PermissionDenied("只有报到的党员本人可以办理")
        raise NotFound("报到记录不存在或不在您的范围内")


def _party(actor, row, what: str = "报到记录") -> None:
    if not holds(actor, "party", row):
        if holds(actor, "view", row):
            raise PermissionDenied("只有居住地社区(村)的干部可以办理")
        raise NotFound(f"{what}不存在或不在您的范围内")


def _move(model, row, *, expect: str, **fields) -> None:
    n = model.objects.filter(pk=row.pk, version=row.version, state=expect).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(row, k, v)
    row.version += 1


# --- the member reports, the community decides --------------------------------------------------------------

@writer
def register(actor, *, community, department=None, employer: str = "", phone: str = "") -> Registration:
    """The signed-in party member reports to ``community`` (a village or community where they live), naming
    their employer: a department of the city (its party organisation sees the report) or a unit by name."""
    actor = as_actor(actor)
    if not actor.person_id:
        raise PermissionDenied("请先登录并绑定党员身份再报到")
    person = Person.objects.get(pk=actor.person_id)
    if not person.is_party_member:
        raise PermissionDenied("只有党员可以到居住地报到；如信息有误请联系所在社区(村)")
    place = community if isinstance(community, Region) else Region.objects.filter(pk=pk_of(community) or 0).first()
    if place is None or place.level != Level.VILLAGE:
        raise ValidationFailed("请选择居住地所在的社区(村)", field="community")
    dept = None
    if department not in (None, "", 0):
        dept = department if isinstance(department, Department) else \
            Department.objects.filter(pk=pk_of(department) or 0, is_active=True).first()
        if dept is None:
            raise ValidationFailed("所选工作单位不存在", field="department")
    employer = text(employer, 100, "employer", "工作单位") or (dept.name if dept else "")
    if not employer:
        raise ValidationFailed("请选择或填写工作单位", field="employer")
    phone = text(phone, 20, "phone", "联系电话") or person.phone
    if phone and not valid_phone(phone):
        raise ValidationFailed(f"联系电话“{phone}”不是11位手机号", field="phone")
    now = timezone.now()
    reg = Registration.objects.filter(person=person, community=place).first()
    if reg is not None and reg.state != RegistrationState.REJECTED:
        raise Conflict(f"您已向{place.name}报到（{reg.get_state_display()}），无需重复报到")
    before = reg.state if reg else ""
    if reg is None:
        reg = Registration(person=person, community=place)
    reg.place_in(place)
    reg.department, reg.employer, reg.phone = dept, employer, phone
    reg.state, reg.registered_at, reg.reject_reason, reg.decided_at, reg.decided_by = (
        RegistrationState.SUBMITTED, now, "", None, None)
    reg.version = (reg.version or 0) + 1
    reg.save()
    emit(Verb.REGISTER, registration=reg, actor=actor.user, actor_name=name_of(actor), at=now, from_state=before,
         to_state=reg.state, note=employer, data={"community": place.pk, "department": dept.pk if dept else None})
    audit.record(actor.user, "party.register", reg, summary=f"{person.name} 向{place.name}报到（{employer}）",
                 data={"community": place.pk, "department": dept.pk if dept else None})
    return reg


@writer
def accept_registration(actor, reg: Registration) -> Registration:
    actor = as_actor(actor)
    _party(actor, reg)
    if reg.state != RegistrationState.SUBMITTED:
        raise Conflict(f"该报到{reg.get_state_display()}，不能接收")
    now = timezone.now()
    _move(Registration, reg, expect=RegistrationState.SUBMITTED, state=RegistrationState.ACCEPTED, decided_at=now,
          decided_by=actor.user)
    emit(Verb.ACCEPT, registration=reg, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=RegistrationState.SUBMITTED, to_state=reg.state)
    audit.record(actor.user, "party.accept", reg, summary=f"{reg.community.name} 接收 {reg.person.name} 报到")
    return reg


@writer
def reject_registration(actor, reg: Registration, *, reason: str) -> Registration:
    actor = as_actor(actor)
    _party(actor, reg)
    if reg.state != RegistrationState.SUBMITTED:
        raise Conflict(f"该报到{reg.get_state_display()}，不能退回")
    reason = text(reason, 200, "reason", "不予接收原因", required=True)
    now = timezone.now()
    _move(Registration, reg, expect=RegistrationState.SUBMITTED, state=RegistrationState.REJECTED, decided_at=now,
          decided_by=actor.user, reject_reason=reason)
    emit(Verb.REJECT, registration=reg, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=RegistrationState.SUBMITTED, to_state=reg.state, note=reason)
    audit.record(actor.user, "party.reject", reg, summary=f"{reg.community.name} 不予接收 {reg.person.name}：{reason[:60]}")
    return reg


# --- the community's service list, the member's services ---------------------------------------------------

@writer
def add_service_item(actor, *, community, title: str, kind: str = ServiceKind.POST, description: str = "") -> ServiceItem:
    """The community adds a post (岗位) or a service project (服务项目) to the list members choose from."""
    actor = as_actor(actor)
    place = community_for(actor, community)
    if kind not in ServiceKind.values:
        raise ValidationFailed(f"未知的类型“{kind}”", field="kind")
    item = ServiceItem(community=place, kind=kind, title=text(title, 60, "title", "名称", required=True),
                       description=text(description, 300, "description", "说明"))
    item.place_in(place)
    item.save()
    emit(Verb.ITEM, actor=actor.user, actor_name=name_of(actor), at=timezone.now(), note=item.title,
         data={"item": item.pk, "community": place.pk, "kind": kind})
    audit.record(actor.user, "party.service_item", item, summary=f"{place.name} 登记{item.get_kind_display()}：{item.title}")
    return item


def open_needs(community: Region):
    """The community's open needs on its three lists (engage), offered to reporting members."""
    return Need.objects.filter(village_id=community.pk, state=NeedState.OPEN).order_by("-id")


@writer
def choose_service(actor, reg: Registration, *, item=None, need=None) -> ServiceChoice:
    """The member takes up a service: an active item of the community's list or one of its open needs."""
    actor = as_actor(actor)
    _own(actor, reg)
    if reg.state != RegistrationState.ACCEPTED:
        raise Conflict("报到被社区(村)接收后才能认领服务")
    row = None
    if item not in (None, "", 0):
        row = ServiceItem.objects.filter(pk=pk_of(item) or 0, community_id=reg.community_id, is_active=True).first()
        if row is None:
            raise ValidationFailed("所选服务不在本社区(村)的服务清单中", field="item")
        title, field = row.title, {"item": row}
        dup = ServiceChoice.objects.filter(registration=reg, item=row)
    elif need not in (None, "", 0):
        row = open_needs(reg.community).filter(pk=pk_of(need) or 0).first()
        if row is None:
            raise ValidationFailed("所选需求不在本社区(村)待解决的需求清单中", field="need")
        title, field = row.title, {"need": row}
        dup = ServiceChoice.objects.filter(registration=reg, need=row)
    else:
        raise ValidationFailed("请选择一项服务", field="item")
    if dup.exists():
        raise Conflict(f"您已认领“{title}”")
    now = timezone.now()
    choice = ServiceChoice.objects.create(registration=reg, title=title[:80], at=now, **field)
    emit(Verb.CHOOSE, registration=reg, actor=actor.user, actor_name=name_of(actor), at=now, note=title,
         data={"choice": choice.pk, **{k: v.pk for k, v in field.items()}})
    audit.record(actor.user, "party.choose", reg, summary=f"{reg.person.name} 认领服务：{title}")
    return choice


def _hours(value) -> Decimal:
    try:
        h = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed("服务时长须是数字（小时）", field="hours") from None
    if not h.is_finite() or h <= 0 or h > MAX_HOURS or (h * 2) % 1:
        raise ValidationFailed("服务时长须在 0.5 至 24 小时之间，按半小时计", field="hours")
    return h


@writer
def record_service(actor, reg: Registration, *, date, hours, content: str, choice=None) -> ServiceRecord:
    """The member records a service done (服务记录): date, hours, what was done; the community verifies it."""
    actor = as_actor(actor)
    _own(actor, reg)
    if reg.state != RegistrationState.ACCEPTED:
        raise Conflict("报到被社区(村)接收后才能登记服务")
    when = day(date, "date", "服务日期")
    today = timezone.localdate()
    if when > today:
        raise ValidationFailed("服务日期不能晚于今天", field="date")
    if (today - when).days > 366:
        raise ValidationFailed("只能登记一年以内的服务", field="date")
    picked = None
    if choice not in (None, "", 0):
        picked = ServiceChoice.objects.filter(pk=pk_of(choice) or 0, registration=reg).first()
        if picked is None:
            raise ValidationFailed("所选服务不是您认领的服务", field="choice")
    rec = ServiceRecord(registration=reg, choice=picked, person_id=reg.person_id, department_id=reg.department_id,
                        date=when, hours=_hours(hours), content=text(content, 300, "content", "服务内容", required=True))
    rec.place_in(reg.community)
    rec.save()
    emit(Verb.SERVE, registration=reg, record=rec, actor=actor.user, actor_name=name_of(actor), at=timezone.now(),
         to_state=rec.state, note=rec.content, data={"hours": str(rec.hours), "date": when.isoformat()})
    audit.record(actor.user, "party.serve", rec, summary=f"{reg.person.name} 服务 {rec.hours} 小时：{rec.content[:60]}")
    return rec


@writer
def verify_record(actor, rec: ServiceRecord) -> ServiceRecord:
    actor = as_actor(actor)
    _party(actor, rec, "服务记录")
    if rec.state != RecordState.SUBMITTED:
        raise Conflict(f"该服务记录{rec.get_state_display()}，不能核实")
    now = timezone.now()
    _move(ServiceRecord, rec, expect=RecordState.SUBMITTED, state=RecordState.VERIFIED, decided_at=now,
          decided_by=actor.user)
    emit(Verb.VERIFY, registration=rec.registration, record=rec, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=RecordState.SUBMITTED, to_state=rec.state, data={"hours": str(rec.hours)})
    audit.record(actor.user, "party.verify", rec, summary=f"核实 {rec.person.name} 服务 {rec.hours} 小时")
    return rec


@writer
def reject_record(actor, rec: ServiceRecord, *, reason: str) -> ServiceRecord:
    actor = as_actor(actor)
    _party(actor, rec, "服务记录")
    if rec.state != RecordState.SUBMITTED:
        raise Conflict(f"该服务记录{rec.get_state_display()}，不能退回")
    reason = text(reason, 200, "reason", "未通过原因", required=True)
    now = timezone.now()
    _move(ServiceRecord, rec, expect=RecordState.SUBMITTED, state=RecordState.REJECTED, decided_at=now,
          decided_by=actor.user, reject_reason=reason)
    emit(Verb.REFUSE, registration=rec.registration, record=rec, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=RecordState.SUBMITTED, to_state=rec.state, note=reason)
    audit.record(actor.user, "party.refuse", rec, summary=f"{rec.person.name} 的服务记录未通过：{reason[:60]}")
    return rec
