"""小蜜蜂 endpoints (``/api/v1/bees``): registrations (register, approve, reject), stations with their figures,
caring merchants and 公益积分 redemption, the care fund (income) and grants (apply, review, pay). Each endpoint
calls the same service function as the pages; reads go through ``restrict``/``holds``; out of scope: 404."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jishi.bees import access, caring, fund, queries, riders
from jishi.bees.choices import FundEntryKind, GrantReason, Platform
from jishi.bees.models import Grant, Rider
from jishi.core.errors import PermissionDenied
from jishi.http.auth import require_scope
from jishi.http.types import Id, PathId
from jishi.org.middleware import actor_of

router = Router()


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录")
    return actor


class RiderIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)
    platform: Platform
    platform_other: str = Field("", max_length=30)
    station_id: Id
    rounds: list[Id] = Field(default_factory=list, max_length=50, description="配送片区：本镇的网格或微网格编号")


class RiderOut(Schema):
    id: int
    name: str
    phone: str = Field(..., description="按查看人的权限脱敏")
    platform: str
    platform_label: str
    station_id: int
    station: str
    state: str
    rounds: list[int]
    person_id: int | None
    reviewed_at: datetime | None
    review_note: str


class DecisionIn(Schema):
    note: str = Field("", max_length=200)


class StationOut(Schema):
    id: int
    name: str
    town: str
    lng: float
    lat: float
    members: int
    reports: int
    accepted: int
    points_issued: int
    points_redeemed: int


class MerchantOut(Schema):
    id: int
    name: str
    category: str
    offers: str
    address: str
    town: str
    items: list[dict]


class RedeemIn(Schema):
    item_id: Id


class WelfareOrderOut(Schema):
    id: int
    code: str
    points: int
    status: str
    merchant: str
    item: str
    expires_at: datetime


class FundOut(Schema):
    id: int
    name: str
    balance: Decimal
    town_id: int | None


class IncomeIn(Schema):
    kind: FundEntryKind
    amount: float = Field(..., gt=0, le=1000000, description="金额（元），最多两位小数")
    source: str = Field(..., max_length=100)


class GrantIn(Schema):
    reason: GrantReason
    story: str = Field(..., max_length=500)
    requested: float = Field(..., gt=0, le=1000000, description="金额（元），最多两位小数")


class GrantReviewIn(Schema):
    approve: bool
    amount: float | None = Field(None, gt=0, le=1000000, description="金额（元），最多两位小数")
    note: str = Field("", max_length=200)


class GrantOut(Schema):
    id: int
    fund_id: int
    rider_id: int
    rider: str
    reason: str
    story: str
    requested: Decimal
    amount: Decimal | None
    state: str
    review_note: str
    paid_at: datetime | None


class ListFilters(Schema):
    state: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=200)


def _rider_out(actor, r: Rider) -> dict:
    return {"id": r.pk, "name": r.name, "phone": access.phone_as_seen(actor, r), "platform": r.platform,
            "platform_label": r.platform_label, "station_id": r.station_id, "station": r.station.name,
            "state": r.state, "rounds": [g.pk for g in r.rounds.all()], "person_id": r.person_id,
            "reviewed_at": r.reviewed_at, "review_note": r.review_note}


def _grant_out(g: Grant) -> dict:
    return {"id": g.pk, "fund_id": g.fund_id, "rider_id": g.rider_id, "rider": g.rider.name, "reason": g.reason,
            "story": g.story, "requested": g.requested, "amount": g.amount, "state": g.state,
            "review_note": g.review_note, "paid_at": g.paid_at}


@router.post("/registrations", response={201: RiderOut}, summary="小蜜蜂登记（本人申请入格）")
@require_scope("bees:write")
def registration_create(request: HttpRequest, payload: RiderIn):
    actor = _actor(request)
    r = riders.register(actor, name=payload.name, phone=payload.phone, platform=payload.platform,
                        platform_other=payload.platform_other, station_id=payload.station_id, rounds=payload.rounds)
    return Status(201, _rider_out(actor, r))


@router.get("/registrations", response=list[RiderOut], summary="我范围内的小蜜蜂登记（本人：自己的）")
@require_scope("bees:read")
def registration_list(request: HttpRequest, filters: Query[ListFilters]):
    actor = _actor(request)
    qs = access.riders(actor).select_related("station").prefetch_related("rounds")
    if filters.state:
        qs = qs.filter(state=filters.state)
    return [_rider_out(actor, r) for r in qs[:filters.limit]]


@router.get("/registrations/{rider_id}", response=RiderOut, summary="一条小蜜蜂登记")
@require_scope("bees:read")
def registration_get(request: HttpRequest, rider_id: PathId):
    actor = _actor(request)
    return _rider_out(actor, access.rider_for(actor, rider_id))


@router.post("/registrations/{rider_id}/approve", response=RiderOut, summary="审核通过：授予小蜜蜂岗位")
@require_scope("bees:write")
def registration_approve(request: HttpRequest, rider_id: PathId, payload: DecisionIn):
    actor = _actor(request)
    return _rider_out(actor, riders.approve(actor, access.rider_for(actor, rider_id), payload.note))


@router.post("/registrations/{rider_id}/reject", response=RiderOut, summary="审核不通过（写明原因）")
@require_scope("bees:write")
def registration_reject(request: HttpRequest, rider_id: PathId, payload: DecisionIn):
    actor = _actor(request)
    return _rider_out(actor, riders.reject(actor, access.rider_for(actor, rider_id), payload.note))


def _station_out(f) -> dict:
    s = f.station
    return {"id": s.pk, "name": s.name, "town": s.town.name if s.town_id else "", "lng": s.venue.lng,
            "lat": s.venue.lat, "members": f.members, "reports": f.reports, "accepted": f.accepted,
            "points_issued": f.issued, "points_redeemed": f.redeemed}


@router.get("/stations", response=list[StationOut], summary="我范围内的小蜜蜂驿站（位置、成员、上报、公益积分）")
@require_scope("bees:read")
def station_list(request: HttpRequest):
    from datetime import date

    actor = _actor(request)
    rows = queries.station_rows(access.stations(actor).select_related("venue"), date(2000, 1, 1), date.today())
    return [_station_out(f) for f in rows]


@router.get("/stations/{station_id}", response=StationOut, summary="一个驿站（成员本人也可查看）")
@require_scope("bees:read")
def station_get(request: HttpRequest, station_id: PathId):
    actor = _actor(request)
    return _station_out(queries.station_summary(access.station_for(actor, station_id)))


@router.get("/merchants", response=list[MerchantOut], summary="爱心商家：爱心服务和可用公益积分兑换的项目")
@require_scope("bees:read")
def merchant_list(request: HttpRequest):
    _actor(request)
    items: dict[int, list[dict]] = {}
    for i in caring.items(None):
        items.setdefault(i.merchant_id, []).append({"id": i.pk, "name": i.name, "price": i.price,
                                                    "available": i.available})
    return [{"id": c.pk, "name": c.merchant.name, "category": c.category, "offers": c.offers,
             "address": c.merchant.address, "town": c.town.name if c.town_id else "",
             "items": items.get(c.merchant_id, [])} for c in caring.merchants()[:500]]


@router.post("/redemptions", response={201: WelfareOrderOut}, summary="用公益积分在爱心商家兑换（商家在积分商户页核销）")
@require_scope("bees:write")
def redemption_create(request: HttpRequest, payload: RedeemIn):
    actor = _actor(request)
    key = request.headers.get("Idempotency-Key") or None
    o = caring.redeem(actor, payload.item_id, key=f"bees:{actor.user_id}:{key[:60]}" if key else None)
    return Status(201, {"id": o.pk, "code": o.code, "points": o.points, "status": o.status,
                        "merchant": o.merchant.name, "item": o.item.name, "expires_at": o.expires_at})


@router.get("/funds", response=list[FundOut], summary="我范围内的关爱基金")
@require_scope("bees:read")
def fund_list(request: HttpRequest):
    actor = _actor(request)
    return list(access.funds(actor).values("id", "name", "balance", "town_id"))


@router.post("/funds/{fund_id}/income", response={201: FundOut}, summary="基金收入：捐赠或划拨")
@require_scope("bees:write")
def fund_income(request: HttpRequest, fund_id: PathId, payload: IncomeIn):
    actor = _actor(request)
    f = access.fund_for(actor, fund_id)
    fund.receive(actor, f, kind=payload.kind, amount=payload.amount, source=payload.source)
    f.refresh_from_db()
    return Status(201, {"id": f.pk, "name": f.name, "balance": f.balance, "town_id": f.town_id})


@router.post("/grants", response={201: GrantOut}, summary="小蜜蜂申请关爱救助")
@require_scope("bees:write")
def grant_create(request: HttpRequest, payload: GrantIn):
    actor = _actor(request)
    g = fund.apply(actor, reason=payload.reason, story=payload.story, requested=payload.requested)
    return Status(201, _grant_out(g))


@router.get("/grants", response=list[GrantOut], summary="我范围内的关爱救助申请（本人：自己的）")
@require_scope("bees:read")
def grant_list(request: HttpRequest, filters: Query[ListFilters]):
    actor = _actor(request)
    qs = access.grants(actor).select_related("rider")
    if filters.state:
        qs = qs.filter(state=filters.state)
    return [_grant_out(g) for g in qs[:filters.limit]]


@router.post("/grants/{grant_id}/review", response=GrantOut, summary="镇(街道)审核：批准金额或不予救助")
@require_scope("bees:write")
def grant_review(request: HttpRequest, grant_id: PathId, payload: GrantReviewIn):
    actor = _actor(request)
    g = fund.review(actor, access.grant_for(actor, grant_id), approve=payload.approve, amount=payload.amount,
                    note=payload.note)
    return _grant_out(g)


@router.post("/grants/{grant_id}/pay", response=GrantOut, summary="发放（余额不足时 409，不变更）")
@require_scope("bees:write")
def grant_pay(request: HttpRequest, grant_id: PathId):
    actor = _actor(request)
    return _grant_out(fund.pay(actor, access.grant_for(actor, grant_id)))
