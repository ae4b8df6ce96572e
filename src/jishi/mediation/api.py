"""Mediation endpoints (/api/v1/mediation): disputes and their sessions, outcome, escalation and follow-ups;
co-governance meetings and their decisions; statistics. Each endpoint calls one service function; what a
caller sees goes through the same scope as the pages (``restrict(actor, "mediate")``; out of scope: 404)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jishi.cases.models import Case
from jishi.core.errors import NotFound, ValidationFailed
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Cursor, Id, Moment, PathId
from jishi.mediation import access, meetings, pickers, queries, services
from jishi.mediation.choices import DisputeKind, FollowUpMethod, MeetingKind, Outcome, PartySide, Source
from jishi.mediation.models import Decision, Meeting
from jishi.org.middleware import actor_of
from jishi.org.models import Region

router = Router()


class PartyIn(Schema):
    side: PartySide = PartySide.APPLICANT
    name: str = Field(..., min_length=1, max_length=50)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    address: str = Field("", max_length=200)


class PartyOut(Schema):
    id: int
    side: str
    name: str
    phone: str
    id_number: str
    masked: bool


class DisputeIn(Schema):
    title: str = Field(..., max_length=120)
    kind: DisputeKind
    source: Source
    source_ref: str = Field("", max_length=64)
    region_id: Id = Field(..., description="发生地：村(社区)或镇(街道)")
    facts: str = Field("", max_length=5000)
    parties: list[PartyIn] = Field(..., max_length=20)
    studio_id: Id | None = None
    mediator_ids: list[Id] = Field(default_factory=list, max_length=20)
    case_number: str | None = Field(None, max_length=24, description="来源事件编号（来源为网格事件时）")


class DisputeOut(Schema):
    id: int
    number: str | None
    title: str
    kind: str
    source: str
    source_ref: str
    case_id: int | None
    town_id: int | None
    village_id: int | None
    level: str
    studio_id: int | None
    state: str
    version: int
    registered_at: datetime
    due_at: datetime | None
    escalations: int
    closed_at: datetime | None
    closed_level: str
    outcome: str


class DisputeDetail(DisputeOut):
    facts: str
    handler: str
    agreement_terms: str
    agreement_performance: str
    outcome_note: str
    parties: list[PartyOut]
    mediator_ids: list[int]


class DisputeFilters(Schema):
    state: str | None = Field(None, max_length=20, description="accepted/mediating/agreed/failed/referred，或 open、overdue")
    level: str | None = Field(None, max_length=20)
    kind: str | None = Field(None, max_length=20)
    studio: Id | None = None
    q: str | None = Field(None, max_length=50)
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class SessionIn(Schema):
    held_at: Moment
    notes: str = Field(..., max_length=5000)
    place: str = Field("", max_length=120)
    attended: list[Id] = Field(default_factory=list, max_length=20)
    mediators: str = Field("", max_length=200)


class SessionOut(Schema):
    id: int
    held_at: datetime
    place: str
    notes: str
    attended: list[int]
    mediators: str


class AssignIn(Schema):
    studio_id: Id | None = None
    mediator_ids: list[Id] = Field(..., min_length=1, max_length=20)


class EscalateIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)


class OutcomeIn(Schema):
    outcome: Outcome
    terms: str = Field("", max_length=5000)
    performance: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class FollowUpIn(Schema):
    visited_on: date
    method: FollowUpMethod
    holds: bool
    notes: str = Field("", max_length=2000)


class FollowUpOut(Schema):
    id: int
    visited_on: date
    method: str
    holds: bool
    notes: str


class DecisionOut(Schema):
    id: int
    text: str
    case_id: int | None
    case_number: str | None = None
    case_state: str | None = None
    wish_id: int | None = None
    wish_number: str | None = None
    wish_state: str | None = None
    need_id: int | None = None
    need_state: str | None = None


class MeetingIn(Schema):
    kind: MeetingKind
    topic: str = Field(..., max_length=120)
    held_on: date
    region_id: Id
    place: str = Field("", max_length=120)
    participants: str = Field("", max_length=5000)
    minutes: str = Field("", max_length=20000)
    decisions: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=50)


class MeetingOut(Schema):
    id: int
    kind: str
    topic: str
    held_on: date
    region_id: int
    place: str
    participants: str
    minutes: str
    decisions: list[DecisionOut]
    created_at: datetime


class DecisionCaseIn(Schema):
    category: str = Field(..., max_length=12, description="事件分类（小类）编码")


class StatsFilters(Schema):
    region: Id | None = None
    first: date | None = None
    last: date | None = None


def _actor(request: HttpRequest):
    return actor_of(request)


def _detail(actor, d) -> dict:
    out = {f: getattr(d, f) for f in DisputeOut.model_fields}
    out.update(facts=d.facts, handler=access.handler_name(d), agreement_terms=d.agreement_terms,
               agreement_performance=d.agreement_performance, outcome_note=d.outcome_note,
               parties=access.party_rows(actor, d),
               mediator_ids=list(d.mediator_links.values_list("person_id", flat=True)))
    return out


@router.get("/disputes", response=page_of(DisputeOut), summary="矛盾纠纷台账（按数据范围）")
@require_scope("mediation:read")
def dispute_list(request: HttpRequest, filters: Query[DisputeFilters]):
    qs = pickers.filtered(access.visible(_actor(request)), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("registered_at", "id"))


@router.post("/disputes", response={201: DisputeDetail}, summary="登记矛盾纠纷（任一渠道）")
@require_scope("mediation:write")
def dispute_create(request: HttpRequest, payload: DisputeIn):
    actor = _actor(request)
    case = None
    if payload.case_number:
        case = Case.objects.restrict(actor, "view").filter(number=payload.case_number).first()
        if case is None:
            raise ValidationFailed("来源事件不存在或不在您的范围内", field="case_number")
    region = Region.objects.filter(pk=payload.region_id).first()
    d = services.register_dispute(
        actor, title=payload.title, kind=payload.kind, source=payload.source, source_ref=payload.source_ref,
        region=region, facts=payload.facts, parties=[p.dict() for p in payload.parties],
        studio=payload.studio_id, mediators=payload.mediator_ids, case=case)
    return Status(201, _detail(actor, access.dispute_for(actor, d.pk)))


@router.get("/disputes/{dispute_id}", response=DisputeDetail, summary="纠纷详情（当事人信息按规定脱敏）")
@require_scope("mediation:read")
def dispute_get(request: HttpRequest, dispute_id: PathId):
    actor = _actor(request)
    return _detail(actor, access.dispute_for(actor, dispute_id))


@router.post("/disputes/{dispute_id}/assign", response=DisputeDetail, summary="指派工作室和调解员")
@require_scope("mediation:write")
def dispute_assign(request: HttpRequest, dispute_id: PathId, payload: AssignIn):
    actor = _actor(request)
    d = services.assign(actor, access.dispute_for(actor, dispute_id), studio=payload.studio_id,
                        mediators=payload.mediator_ids)
    return _detail(actor, d)


@router.get("/disputes/{dispute_id}/sessions", response=list[SessionOut], summary="调解记录")
@require_scope("mediation:read")
def session_list(request: HttpRequest, dispute_id: PathId):
    return list(access.dispute_for(_actor(request), dispute_id).sessions.all())


@router.post("/disputes/{dispute_id}/sessions", response={201: SessionOut}, summary="记录一次调解")
@require_scope("mediation:write")
def session_create(request: HttpRequest, dispute_id: PathId, payload: SessionIn):
    actor = _actor(request)
    s = services.record_session(actor, access.dispute_for(actor, dispute_id), held_at=payload.held_at,
                                notes=payload.notes, attended=payload.attended, place=payload.place,
                                mediators=payload.mediators)
    return Status(201, s)


@router.post("/disputes/{dispute_id}/escalate", response=DisputeDetail, summary="上交上一级（村→镇→市）")
@require_scope("mediation:write")
def dispute_escalate(request: HttpRequest, dispute_id: PathId, payload: EscalateIn):
    actor = _actor(request)
    return _detail(actor, services.escalate(actor, access.dispute_for(actor, dispute_id), note=payload.note))


@router.post("/disputes/{dispute_id}/outcome", response=DisputeDetail, summary="登记调解结果（协议、未达成、移交）")
@require_scope("mediation:write")
def dispute_outcome(request: HttpRequest, dispute_id: PathId, payload: OutcomeIn):
    actor = _actor(request)
    d = services.record_outcome(actor, access.dispute_for(actor, dispute_id), outcome=payload.outcome,
                                note=payload.note, terms=payload.terms, performance=payload.performance)
    return _detail(actor, d)


@router.get("/disputes/{dispute_id}/follow-ups", response=list[FollowUpOut], summary="回访记录")
@require_scope("mediation:read")
def follow_up_list(request: HttpRequest, dispute_id: PathId):
    return list(access.dispute_for(_actor(request), dispute_id).follow_ups.all())


@router.post("/disputes/{dispute_id}/follow-ups", response={201: FollowUpOut}, summary="记录回访（协议是否履行）")
@require_scope("mediation:write")
def follow_up_create(request: HttpRequest, dispute_id: PathId, payload: FollowUpIn):
    actor = _actor(request)
    f = services.record_follow_up(actor, access.dispute_for(actor, dispute_id), visited_on=payload.visited_on,
                                  method=payload.method, holds=payload.holds, notes=payload.notes)
    return Status(201, f)


def _meeting_out(m: Meeting) -> dict:
    return {"id": m.pk, "kind": m.kind, "topic": m.topic, "held_on": m.held_on, "region_id": m.region_id,
            "place": m.place, "participants": m.participants, "minutes": m.minutes, "created_at": m.created_at,
            "decisions": [_decision_out(x) for x in m.decisions.select_related("case", "wish", "need")]}


def _decision_out(x: Decision) -> dict:
    return {"id": x.pk, "text": x.text, "case_id": x.case_id, "case_number": x.case.number if x.case_id else None,
            "case_state": x.case.state if x.case_id else None, "wish_id": x.wish_id,
            "wish_number": x.wish.number if x.wish_id else None, "wish_state": x.wish.state if x.wish_id else None,
            "need_id": x.need_id, "need_state": x.need.state if x.need_id else None}


@router.get("/meetings", response=list[MeetingOut], summary="党群议事会、民情帮帮团会议（最近200次）")
@require_scope("mediation:read")
def meeting_list(request: HttpRequest):
    rows = Meeting.objects.restrict(_actor(request), "view").order_by("-held_on", "-id")[:200]
    return [_meeting_out(m) for m in rows]


@router.post("/meetings", response={201: MeetingOut}, summary="记录会议及其决议")
@require_scope("mediation:write")
def meeting_create(request: HttpRequest, payload: MeetingIn):
    m = meetings.record_meeting(_actor(request), kind=payload.kind, topic=payload.topic, held_on=payload.held_on,
                                region=Region.objects.filter(pk=payload.region_id).first(), place=payload.place,
                                participants=payload.participants, minutes=payload.minutes,
                                decisions=payload.decisions)
    return Status(201, _meeting_out(m))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="会议详情（决议及其转办事件的状态）")
@require_scope("mediation:read")
def meeting_get(request: HttpRequest, meeting_id: PathId):
    return _meeting_out(access.meeting_for(_actor(request), meeting_id))


@router.post("/decisions/{decision_id}/case", response=DecisionOut, summary="决议转为事件（一键）")
@require_scope("mediation:write", "cases:write")
def decision_case(request: HttpRequest, decision_id: PathId, payload: DecisionCaseIn):
    actor = _actor(request)
    decision = Decision.objects.select_related("meeting", "meeting__region").filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("决议不存在")
    access.meeting_for(actor, decision.meeting_id)
    x = meetings.decision_to_case(actor, decision, category_code=payload.category)
    return {"id": x.pk, "text": x.text, "case_id": x.case_id, "case_number": x.case.number,
            "case_state": x.case.state}


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    decision = Decision.objects.select_related("meeting", "meeting__region").filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("决议不存在")
    access.meeting_for(_actor(request), decision.meeting_id)
    return decision


@router.post("/decisions/{decision_id}/wish", response=DecisionOut, summary="决议转为微心愿（一键；重复调用返回同一心愿）")
@require_scope("mediation:write", "engage:write")
def decision_wish(request: HttpRequest, decision_id: PathId):
    decision = _decision(request, decision_id)
    meetings.decision_to_wish(_actor(request), decision)
    return _decision_out(Decision.objects.select_related("case", "wish", "need").get(pk=decision.pk))


@router.post("/decisions/{decision_id}/need", response=DecisionOut,
             summary="决议列入需求清单（微项目揭榜解决；重复调用返回同一需求）")
@require_scope("mediation:write", "engage:write")
def decision_need(request: HttpRequest, decision_id: PathId):
    decision = _decision(request, decision_id)
    meetings.decision_to_need(_actor(request), decision)
    return _decision_out(Decision.objects.select_related("case", "wish", "need").get(pk=decision.pk))


@router.get("/stats", summary="调处统计：分级化解占比（小事不出村）、化解用时、重复纠纷、按工作室")
@require_scope("mediation:read")
def stats(request: HttpRequest, filters: Query[StatsFilters]):
    actor = _actor(request)
    region = None
    if filters.region:
        region = Region.objects.restrict(actor, "mediate").filter(pk=filters.region).first()
        if region is None:
            raise NotFound("区域不在您的范围内")
    elif not actor.scope("mediate").everything:
        region = pickers.regions(actor).first()
        if region is None:
            raise NotFound("您没有调处统计的范围")
    today = timezone.localdate()
    span = queries.Span(filters.first or pickers.year_start(today), filters.last or today)
    if span.last < span.first:
        raise ValidationFailed("起始日期不能晚于截止日期", field="first")
    return {"region_id": region.pk if region else None, **queries.stats(region, span, actor)}
