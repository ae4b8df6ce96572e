"""Engagement endpoints: ``/api/v1/wishes`` (the wall, post, review, claim, fulfil, thank, to a case; statistics)
and ``/api/v1/projects`` (needs, resources, calls, projects: bid, award, progress, completion). Each endpoint
calls one service function; what a caller sees goes through ``restrict``/``holds`` like the pages (the wall and
the calls through the public action, masked); out of scope: 404."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jishi.core import limits
from jishi.core.errors import NotFound, ValidationFailed
from jishi.engage import access, projects, queries, wishes
from jishi.engage.choices import ClaimantKind, NeedSource, ResourceKind, WishKind
from jishi.engage.models import Need, Resource
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Base64File, Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import Region

wishes_router = Router()
projects_router = Router()


class WishPhotoIn(Schema):
    name: str = Field(..., max_length=limits.FILE_NAME)
    content_base64: Base64File


class WishIn(Schema):
    title: str = Field(..., max_length=60)
    content: str = Field("", max_length=500)
    kind: WishKind = WishKind.GOODS
    urgent: bool = Field(False, description="急难愁盼")
    region_id: Id | None = Field(None, description="代为提出时：心愿人所在的村(社区)、网格或微网格")
    wisher_id: Id | None = Field(None, description="代为提出时：心愿人（人员编号）")
    wisher_name: str = Field("", max_length=50, description="代为提出时：心愿人姓名")
    wisher_phone: str = Field("", max_length=20)


class WishOut(Schema):
    id: int
    number: str | None
    title: str
    content: str
    kind: str
    urgent: bool
    state: str
    version: int
    town_id: int | None
    village_id: int | None
    wisher_name: str = Field(..., description="按查看人的权限脱敏")
    wisher_phone: str
    posted_at: datetime
    published_at: datetime | None
    claimant_kind: str
    claimant_unit: str
    claimed_at: datetime | None
    fulfilled_at: datetime | None
    fulfil_note: str
    thanked_at: datetime | None
    case_id: int | None


class WishFilters(Schema):
    state: str | None = Field(None, max_length=12)
    village: Id | None = None
    mine: bool = Field(False, description="只看我提出或认领的")
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class WishRejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class WishClaimIn(Schema):
    claimant_kind: ClaimantKind = ClaimantKind.VOLUNTEER
    unit: str = Field("", max_length=100)


class WishFulfilIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)
    photo: WishPhotoIn | None = None


class WishThankIn(Schema):
    note: str = Field("", max_length=300)


class WishCaseIn(Schema):
    category: str = Field(..., max_length=limits.CODE, description="事件分类（小类）编码")


class EngageStatsFilters(Schema):
    region: Id | None = None
    first: date | None = None
    last: date | None = None


def _actor(request: HttpRequest):
    return actor_of(request)


def _wish_out(actor, w) -> dict:
    name, phone = access.wisher_label(actor, w)
    out = {f: getattr(w, f) for f in WishOut.model_fields if f not in ("wisher_name", "wisher_phone")}
    return {**out, "wisher_name": name, "wisher_phone": phone}


def _upload(photo: WishPhotoIn | None):
    if photo is None:
        return None
    try:
        data = base64.b64decode(photo.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("照片不是有效的 Base64", field="photo") from None
    return SimpleUploadedFile(photo.name, data)


@wishes_router.get("", response=page_of(WishOut), summary="微心愿：心愿墙（已发布，脱敏）或我范围内的心愿")
@require_scope("engage:read")
def wish_list(request: HttpRequest, filters: Query[WishFilters]):
    actor = _actor(request)
    if filters.mine:
        qs = access.visible_wishes(actor).filter(Q(wisher_id=actor.person_id or -1) | Q(
            claimant_id=actor.person_id or -1) | Q(posted_by_id=actor.user_id or -1))
    elif filters.state == "wall" or not actor.scope("view").regional:
        qs = access.wall()
    else:
        qs = access.visible_wishes(actor)
    if filters.state and filters.state != "wall":
        qs = qs.filter(state=filters.state)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("posted_at", "id"))
    page["items"] = [_wish_out(actor, w) for w in page["items"]]
    return page


@wishes_router.post("", response={201: WishOut}, summary="提出微心愿（居民本人，或工作人员代为提出）")
@require_scope("engage:write")
def wish_create(request: HttpRequest, payload: WishIn):
    actor = _actor(request)
    w = wishes.post_wish(actor, title=payload.title, content=payload.content, kind=payload.kind,
                         urgent=payload.urgent, region=payload.region_id, wisher=payload.wisher_id,
                         wisher_name=payload.wisher_name, wisher_phone=payload.wisher_phone)
    return Status(201, _wish_out(actor, w))


@wishes_router.get("/stats", summary="微心愿统计：收集、认领、完成、完成用时、按村；完成率")
@require_scope("engage:read")
def wish_stats(request: HttpRequest, filters: Query[EngageStatsFilters]):
    actor = _actor(request)
    region, p = _region_span(actor, filters)
    return {"region_id": region.pk if region else None, **queries.wish_stats(region, p, actor)}


@wishes_router.get("/{wish_id}", response=WishOut, summary="心愿详情（心愿人信息按权限脱敏）")
@require_scope("engage:read")
def wish_get(request: HttpRequest, wish_id: PathId):
    actor = _actor(request)
    return _wish_out(actor, access.wish_for(actor, wish_id))


def _verb(request, wish_id, fn, **kwargs):
    actor = _actor(request)
    w = fn(actor, access.wish_for(actor, wish_id), **kwargs)
    return _wish_out(actor, w)


@wishes_router.post("/{wish_id}/publish", response=WishOut, summary="审核发布到心愿墙")
@require_scope("engage:write")
def wish_publish(request: HttpRequest, wish_id: PathId):
    return _verb(request, wish_id, wishes.publish_wish)


@wishes_router.post("/{wish_id}/reject", response=WishOut, summary="审核不通过")
@require_scope("engage:write")
def wish_reject(request: HttpRequest, wish_id: PathId, payload: WishRejectIn):
    return _verb(request, wish_id, wishes.reject_wish, reason=payload.reason)


@wishes_router.post("/{wish_id}/claim", response=WishOut, summary="认领心愿（同时认领只有一人成功，其余 409）")
@require_scope("engage:write")
def wish_claim(request: HttpRequest, wish_id: PathId, payload: WishClaimIn):
    return _verb(request, wish_id, wishes.claim_wish, claimant_kind=payload.claimant_kind, unit=payload.unit)


@wishes_router.post("/{wish_id}/fulfil", response=WishOut, summary="登记完成（附照片）")
@require_scope("engage:write")
def wish_fulfil(request: HttpRequest, wish_id: PathId, payload: WishFulfilIn):
    return _verb(request, wish_id, wishes.fulfil_wish, note=payload.note, photo=_upload(payload.photo))


@wishes_router.post("/{wish_id}/thank", response=WishOut, summary="心愿人确认并致谢（认领人积分随之发放一次）")
@require_scope("engage:write")
def wish_thank(request: HttpRequest, wish_id: PathId, payload: WishThankIn):
    return _verb(request, wish_id, wishes.thank_wish, note=payload.note)


@wishes_router.post("/{wish_id}/case", response=WishOut, summary="心愿转为事件（一步，按事件闭环时限跟踪）")
@require_scope("engage:write", "cases:write")
def wish_case(request: HttpRequest, wish_id: PathId, payload: WishCaseIn):
    return _verb(request, wish_id, wishes.wish_to_case, category_code=payload.category)


# --- the three lists and micro-projects --------------------------------------------------------------------

class EngageNeedIn(Schema):
    title: str = Field(..., max_length=80)
    description: str = Field("", max_length=2000)
    region_id: Id
    source: NeedSource = NeedSource.RESIDENT
    source_ref: str = Field("", max_length=64)
    wish_id: Id | None = Field(None, description="由微心愿转入需求清单")


class EngageNeedOut(Schema):
    id: int
    title: str
    description: str
    source: str
    source_ref: str
    wish_id: int | None
    town_id: int | None
    village_id: int | None
    state: str
    closed_by_id: int | None
    closed_at: datetime | None
    created_at: datetime


class EngageResourceIn(Schema):
    provider: str = Field(..., max_length=100)
    kind: ResourceKind
    description: str = Field(..., max_length=300)
    quantity: float = Field(1, gt=0, le=9_999_999_999, description="数量（最多两位小数）")
    unit: str = Field("", max_length=10)
    region_id: Id


class EngageResourceOut(Schema):
    id: int
    provider: str
    kind: str
    description: str
    quantity: Decimal
    unit: str
    town_id: int | None
    village_id: int | None
    created_at: datetime


class EngageListFilters(Schema):
    state: str | None = Field(None, max_length=12)
    village: Id | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ProjectIn(Schema):
    title: str = Field(..., max_length=80)
    goals: str = Field(..., max_length=2000)
    budget: float = Field(0, ge=0, le=9_999_999_999, description="预算(元，最多两位小数)")
    deadline: date
    region_id: Id
    need_ids: list[Id] = Field(..., min_length=1, max_length=50)
    resource_ids: list[Id] = Field(default_factory=list, max_length=50)
    brand_id: Id | None = None


class ProjectOut(Schema):
    id: int
    number: str | None
    title: str
    goals: str
    budget: Decimal
    deadline: date
    town_id: int | None
    village_id: int | None
    brand_id: int | None
    state: str
    version: int
    published_at: datetime | None
    taker_unit: str
    progress: int
    completed_at: datetime | None
    residents_rating: int | None
    need_ids: list[int] = []


class ProjectBidIn(Schema):
    unit: str = Field(..., max_length=100)
    plan: str = Field(..., max_length=2000)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class ProjectBidOut(Schema):
    id: int
    unit: str
    plan: str
    submitted_at: datetime
    chosen: bool


class ProjectAwardIn(Schema):
    bid_id: Id


class ProjectProgressIn(Schema):
    percent: int = Field(..., ge=0, le=100)
    note: str = Field(..., min_length=1, max_length=500)
    photo: WishPhotoIn | None = None


class ProjectCompleteIn(Schema):
    rating: int = Field(..., ge=1, le=5, description="群众评价 1–5 星")
    note: str = Field(..., min_length=1, max_length=500)


def _project_out(p) -> dict:
    out = {f: getattr(p, f) for f in ProjectOut.model_fields if f != "need_ids"}
    return {**out, "need_ids": list(p.needs.values_list("pk", flat=True))}


@projects_router.get("/needs", response=page_of(EngageNeedOut), summary="需求清单（按数据范围）")
@require_scope("engage:read")
def need_list(request: HttpRequest, filters: Query[EngageListFilters]):
    qs = Need.objects.restrict(_actor(request), "view")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@projects_router.post("/needs", response={201: EngageNeedOut}, summary="登记需求（群众、心愿、走访、事件）")
@require_scope("engage:write")
def need_create(request: HttpRequest, payload: EngageNeedIn):
    actor = _actor(request)
    if payload.wish_id:
        return Status(201, projects.need_from_wish(actor, access.wish_for(actor, payload.wish_id)))
    return Status(201, projects.add_need(actor, title=payload.title, description=payload.description,
                                         region=payload.region_id, source=payload.source,
                                         source_ref=payload.source_ref))


@projects_router.get("/resources", response=page_of(EngageResourceOut), summary="资源清单（按数据范围）")
@require_scope("engage:read")
def resource_list(request: HttpRequest, filters: Query[EngageListFilters]):
    qs = Resource.objects.restrict(_actor(request), "view")
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@projects_router.post("/resources", response={201: EngageResourceOut}, summary="登记资源（共建单位、结对部门）")
@require_scope("engage:write")
def resource_create(request: HttpRequest, payload: EngageResourceIn):
    return Status(201, projects.add_resource(_actor(request), provider=payload.provider, kind=payload.kind,
                                             description=payload.description, quantity=payload.quantity,
                                             unit=payload.unit, region=payload.region_id))


@projects_router.get("/calls", response=page_of(ProjectOut), summary="榜单：揭榜中的项目（公开）")
@require_scope("engage:read")
def call_list(request: HttpRequest, filters: Query[EngageListFilters]):
    qs = access.calls().filter(state="open")
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    page = paginate(qs.prefetch_related("needs"), cursor=filters.cursor, limit=filters.limit)
    page["items"] = [_project_out(p) for p in page["items"]]
    return page


@projects_router.get("", response=page_of(ProjectOut), summary="微项目（按数据范围）")
@require_scope("engage:read")
def project_list(request: HttpRequest, filters: Query[EngageListFilters]):
    from jishi.engage.models import Project

    qs = Project.objects.restrict(_actor(request), "view")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    page["items"] = [_project_out(p) for p in page["items"]]
    return page


@projects_router.post("", response={201: ProjectOut}, summary="设立微项目（需求对接资源）")
@require_scope("engage:write")
def project_create(request: HttpRequest, payload: ProjectIn):
    p = projects.create_project(_actor(request), title=payload.title, goals=payload.goals, budget=payload.budget,
                                deadline=payload.deadline, region=payload.region_id, needs=payload.need_ids,
                                resources=payload.resource_ids, brand=payload.brand_id)
    return Status(201, _project_out(p))


@projects_router.get("/stats", summary="微项目统计：发布、完成、实施中；需求登记与解决")
@require_scope("engage:read")
def project_stats(request: HttpRequest, filters: Query[EngageStatsFilters]):
    actor = _actor(request)
    region, p = _region_span(actor, filters)
    return {"region_id": region.pk if region else None, **queries.project_stats(region, p, actor)}


@projects_router.get("/{project_id}", response=ProjectOut, summary="项目详情")
@require_scope("engage:read")
def project_get(request: HttpRequest, project_id: PathId):
    return _project_out(access.project_for(_actor(request), project_id))


@projects_router.post("/{project_id}/publish", response=ProjectOut, summary="发布榜单")
@require_scope("engage:write")
def project_publish(request: HttpRequest, project_id: PathId):
    actor = _actor(request)
    return _project_out(projects.publish_project(actor, access.project_for(actor, project_id)))


@projects_router.get("/{project_id}/bids", response=list[ProjectBidOut], summary="揭榜单位（项目管理人员）")
@require_scope("engage:read")
def bid_list(request: HttpRequest, project_id: PathId):
    actor = _actor(request)
    p = access.project_for(actor, project_id)
    if not access.may_manage(actor, p):
        return list(p.bids.filter(bidder_id=actor.user_id or -1))
    return list(p.bids.all())


@projects_router.post("/{project_id}/bids", response={201: ProjectBidOut}, summary="揭榜（附实施方案）")
@require_scope("engage:write")
def bid_create(request: HttpRequest, project_id: PathId, payload: ProjectBidIn):
    actor = _actor(request)
    return Status(201, projects.bid(actor, access.project_for(actor, project_id), unit=payload.unit,
                                    plan=payload.plan, contact_name=payload.contact_name,
                                    contact_phone=payload.contact_phone))


@projects_router.post("/{project_id}/award", response=ProjectOut, summary="选定揭榜单位")
@require_scope("engage:write")
def project_award(request: HttpRequest, project_id: PathId, payload: ProjectAwardIn):
    actor = _actor(request)
    return _project_out(projects.award(actor, access.project_for(actor, project_id), payload.bid_id))


@projects_router.post("/{project_id}/progress", response=ProjectOut, summary="报告进展（里程碑、照片）")
@require_scope("engage:write")
def project_progress(request: HttpRequest, project_id: PathId, payload: ProjectProgressIn):
    actor = _actor(request)
    p = access.project_for(actor, project_id)
    projects.report_progress(actor, p, percent=payload.percent, note=payload.note, photo=_upload(payload.photo))
    return _project_out(p)


@projects_router.post("/{project_id}/complete", response=ProjectOut, summary="验收完成（关闭所解决的需求）")
@require_scope("engage:write")
def project_complete(request: HttpRequest, project_id: PathId, payload: ProjectCompleteIn):
    actor = _actor(request)
    return _project_out(projects.complete_project(actor, access.project_for(actor, project_id),
                                                  rating=payload.rating, note=payload.note))


def _region_span(actor, filters):
    region = None
    if filters.region:
        region = Region.objects.restrict(actor, "view").filter(pk=filters.region).first()
        if region is None:
            raise NotFound("区域不在您的范围内")
    elif not actor.scope("view").everything:
        region = Region.objects.restrict(actor, "view").filter(level__in=("town", "village")).order_by("path").first()
        if region is None:
            raise NotFound("您没有统计的范围")
    today = timezone.localdate()
    p = queries.Span(filters.first or today.replace(month=1, day=1), filters.last or today)
    if p.last < p.first:
        raise ValidationFailed("起始日期不能晚于截止日期", field="first")
    return region, p
