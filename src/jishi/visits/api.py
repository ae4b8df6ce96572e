"""Visits endpoints (/api/v1/visits): rounds, assignments (the caller's list nearest first; reassignment),
visit logs (POST idempotent by the phone's ``client_uuid``: 201 stored, 200 already stored), a concern made a
case, a micro-wish or a need (each idempotent), and coverage. Each endpoint calls one service or query; what a caller sees goes through ``restrict``."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from jishi.core import limits
from jishi.core.errors import NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Base64File, Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.visits import logbook, planning, queries
from jishi.visits.models import VisitAssignment, VisitConcern, VisitLog, VisitRound

router = Router()


class RoundOut(Schema):
    id: int
    name: str
    region_id: int
    target: str
    rule: str
    starts_on: date
    ends_on: date


class RoundIn(Schema):
    name: str = Field(..., max_length=60)
    region_id: Id
    starts_on: date
    ends_on: date
    target: str = Field("all", max_length=20, description="all 全部户 / care 特殊群体")
    rule: str = Field("microgrid", max_length=20, description="microgrid / party / grid")


class RoundCreated(RoundOut):
    assigned: int
    unassigned: int


class AssignmentOut(Schema):
    id: int
    round_id: int
    household_id: int
    address: str = Field(..., alias="household.address")
    lat: float | None = Field(None, alias="household.lat")
    lng: float | None = Field(None, alias="household.lng")
    visitor_id: int
    microgrid_id: int | None
    residents: int
    visits: int
    last_visited_at: datetime | None
    distance_m: float | None = Field(None, alias="distance")


class MyListFilters(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class ReassignIn(Schema):
    assignments: list[Id] = Field(..., min_length=1, max_length=5000)
    visitor_id: Id
    note: str = Field("", max_length=200)


class VisitPhotoIn(Schema):
    name: str = Field(..., max_length=limits.FILE_NAME)
    content_base64: Base64File


class LogIn(Schema):
    client_uuid: UUID = Field(..., description="走访在手机上写下时生成的 UUID：同一 UUID 重发只存一次")
    household_id: Id
    method: str = Field(..., max_length=20, description="in_person 入户 / phone 电话 / online 网络")
    visited_at: datetime | None = None
    people_met: int = Field(1, ge=0, le=50)
    met_names: str = Field("", max_length=100)
    notes: str = Field("", max_length=2000)
    concerns: list[Annotated[str, Field(max_length=limits.NOTE)]] = Field(default_factory=list, max_length=5)
    lat: float | None = None
    lng: float | None = None
    round_id: Id | None = None
    photo: VisitPhotoIn | None = None


class ConcernOut(Schema):
    id: int
    text: str
    case_id: int | None
    wish_id: int | None
    need_id: int | None


class LogOut(Schema):
    id: int
    client_uuid: UUID
    round_id: int | None
    household_id: int
    visitor_id: int
    method: str
    visited_at: datetime
    people_met: int
    notes: str
    microgrid_id: int | None
    concerns: list[ConcernOut]

    @staticmethod
    def resolve_concerns(obj):
        return list(obj.concerns.all())


class LogFilters(Schema):
    round: Id | None = None
    household: Id | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ConcernCaseIn(Schema):
    category: str | None = Field(None, max_length=10, description="事件分类编码（默认 1101）")


class CaseLink(Schema):
    concern_id: int
    case_id: int
    case_number: str


class WishLink(Schema):
    concern_id: int
    wish_id: int
    wish_number: str
    wish_state: str


class NeedLink(Schema):
    concern_id: int
    need_id: int
    need_state: str


class FiguresOut(Schema):
    region_id: int | None
    name: str
    households_target: int
    residents_target: int
    households_visited: int
    residents_visited: int
    households_unvisited: int
    visits: int
    by_in_person: int
    by_phone: int
    by_online: int
    rate: float | None


class CoverageOut(Schema):
    round_id: int | None
    region_id: int
    child_level: str | None
    total: FiguresOut
    children: list[FiguresOut]


class CoverageFilters(Schema):
    region: Id
    round: Id | None = None


def _round(request, round_id: int) -> VisitRound:
    return get_object_or_404(VisitRound.objects.restrict(actor_of(request), "view"), pk=round_id)


@router.get("/rounds", response=list[RoundOut], summary="走访轮次")
@require_scope("visits:read")
def rounds(request: HttpRequest):
    return list(VisitRound.objects.restrict(actor_of(request), "view")[:200])


@router.post("/rounds", response={201: RoundCreated}, summary="安排走访轮次（按规则分配到户）")
@require_scope("visits:write")
def create_round(request: HttpRequest, payload: RoundIn):
    actor = actor_of(request)
    region = Region.objects.filter(pk=payload.region_id).first()
    if region is None or not holds(actor, "view", region):
        raise NotFound("区域不存在，或不在您的数据范围内", field="region_id")
    rnd = planning.create_round(actor, name=payload.name, region=region, starts_on=payload.starts_on,
                                ends_on=payload.ends_on, target=payload.target, rule=payload.rule)
    return Status(201, rnd)


@router.get("/rounds/{round_id}", response=RoundOut, summary="一个走访轮次")
@require_scope("visits:read")
def round_detail(request: HttpRequest, round_id: PathId):
    return _round(request, round_id)


@router.get("/assignments/mine", response=list[AssignmentOut], summary="我的走访名单（给出位置时最近的在前）")
@require_scope("visits:read")
def my_assignments(request: HttpRequest, filters: Query[MyListFilters]):
    return queries.my_list(actor_of(request), lat=filters.lat, lng=filters.lng)


@router.get("/rounds/{round_id}/assignments", response=page_of(AssignmentOut), summary="轮次的走访分配（按数据范围）")
@require_scope("visits:read")
def assignments(request: HttpRequest, round_id: PathId, cursor: Cursor | None = None,
                limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)):
    rnd = _round(request, round_id)
    qs = VisitAssignment.objects.restrict(actor_of(request), "view").filter(round=rnd).select_related("household")
    return paginate(qs, cursor=cursor, limit=limit, keys=("id",), descending=False)


@router.post("/rounds/{round_id}/reassign", response={200: dict}, summary="调整走访人")
@require_scope("visits:write")
def reassign(request: HttpRequest, round_id: PathId, payload: ReassignIn):
    actor = actor_of(request)
    rnd = _round(request, round_id)
    chosen = list(VisitAssignment.objects.restrict(actor, "manage").filter(round=rnd, pk__in=payload.assignments)
                  .select_related("round"))
    if len(chosen) != len(set(payload.assignments)):
        raise NotFound("所选的走访分配不存在，或不在您的管理范围内", field="assignments")
    return {"reassigned": planning.reassign(actor, chosen, payload.visitor_id, note=payload.note)}


@router.get("/logs", response=page_of(LogOut), summary="走访记录（按数据范围）")
@require_scope("visits:read")
def logs(request: HttpRequest, filters: Query[LogFilters]):
    qs = VisitLog.objects.restrict(actor_of(request), "view").prefetch_related("concerns")
    if filters.round:
        qs = qs.filter(round_id=filters.round)
    if filters.household:
        qs = qs.filter(household_id=filters.household)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/logs", response={200: LogOut, 201: LogOut}, url_name="visits_log_create",
             summary="记录一次走访（按 client_uuid 幂等：重发返回 200 和已存的记录）")
@require_scope("visits:write")
def log_create(request: HttpRequest, payload: LogIn):
    photo = None
    if payload.photo is not None:
        try:
            data = base64.b64decode(payload.photo.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("照片不是有效的 Base64", field="photo")
        photo = SimpleUploadedFile(payload.photo.name, data)
    v = logbook.log_visit(actor_of(request), client_uuid=payload.client_uuid, household_id=payload.household_id,
                          method=payload.method, visited_at=payload.visited_at, people_met=payload.people_met,
                          met_names=payload.met_names, notes=payload.notes, concerns=payload.concerns,
                          lat=payload.lat, lng=payload.lng, photo=photo, round_id=payload.round_id)
    return Status(201 if v.created else 200, v)


@router.post("/concerns/{concern_id}/case", response={200: CaseLink}, summary="走访诉求转为事件（重复调用返回同一事件）")
@require_scope("visits:write")
def concern_case(request: HttpRequest, concern_id: PathId, payload: ConcernCaseIn):
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view"), pk=concern_id)
    case = logbook.concern_to_case(actor, concern, category_code=payload.category)
    return {"concern_id": concern.pk, "case_id": case.pk, "case_number": case.number}


@router.post("/concerns/{concern_id}/wish", response={200: WishLink},
             summary="走访诉求转为微心愿（重复调用返回同一心愿）")
@require_scope("visits:write", "engage:write")
def concern_wish(request: HttpRequest, concern_id: PathId):
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view"), pk=concern_id)
    wish = logbook.concern_to_wish(actor, concern)
    return {"concern_id": concern.pk, "wish_id": wish.pk, "wish_number": wish.number, "wish_state": wish.state}


@router.post("/concerns/{concern_id}/need", response={200: NeedLink},
             summary="走访诉求列入需求清单（重复调用返回同一需求）")
@require_scope("visits:write", "engage:write")
def concern_need(request: HttpRequest, concern_id: PathId):
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view"), pk=concern_id)
    need = logbook.concern_to_need(actor, concern)
    return {"concern_id": concern.pk, "need_id": need.pk, "need_state": need.state}


def _figures(f: queries.Figures) -> dict:
    return {**f.counts(), "region_id": f.region_id, "name": f.name, "households_unvisited": f.households_unvisited,
            "rate": f.rate}


@router.get("/coverage", response=CoverageOut, summary="走访覆盖（某区域、某轮次；含下级区域）")
@require_scope("visits:read")
def coverage(request: HttpRequest, filters: Query[CoverageFilters]):
    actor = actor_of(request)
    region = Region.objects.filter(pk=filters.region).first()
    if region is None or not holds(actor, "view", region):
        raise NotFound("区域不存在，或不在您的数据范围内", field="region")
    rnd = _round(request, filters.round) if filters.round else None
    cov = queries.coverage(region, rnd)
    return {"round_id": cov.round.pk if cov.round else None, "region_id": region.pk, "child_level": cov.child_level,
            "total": _figures(cov.total), "children": [_figures(c) for c in cov.children]}
