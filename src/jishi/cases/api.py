"""Case endpoints (/api/v1/cases, /api/v1/categories): thin wrappers over ``jishi.cases.services``
(the verbs) and the read modules (``lists``, ``detail``: through the caller's Actor, ``actor_of(request)``;
list filters are the pages' ``CaseFilter``).

    POST /cases                  report (201; a retry with the same Idempotency-Key or hotline number: 200, same case;
                                 ``on_behalf_of``: staff report for a resident in their scope, 代居民上报)
    GET  /cases                  list, newest first, cursor pagination, filters
    GET  /cases/{id}             detail with timeline, units, files and the verbs the caller may do now
    POST /cases/{id}/{verb}      one step of the loop (409 illegal step, 403 not yours, 404 outside scope)
    GET  /categories             the category tree
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status

from jishi.cases import contact, intake, reference, replies, services, sql
from jishi.cases.choices import Channel, Priority, Rating
from jishi.cases.detail import (
    attach_pending_whistles,
    mask_reporter_rows,
    openable,
    reporter_as_seen,
    state_label,
    verb_label,
)
from jishi.cases.detail import get_case as get_case_detail
from jishi.cases.due import due_of
from jishi.cases.filters import CaseFilter
from jishi.cases.lists import API_LIST_FIELDS, api_cases
from jishi.cases.models import Case
from jishi.cases.pickers import category_groups
from jishi.core import limits
from jishi.core.actor import Actor
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.revalidation import revalidated
from jishi.http.types import Base64File, Code, Cursor, Id, Moment, PathId, fits_id
from jishi.org.middleware import actor_of
from jishi.org.models import Region

router = Router()
categories_router = Router()

LIST_ROW_FIELDS = tuple(f for f in API_LIST_FIELDS if not f.startswith("category__"))
Verb = Enum("Verb", {v: v for v in services.VERB_FUNCTIONS}, type=str)


# --- schemas ---------------------------------------------------------------------------------

class FileIn(Schema):
    name: str = Field(max_length=limits.FILE_NAME)
    content_base64: Base64File = Field(description="文件内容的 Base64（JPEG/PNG/WebP/PDF），解码后不超过上传上限")


class CaseIn(Schema):
    channel: Channel
    category: str = Field(description="事件小类编码，见 GET /categories", max_length=limits.CODE)
    title: str = Field(max_length=limits.TITLE)
    description: str = Field("", max_length=limits.DESCRIPTION)
    lng: float | None = None
    lat: float | None = None
    region_code: str | None = Field(None, max_length=limits.CODE, description="无坐标时：所在网格/村/镇的区域编码")
    address: str = Field("", max_length=limits.ADDRESS)
    reporter_name: str = Field("", max_length=limits.PERSON_NAME)
    reporter_phone: str = Field("", max_length=limits.PHONE)
    external_ref: str | None = Field(None, max_length=limits.REF, description="外部编号，例如 12345 热线工单号（同渠道内唯一，重试不重复建单）")
    anonymous: bool = False
    priority: Priority | None = None
    photos: list[FileIn] = Field(default_factory=list, max_length=9)
    on_behalf_of: Id | None = Field(None, description="代居民上报：居民（人员）id，须在调用者的数据范围内；"
                                                      "网格员、网格长、村干部和指挥中心可用")


class ActIn(Schema):
    """Fields a verb may need (see docs/api.md for which verb needs which)."""

    note: str | None = Field(None, max_length=limits.NOTE)
    reason: str | None = Field(None, max_length=limits.REASON)
    department: Id | Code | None = Field(None, description="dispatch/report_in：部门 id 或编码")
    region: Id | None = Field(None, description="dispatch：派给事件所在的村/镇（区域 id）")
    departments: list[Id | Code] | None = Field(None, max_length=50, description="whistle：点名的部门")
    lead: Id | Code | None = Field(None, description="whistle：主办部门")
    passed: bool | None = Field(None, description="verify：核查是否通过")
    rating: Rating | None = None
    days: int | None = Field(None, description="request_extension：延期工作日数")
    approve: bool | None = Field(None, description="extend：是否批准")
    files: list[FileIn] | None = Field(None, max_length=9)
    before: list[FileIn] | None = Field(None, max_length=9)
    after: list[FileIn] | None = Field(None, max_length=9)


class CaseOut(Schema):
    id: int
    number: str
    title: str
    channel: str
    state: str
    state_label: str
    priority: str
    category_code: str
    category_name: str
    command_level: str
    town_id: int | None
    village_id: int | None
    grid_id: int | None
    handling_department_id: int | None
    handling_department_name: str | None
    handling_region_id: int | None
    address: str
    lng: float | None
    lat: float | None
    reporter_name: str
    reported_at: datetime
    ack_due_at: datetime | None
    handle_due_at: datetime | None
    due_status: str | None = Field(description="当前时限状态：ok / near（临期）/ overdue（超期）/ null")
    closed_at: datetime | None
    rework_count: int
    rating: str
    created_at: datetime


class EventOut(Schema):
    verb: str
    label: str
    actor_name: str
    actor_role: str
    department_id: int | None
    at: datetime
    from_state: str
    to_state: str
    note: str
    data: dict
    attachment_ids: list[int]


class UnitOut(Schema):
    department_id: int
    department_name: str
    role: str
    source: str
    assigned_at: datetime
    due_at: datetime | None
    acknowledged_at: datetime | None
    handled_at: datetime | None
    is_active: bool


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    sha256: str


class CaseSupervisionOut(Schema):
    id: int
    kind: str
    level: str
    note: str
    created_at: datetime
    reply: str = Field(description="被督办单位的回复（已采取的措施）；未回复为空")
    reply_finish_by: date | None
    replied_at: datetime | None


class CaseDetail(CaseOut):
    description: str
    reporter_phone: str
    anonymous: bool
    external_ref: str | None
    version: int
    suspended_from: str
    extension_requested_days: int
    supervision_level: str
    resolved_on_spot: bool
    accepted_at: datetime | None
    dispatched_at: datetime | None
    acknowledged_at: datetime | None
    handled_at: datetime | None
    verified_at: datetime | None
    rated_at: datetime | None
    timeline: list[EventOut]
    units: list[UnitOut]
    attachments: list[AttachmentOut]
    available_verbs: list[str]
    supervisions: list[CaseSupervisionOut] = []


class CaseFilters(Schema):
    state: str | None = Field(None, max_length=200, description="状态，可用逗号分隔多个")
    channel: Channel | None = None
    category: str | None = Field(None, max_length=limits.CODE, description="分类编码或 id（大类含其小类）")
    region: Id | None = Field(None, description="区域 id（镇、村、网格或微网格，任一层级）")
    town: Id | None = None
    village: Id | None = None
    grid: Id | None = None
    department: Id | None = Field(None, description="当前承办部门 id")
    overdue: bool | None = None
    created_after: Moment | None = None
    created_before: Moment | None = None
    q: str | None = Field(None, max_length=50, description="编号前缀或标题包含（不区分大小写）")
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class CategoryOut(Schema):
    code: str
    name: str
    default_priority: str
    ack_hours: float
    handle_days: int
    children: list[CategoryOut] = []


# --- shaping ---------------------------------------------------------------------------------

def _summary(case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    due = due_of(case, now)
    dept = case.handling_department
    return {
        "id": case.pk, "number": case.number, "title": case.title, "channel": case.channel, "state": case.state,
        "state_label": state_label(case), "priority": case.priority,
        "category_code": case.category.code, "category_name": str(case.category),
        "command_level": case.command_level, "town_id": case.town_id, "village_id": case.village_id,
        "grid_id": case.grid_id, "handling_department_id": case.handling_department_id,
        "handling_department_name": dept.name if dept else None, "handling_region_id": case.handling_region_id,
        "address": case.address, "lng": case.lng, "lat": case.lat,
        "reporter_name": reporter_as_seen(actor, case, phone=False)[0],  # docs/privacy.md
        "reported_at": case.reported_at, "ack_due_at": case.ack_due_at, "handle_due_at": case.handle_due_at,
        "due_status": due.status if due else None, "closed_at": case.closed_at, "rework_count": case.rework_count,
        "rating": case.rating, "created_at": case.created_at,
    }


def _detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    case = get_case_detail(actor, case_id)
    if case is None:
        raise NotFound("事件不存在，或不在您的数据范围内", details={"detail_en": "case not found or outside your scope"})
    return _detail_of(actor, case)


def _detail_of(actor: Actor, case: Case) -> dict[str, Any]:
    """The detail body of ``case``, whose related rows are prefetched (``detail.get_case``) or, for a case
    intake has just made, remembered from the intake (``intake.with_intake_rows``)."""
    events, files = getattr(case, "intake_rows", None) or (list(case.events.all()), list(case.attachments.all()))
    events = mask_reporter_rows(actor, case, list(events))  # the reporter's own rows name them as shown below
    out = _summary(case, actor, timezone.now())
    out.update({
        "description": case.description, "anonymous": case.anonymous, "external_ref": case.external_ref,
        "reporter_phone": reporter_as_seen(actor, case)[1],
        "version": case.version, "suspended_from": case.suspended_from,
        "extension_requested_days": case.extension_requested_days, "supervision_level": case.supervision_level,
        "resolved_on_spot": case.resolved_on_spot, "accepted_at": case.accepted_at,
        "dispatched_at": case.dispatched_at, "acknowledged_at": case.acknowledged_at, "handled_at": case.handled_at,
        "verified_at": case.verified_at, "rated_at": case.rated_at,
        "timeline": [{
            "verb": e.verb, "label": verb_label(e.verb),
            "actor_name": e.actor_name, "actor_role": e.actor_role, "department_id": e.department_id, "at": e.at,
            "from_state": e.from_state, "to_state": e.to_state, "note": e.note, "data": e.data,
            "attachment_ids": [a.pk for a in files if a.event_id == e.pk],
        } for e in events],
        "units": [{
            "department_id": a.department_id, "department_name": a.department.name, "role": a.role,
            "source": a.source, "assigned_at": a.assigned_at, "due_at": a.due_at,
            "acknowledged_at": a.acknowledged_at, "handled_at": a.handled_at, "is_active": a.is_active,
        } for a in case.assignments.all()],
        "attachments": files,
        "available_verbs": services.available_verbs(actor, case),
        "supervisions": list(case.supervisions.all()),
    })
    return out


def _files(items: list[FileIn] | None, field: str) -> list[tuple[str, bytes]]:
    out = []
    for f in items or []:
        try:
            out.append((f.name, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise ValidationFailed(f"文件“{f.name}”不是有效的 Base64", field=field)
    return out


def _act_arguments(verb: str, payload: ActIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    for field in ("files", "before", "after"):
        if field in data:
            data[field] = _files(getattr(payload, field), field)
    if data.get("region") is not None:
        region = Region.objects.filter(pk=data["region"]).first()
        if region is None:
            raise ValidationFailed(f"区域 {data['region']} 不存在", field="region")
        data["region"] = region
    for field in ("department", "lead"):  # a form sends ids as text
        if field in data:
            data[field] = _dept_ref(data[field])
    if data.get("departments") is not None:
        data["departments"] = [_dept_ref(d) for d in data["departments"]]
    return data


def _dept_ref(value: int | str | None) -> int | str | None:
    if isinstance(value, str) and value.isdigit() and fits_id(int(value)):
        return int(value)
    return value  # a code (an over-long number is looked up as a code and not found: 422)


# --- endpoints -------------------------------------------------------------------------------

@router.post("", response={200: CaseDetail, 201: CaseDetail}, summary="上报事件（幂等）")
@require_scope("cases:write")
def report(request: HttpRequest, payload: CaseIn,
           idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=80)):
    actor = actor_of(request)
    case = services.report_case(
        actor, channel=payload.channel, category_code=payload.category, title=payload.title,
        description=payload.description, lng=payload.lng, lat=payload.lat, region_code=payload.region_code,
        address=payload.address, reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone,
        photos=_files(payload.photos, "photos"), external_ref=payload.external_ref, anonymous=payload.anonymous,
        priority=payload.priority, on_behalf_of=payload.on_behalf_of,
        # keys are per account: another caller's key can never return (or reveal) someone else's case
        idempotency_key=f"api:{actor.user_id}:{idempotency_key}" if idempotency_key else None,
    )
    if case.created:  # built from what intake has in memory: no second read of the case just written
        case = intake.with_intake_rows(case)
        if not holds(actor, "view", case):  # in memory: intake's rows are at hand
            raise NotFound("事件不存在，或不在您的数据范围内", details={"detail_en": "case not found or outside your scope"})
        return Status(201, _detail_of(actor, case))
    if not holds(actor, "view", case):
        raise Conflict("该外部编号已有事件，但不在您的数据范围内", code="duplicate_external_ref", field="external_ref")
    return Status(200, _detail(request, case.pk))


@router.get("", response=page_of(CaseOut), summary="事件列表（游标分页）")
@require_scope("cases:read")
@revalidated(sql.api_counter)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    actor = actor_of(request)
    now = timezone.now()
    qs = api_cases(actor, CaseFilter.parse(filters.dict(exclude={"cursor", "limit"}), strict=True))
    # the categories are reference data held per process (cases.reference): not joined, not built per row
    qs = qs.select_related(None).select_related("handling_department").only(*LIST_ROW_FIELDS)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    categories = reference.categories_by_id()
    for case in page["items"]:
        category = categories.get(case.category_id)
        if category is not None:  # else (made a moment ago in another process) read as the relation is
            case.category = category
    attach_pending_whistles(page["items"])  # 待报到 for a whistled case: one query a page
    page["items"] = [_summary(c, actor, now) for c in page["items"]]
    return page


@router.get("/{case_id}", response=CaseDetail, summary="事件详情（含流转记录）")
@require_scope("cases:read")
@revalidated(sql.api_counter)
def get_case(request: HttpRequest, case_id: PathId):
    return _detail(request, case_id)


class CaseContactIn(Schema):
    via: str = Field(pattern="^(sms|call)$", max_length=4, description="sms：平台转发短信；call：平台回拨（双方号码均不显示）")
    text: str = Field("", max_length=200, description="via=sms：转发给上报人的短信内容")


class CaseSupervisionReplyIn(Schema):
    supervision: Id = Field(description="督办记录 id")
    note: str = Field(max_length=500, description="已采取的措施")
    finish_by: date | None = Field(None, description="承诺办结日期")


def _openable(actor: Actor, case_id: int) -> Case:
    case = openable(actor, case_id).select_related("category", "reporter_user__person").first()
    if case is None:
        raise NotFound("事件不存在，或不在您的数据范围内", details={"detail_en": "case not found or outside your scope"})
    return case


# declared before the verbs' route: "/{case_id}/contact" is not a verb of the loop
@router.post("/{case_id}/contact", response=CaseDetail, summary="经平台联系上报人（回拨或短信转发，不显示号码）")
@require_scope("cases:act")
def contact_reporter(request: HttpRequest, case_id: PathId, payload: CaseContactIn):
    actor = actor_of(request)
    contact.contact_reporter(actor, _openable(actor, case_id), via=payload.via, text=payload.text)
    return _detail(request, case_id)


@router.post("/{case_id}/supervision-reply", response=CaseDetail, summary="回复督办（已采取的措施、承诺办结日期）")
@require_scope("cases:act")
def reply_supervision(request: HttpRequest, case_id: PathId, payload: CaseSupervisionReplyIn):
    actor = actor_of(request)
    replies.reply_to_supervision(actor, _openable(actor, case_id), payload.supervision, note=payload.note,
                                 finish_by=payload.finish_by)
    return _detail(request, case_id)


@router.post("/{case_id}/{verb}", response=CaseDetail, summary="办理：立案、派遣、签收、处置、核查、结案、评价…")
@require_scope("cases:act")
def act(request: HttpRequest, case_id: PathId, verb: Verb, payload: ActIn | None = None):
    actor = actor_of(request)
    case = openable(actor, case_id).select_related("category").first()
    if case is None:
        raise NotFound("事件不存在，或不在您的数据范围内", details={"detail_en": "case not found or outside your scope"})
    services.act(actor, case, verb.value, **_act_arguments(verb.value, payload or ActIn()))
    return _detail(request, case_id)


@categories_router.get("", response=list[CategoryOut], summary="事件分类（大类/小类）")
@require_scope("cases:read", "cases:write")
def categories(request: HttpRequest):
    # Reference data every reporter needs, like a list of choices: not subject to data scope.
    return [{"code": p.code, "name": p.name, "default_priority": p.default_priority, "ack_hours": float(p.ack_hours),
             "handle_days": p.handle_days,
             "children": [{"code": c.code, "name": c.name, "default_priority": c.default_priority,
                           "ack_hours": float(c.ack_hours), "handle_days": c.handle_days} for c in children]}
            for p, children in category_groups()]
