"""Party endpoints under ``/api/v1/party``: organisations (tree rows with the one member count), activities
(schedule, record, cancel), 三报到三服务 registrations (register, accept, reject, choose a service, record hours)
and service records (verify, refuse). Each endpoint calls the same service function as the pages; what a caller
sees goes through ``restrict``/``holds``; out of scope: 404."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import PartyOrganization
from jishi.org.policy import may_see_personal_data
from jishi.org.privacy import mask_phone
from jishi.party import activities, queries, reportin
from jishi.party.choices import ActivityKind, Presence, ServiceKind
from jishi.party.models import Activity, Registration, ServiceRecord

router = Router()


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    region_id: int
    secretary_name: str
    members_direct: int = Field(..., description="直属党员：所在党组织为本组织的党员")
    members_total: int = Field(..., description="党员总数：本组织及下级组织的党员（与区域页党员数一致）")
    party_households: int
    activities_held: int = Field(..., description="本年本组织开展的活动")


class OrgFilters(Schema):
    parent: Id | None = Field(None, description="下级组织；不填：我范围内的最上级组织")
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _org_out(rows) -> list[dict]:
    return [{"id": r["org"].pk, "code": r["org"].code, "name": r["org"].name, "kind": r["org"].kind,
             "parent_id": r["org"].parent_id, "region_id": r["org"].region_id,
             "secretary_name": r["org"].secretary.name if r["org"].secretary else "", "members_direct": r["direct"],
             "members_total": r["total"], "party_households": r["households"], "activities_held": r["activities"]}
            for r in rows]


def _year():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


@router.get("/orgs", response=page_of(OrgOut), summary="党组织：我范围内的最上级组织或某组织的下级组织，含党员数")
@require_scope("party:read")
def org_list(request: HttpRequest, filters: Query[OrgFilters]):
    actor = actor_of(request)
    visible = PartyOrganization.objects.restrict(actor, "view")
    qs = visible.filter(parent_id=filters.parent) if filters.parent else queries.roots(visible)
    page = paginate(qs.select_related("secretary"), cursor=filters.cursor, limit=filters.limit, keys=("code", "id"))
    page["items"] = _org_out(queries.org_rows(page["items"], *_year()))
    return page


@router.get("/orgs/{org_id}", response=OrgOut, summary="党组织详情（党员数：直属与含下级）")
@require_scope("party:read")
def org_get(request: HttpRequest, org_id: PathId):
    actor = actor_of(request)
    org = PartyOrganization.objects.select_related("secretary").filter(pk=org_id).first()
    if org is None or not holds(actor, "view", org):
        raise NotFound("党组织不存在或不在您的范围内")
    return _org_out(queries.org_rows([org], *_year()))[0]


# --- activities ---------------------------------------------------------------------------------------------

class ActivityOut(Schema):
    id: int
    org_id: int
    kind: str
    state: str
    date: Date
    place: str
    venue_id: int | None
    topic: str
    summary: str
    expected: int
    present: int
    absent: int
    excused: int
    rate: float | None
    version: int


class ActivityFilters(Schema):
    org: Id | None = None
    kind: ActivityKind | None = None
    first: Date | None = None
    last: Date | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ActivityIn(Schema):
    org_id: Id
    kind: ActivityKind
    date: Date
    topic: str = Field(..., min_length=1, max_length=120)
    place: str = Field("", max_length=120)
    venue_id: Id | None = None


class AttendanceIn(Schema):
    person_id: Id
    presence: Presence
    reason: str = Field("", max_length=100)


class RecordIn(Schema):
    attendance: list[AttendanceIn] = Field(default_factory=list, max_length=2000,
                                           description="未列出的党员记为缺席；请假须填原因")
    summary: str = Field("", max_length=2000)
    date: Date | None = None
    place: str | None = Field(None, max_length=120)


class PartyReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


@router.get("/activities", response=page_of(ActivityOut), summary="组织生活（主题党日、三会一课）")
@require_scope("party:read")
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]):
    qs = Activity.objects.restrict(actor_of(request), "view")
    if filters.org:
        qs = qs.filter(org_id=filters.org)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.first:
        qs = qs.filter(date__gte=filters.first)
    if filters.last:
        qs = qs.filter(date__lte=filters.last)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("date", "id"))


@router.post("/activities", response={201: ActivityOut}, summary="安排活动")
@require_scope("party:write")
def activity_create(request: HttpRequest, payload: ActivityIn):
    a = activities.schedule_activity(actor_of(request), org=payload.org_id, kind=payload.kind, date=payload.date,
                                     topic=payload.topic, place=payload.place, venue=payload.venue_id)
    return Status(201, a)


@router.get("/activities/{activity_id}", response=ActivityOut, summary="活动详情")
@require_scope("party:read")
def activity_get(request: HttpRequest, activity_id: PathId):
    return activities.activity_for(actor_of(request), activity_id)


@router.post("/activities/{activity_id}/record", response=ActivityOut, summary="记录为已开展（含出勤）")
@require_scope("party:write")
def activity_record(request: HttpRequest, activity_id: PathId, payload: RecordIn):
    actor = actor_of(request)
    a = activities.activity_for(actor, activity_id)
    marks = {x.person_id: (x.presence, x.reason) for x in payload.attendance}
    return activities.record_activity(actor, a, attendance=marks, summary=payload.summary, date=payload.date,
                                      place=payload.place)


@router.post("/activities/{activity_id}/cancel", response=ActivityOut, summary="取消活动")
@require_scope("party:write")
def activity_cancel(request: HttpRequest, activity_id: PathId, payload: PartyReasonIn):
    actor = actor_of(request)
    return activities.cancel_activity(actor, activities.activity_for(actor, activity_id), reason=payload.reason)


# --- 三报到三服务 -----------------------------------------------------------------------------------------------

class RegistrationOut(Schema):
    id: int
    person_id: int
    person_name: str
    community_id: int
    department_id: int | None
    employer: str
    phone: str = Field(..., description="按查看人的权限脱敏")
    state: str
    registered_at: datetime
    decided_at: datetime | None
    reject_reason: str
    verified_hours: Decimal
    version: int


class RegistrationFilters(Schema):
    community: Id | None = None
    department: Id | None = None
    state: str | None = Field(None, max_length=10)
    mine: bool = False
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class RegistrationIn(Schema):
    community_id: Id
    department_id: Id | None = None
    employer: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)


class ChooseIn(Schema):
    item_id: Id | None = None
    need_id: Id | None = None


class ServeIn(Schema):
    date: Date
    hours: float = Field(..., gt=0, le=24, description="小时，以 0.5 小时为单位")
    content: str = Field(..., min_length=1, max_length=300)
    choice_id: Id | None = None


class ItemIn(Schema):
    community_id: Id
    title: str = Field(..., min_length=1, max_length=60)
    kind: ServiceKind = ServiceKind.POST
    description: str = Field("", max_length=300)


class ServiceItemOut(Schema):
    id: int
    community_id: int
    kind: str
    title: str
    description: str
    is_active: bool


class ChoiceOut(Schema):
    id: int
    registration_id: int
    item_id: int | None
    need_id: int | None
    title: str


class ServiceRecordOut(Schema):
    id: int
    registration_id: int
    person_id: int
    department_id: int | None
    community_id: int | None = Field(None, alias="village_id")
    date: Date
    hours: Decimal
    content: str
    state: str
    reject_reason: str
    version: int


class RecordFilters(Schema):
    registration: Id | None = None
    state: str | None = Field(None, max_length=10)
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _reg_out(actor, r: Registration, hours: Decimal | None = None) -> dict:
    own = reportin.is_member(actor, r)
    if hours is None:
        hours = sum((x.hours for x in ServiceRecord.objects.filter(registration=r, state="verified")), Decimal(0))
    return {"id": r.pk, "person_id": r.person_id, "person_name": r.person.name, "community_id": r.community_id,
            "department_id": r.department_id, "employer": r.employer,
            "phone": r.phone if own or may_see_personal_data(actor) else mask_phone(r.phone), "state": r.state,
            "registered_at": r.registered_at, "decided_at": r.decided_at, "reject_reason": r.reject_reason,
            "verified_hours": queries.tenths(hours), "version": r.version}


@router.get("/registrations", response=page_of(RegistrationOut), summary="在职党员报到：我范围内（社区、工作单位、本人）")
@require_scope("party:read")
def registration_list(request: HttpRequest, filters: Query[RegistrationFilters]):
    actor = actor_of(request)
    qs = Registration.objects.restrict(actor, "view").select_related("person").annotate(
        hours=Sum("records__hours", filter=Q(records__state="verified")))
    if filters.mine:
        qs = qs.filter(person_id=actor.person_id or -1)
    for f in ("community", "department", "state"):
        if getattr(filters, f):
            qs = qs.filter(**{f"{f}_id" if f != "state" else f: getattr(filters, f)})
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("registered_at", "id"))
    page["items"] = [_reg_out(actor, r, r.hours or Decimal(0)) for r in page["items"]]
    return page


@router.get("/registrations/stats", summary="报到统计：已报到党员、认领服务、核实时长，按工作单位和社区")
@require_scope("party:read")
def registration_stats(request: HttpRequest):
    regs = Registration.objects.restrict(actor_of(request), "view")
    return {"totals": queries.reportin_totals(regs), "by_unit": queries.reportin_by_unit(regs),
            "by_community": queries.reportin_by_community(regs)}


@router.post("/registrations", response={201: RegistrationOut}, summary="到居住地社区(村)报到（党员本人）")
@require_scope("party:write")
def registration_create(request: HttpRequest, payload: RegistrationIn):
    actor = actor_of(request)
    r = reportin.register(actor, community=payload.community_id, department=payload.department_id,
                          employer=payload.employer, phone=payload.phone)
    return Status(201, _reg_out(actor, r))


@router.get("/registrations/{registration_id}", response=RegistrationOut, summary="报到详情")
@require_scope("party:read")
def registration_get(request: HttpRequest, registration_id: PathId):
    actor = actor_of(request)
    return _reg_out(actor, reportin.registration_for(actor, registration_id))


def _reg_verb(request, registration_id, fn, **kw):
    actor = actor_of(request)
    r = fn(actor, reportin.registration_for(actor, registration_id), **kw)
    return _reg_out(actor, r)


@router.post("/registrations/{registration_id}/accept", response=RegistrationOut, summary="社区(村)接收报到")
@require_scope("party:write")
def registration_accept(request: HttpRequest, registration_id: PathId):
    return _reg_verb(request, registration_id, reportin.accept_registration)


@router.post("/registrations/{registration_id}/reject", response=RegistrationOut, summary="不予接收")
@require_scope("party:write")
def registration_reject(request: HttpRequest, registration_id: PathId, payload: PartyReasonIn):
    return _reg_verb(request, registration_id, reportin.reject_registration, reason=payload.reason)


@router.post("/registrations/{registration_id}/choices", response={201: ChoiceOut}, summary="认领服务（服务清单或需求清单）")
@require_scope("party:write")
def registration_choose(request: HttpRequest, registration_id: PathId, payload: ChooseIn):
    actor = actor_of(request)
    c = reportin.choose_service(actor, reportin.registration_for(actor, registration_id), item=payload.item_id,
                                need=payload.need_id)
    return Status(201, c)


@router.post("/registrations/{registration_id}/records", response={201: ServiceRecordOut}, summary="登记服务记录（党员本人）")
@require_scope("party:write")
def registration_serve(request: HttpRequest, registration_id: PathId, payload: ServeIn):
    actor = actor_of(request)
    rec = reportin.record_service(actor, reportin.registration_for(actor, registration_id), date=payload.date,
                                  hours=payload.hours, content=payload.content, choice=payload.choice_id)
    return Status(201, rec)


@router.post("/service-items", response={201: ServiceItemOut}, summary="社区(村)登记服务岗位或项目")
@require_scope("party:write")
def item_create(request: HttpRequest, payload: ItemIn):
    item = reportin.add_service_item(actor_of(request), community=payload.community_id, title=payload.title,
                                     kind=payload.kind, description=payload.description)
    return Status(201, item)


@router.get("/records", response=page_of(ServiceRecordOut), summary="服务记录：我范围内")
@require_scope("party:read")
def record_list(request: HttpRequest, filters: Query[RecordFilters]):
    qs = ServiceRecord.objects.restrict(actor_of(request), "view")
    if filters.registration:
        qs = qs.filter(registration_id=filters.registration)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("date", "id"))


@router.get("/records/{record_id}", response=ServiceRecordOut, summary="服务记录详情")
@require_scope("party:read")
def record_get(request: HttpRequest, record_id: PathId):
    return reportin.record_for(actor_of(request), record_id)


@router.post("/records/{record_id}/verify", response=ServiceRecordOut, summary="社区(村)核实服务记录")
@require_scope("party:write")
def record_verify(request: HttpRequest, record_id: PathId):
    actor = actor_of(request)
    return reportin.verify_record(actor, reportin.record_for(actor, record_id))


@router.post("/records/{record_id}/reject", response=ServiceRecordOut, summary="服务记录不予核实")
@require_scope("party:write")
def record_reject(request: HttpRequest, record_id: PathId, payload: PartyReasonIn):
    actor = actor_of(request)
    return reportin.reject_record(actor, reportin.record_for(actor, record_id), reason=payload.reason)
