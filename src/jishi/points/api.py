"""Points endpoints (/api/v1/points): balances and history, awards and reversals, claims and review,
boards and objections, the store, vouchers and settlement. Each endpoint calls one service function;
what a caller sees goes through the same data scope as the pages."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Query, Router, Schema, Status

from jishi.core import limits
from jishi.core.errors import NotFound, ValidationFailed
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Base64File, Code, Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import Household, Person, Region
from jishi.points import boards, claims, earning, households, queries, rules, shelf, store
from jishi.points.access import person_of, require_manager
from jishi.points.models import Claim, Objection, Order, PointItem, Posting, StoreItem

router = Router()


class StandingOut(Schema):
    person_id: int
    name: str
    redeemable: int
    honour: int
    rank: int | None
    ranked: int


class PostingOut(Schema):
    id: int
    key: str
    kind: str
    at: datetime
    person_id: int | None
    item_code: str | None = Field(None, alias="item.code")
    points: int
    honour: int
    reason: str
    actor_id: int | None
    approver_id: int | None
    reverses_id: int | None
    village_id: int | None


class ItemOut(Schema):
    code: str
    name: str
    kind: str
    points: int
    cap_count: int
    cap_period: str
    evidence_required: bool
    awarder: str


class AwardIn(Schema):
    person_id: Id
    item: str = Field(description="积分项目编码", max_length=limits.CODE)
    reason: str = Field("", max_length=limits.POINTS_REASON)


class ReverseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=limits.POINTS_REVERSAL)


class PhotoIn(Schema):
    name: str = Field(..., max_length=limits.FILE_NAME)
    content_base64: Base64File


class ClaimIn(Schema):
    item: str = Field(..., max_length=limits.CODE)
    note: str = Field(..., max_length=limits.POINTS_CLAIM_NOTE)
    occurred_on: date
    photo: PhotoIn | None = None


class ClaimOut(Schema):
    id: int
    person_id: int
    item_code: str = Field(..., alias="item.code")
    note: str
    occurred_on: date
    status: str
    review_note: str
    posting_id: int | None


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=limits.POINTS_REVIEW_NOTE)


class StoreItemOut(Schema):
    id: int
    name: str
    price: int
    stock: int
    reserved: int
    merchant_id: int
    merchant_name: str = Field(..., alias="merchant.name")


class OrderOut(Schema):
    id: int
    code: str
    status: str
    points: int
    item_id: int
    merchant_id: int
    expires_at: datetime
    confirmed_at: datetime | None


class CodeIn(Schema):
    code: str = Field(..., max_length=20)


class PointsBoardOut(Schema):
    id: int
    village_id: int
    month: date
    status: str
    published_at: datetime | None
    notice_until: datetime | None
    finalised_at: datetime | None


class BoardLineOut(Schema):
    rank: int
    person_id: int
    person_name: str
    earned: int
    deducted: int
    honour_total: int


class BoardDetail(PointsBoardOut):
    lines: list[BoardLineOut]


class PublishIn(Schema):
    village_id: Id
    month: date = Field(..., description="该月任一天")


class ObjectionIn(Schema):
    posting_id: Id
    reason: str = Field(..., min_length=1, max_length=limits.POINTS_OBJECTION)


class ResolveIn(Schema):
    upheld: bool
    resolution: str = Field(..., min_length=1, max_length=limits.POINTS_OBJECTION)


class ObjectionOut(Schema):
    id: int
    board_id: int
    posting_id: int
    status: str
    frozen: int
    reason: str
    resolution: str


class PageFilters(Schema):
    person: Id | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _actor(request: HttpRequest):
    """The request's Actor (a token's, narrowed to its port)."""
    return actor_of(request)


def _person(request: HttpRequest) -> Person:
    person = person_of(_actor(request))
    if person is None:
        raise NotFound("此账号没有关联人员", details={"detail_en": "no person record for this account"})
    return person


@router.get("/me", response=StandingOut, summary="我的积分（余额、荣誉积分、村内排名）")
@require_scope("points:read")
def me(request: HttpRequest):
    person = _person(request)
    s = queries.standing(person)
    return {"person_id": person.pk, "name": person.name, "redeemable": s.redeemable, "honour": s.honour,
            "rank": s.rank, "ranked": s.ranked}


@router.get("/items", response=list[ItemOut], summary="积分项目（市级模板）")
@require_scope("points:read")
def items(request: HttpRequest):
    return list(PointItem.objects.filter(is_active=True))


@router.get("/postings", response=page_of(PostingOut), summary="积分记录（按数据范围）")
@require_scope("points:read")
def postings(request: HttpRequest, filters: Query[PageFilters]):
    qs = Posting.objects.restrict(_actor(request), "view").select_related("item")
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("at", "id"))


@router.post("/awards", response={200: PostingOut, 201: PostingOut}, summary="评定加分或扣分（幂等）")
@require_scope("points:post")
def award(request: HttpRequest, payload: AwardIn,
          idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=60)):
    actor = _actor(request)
    person = get_object_or_404(Person.objects.restrict(actor, "view"), pk=payload.person_id)
    item = get_object_or_404(PointItem, code=payload.item)
    p = earning.apply_item(actor, person, item, key=f"api:{actor.user_id}:{idempotency_key}", reason=payload.reason,
                           approver=actor.user, source="api")
    return Status(200 if p.replayed else 201, p)


@router.post("/postings/{posting_id}/reverse", response=PostingOut, summary="冲正（只能冲正一次）")
@require_scope("points:post")
def reverse(request: HttpRequest, posting_id: PathId, payload: ReverseIn):
    actor = _actor(request)
    posting = get_object_or_404(Posting.objects.restrict(actor, "view"), pk=posting_id)
    return earning.reverse(actor, posting, payload.reason)


@router.post("/claims", response={201: ClaimOut}, summary="村民申报积分（照片 Base64）")
@require_scope("points:post")
def submit_claim(request: HttpRequest, payload: ClaimIn):
    item = get_object_or_404(PointItem, code=payload.item)
    photo = None
    if payload.photo is not None:
        try:
            data = base64.b64decode(payload.photo.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("照片不是有效的 Base64", field="photo")
        photo = SimpleUploadedFile(payload.photo.name, data)
    return Status(201, claims.submit_claim(_actor(request), item, payload.note, payload.occurred_on, photo))


@router.get("/claims", response=list[ClaimOut], summary="待审核申报")
@require_scope("points:read")
def review_queue(request: HttpRequest):
    return list(queries.review_queue(_actor(request))[:200])


@router.post("/claims/{claim_id}/review", response=ClaimOut, summary="审核申报（两级审核按村政策）")
@require_scope("points:post")
def review(request: HttpRequest, claim_id: PathId, payload: ReviewIn):
    actor = _actor(request)
    claim = get_object_or_404(Claim.objects.restrict(actor, "view"), pk=claim_id)
    return claims.review_claim(actor, claim, payload.approve, payload.note)


@router.get("/store", response=list[StoreItemOut], summary="本村(镇)积分超市")
@require_scope("points:read")
def store_items(request: HttpRequest):
    return list(store.store_items_for(_person(request)))


@router.post("/store/{item_id}/orders", response={200: OrderOut, 201: OrderOut}, summary="兑换下单（冻结积分，生成兑换码，幂等）")
@require_scope("points:post")
def order(request: HttpRequest, item_id: PathId,
          idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=60)):
    actor = _actor(request)
    key = f"api:{actor.user_id}:{idempotency_key}" if idempotency_key else None
    o = store.place_order(actor, get_object_or_404(StoreItem, pk=item_id), key=key)
    return Status(200 if o.replayed else 201, o)  # a retry, also one that raced the first call: 200


@router.get("/orders", response=list[OrderOut], summary="我的兑换券")
@require_scope("points:read")
def my_orders(request: HttpRequest):
    return list(Order.objects.filter(person=_person(request))[:100])


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="取消兑换（退回积分）")
@require_scope("points:post")
def cancel(request: HttpRequest, order_id: PathId):
    actor = _actor(request)  # another person's order outside one's scope: 404, as an unknown one
    return store.cancel_order(actor, get_object_or_404(Order.objects.restrict(actor, "view"), pk=order_id))


@router.post("/vouchers/confirm", response=OrderOut, summary="商户核销兑换券")
@require_scope("points:post")
def confirm(request: HttpRequest, payload: CodeIn):
    return store.confirm_voucher(_actor(request), payload.code)


@router.get("/boards", response=list[PointsBoardOut], summary="积分公示榜")
@require_scope("points:read")
def board_list(request: HttpRequest):
    return list(boards.visible_boards(_actor(request))[:200])


@router.get("/boards/{board_id}", response=BoardDetail, summary="公示榜详情（排名快照）")
@require_scope("points:read")
def board_detail(request: HttpRequest, board_id: PathId):
    board = get_object_or_404(boards.visible_boards(_actor(request)), pk=board_id)
    fields = ("id", "village_id", "month", "status", "published_at", "notice_until", "finalised_at")
    return {**{f: getattr(board, f) for f in fields}, "lines": list(board.lines.all())}


@router.post("/boards", response=PointsBoardOut, summary="生成并公示月度积分榜")
@require_scope("points:post")
def publish(request: HttpRequest, payload: PublishIn):
    actor = _actor(request)
    village = get_object_or_404(Region, pk=payload.village_id)
    require_manager(actor, village, "发布积分公示榜")
    return boards.publish_board(actor, village, payload.month)


@router.post("/boards/{board_id}/objections", response=ObjectionOut, summary="对公示榜上的积分记录提出异议（冻结）")
@require_scope("points:post")
def object_(request: HttpRequest, board_id: PathId, payload: ObjectionIn):
    actor = _actor(request)
    board = get_object_or_404(boards.visible_boards(actor), pk=board_id)
    return boards.raise_objection(actor, board, get_object_or_404(Posting, pk=payload.posting_id), payload.reason)


@router.post("/objections/{objection_id}/resolve", response=ObjectionOut, summary="处理异议（成立则冲正，否则解冻）")
@require_scope("points:post")
def resolve(request: HttpRequest, objection_id: PathId, payload: ResolveIn):
    actor = _actor(request)  # an objection outside one's scope: 404, as an unknown one
    return boards.resolve_objection(actor, get_object_or_404(Objection.objects.restrict(actor, "view"), pk=objection_id),
                                    payload.upheld, payload.resolution)


@router.post("/boards/{board_id}/finalise", response=PointsBoardOut, summary="公示期满定榜")
@require_scope("points:post")
def finalise(request: HttpRequest, board_id: PathId):
    actor = _actor(request)
    return boards.finalise_board(actor, get_object_or_404(boards.visible_boards(actor), pk=board_id))


# --- batch inspection, policy decisions, households, the store's shelf --------------------------------------

MAX_POINTS = 10_000


class HouseholdScoreIn(Schema):
    household_id: Id
    items: list[Code] = Field(..., max_length=10, description="检查评分项目编码")


class InspectionIn(Schema):
    village_id: Id
    title: str = Field(..., min_length=1, max_length=limits.POINTS_TITLE)
    held_on: date
    scores: list[HouseholdScoreIn] = Field(..., min_length=1, max_length=1000)


class InspectionOut(Schema):
    id: int
    village_id: int
    title: str
    held_on: date
    scored: int
    postings: int


class PolicyItemIn(Schema):
    code: str = Field(..., max_length=limits.CODE)
    points: int | None = Field(None, ge=0, le=MAX_POINTS)
    cap_count: int | None = Field(None, ge=0, le=1000)
    enabled: bool = True


class PolicyIn(Schema):
    region_id: Id
    decision: str = Field(..., min_length=1, max_length=limits.POINTS_DECISION, description="决议（如村民代表大会决议文号）")
    decided_on: date
    base_points: int | None = Field(None, ge=0, le=MAX_POINTS)
    yearly_reset: bool | None = None
    two_step_review: bool | None = None
    items: list[PolicyItemIn] = Field([], max_length=100)


class PolicyItemOut(Schema):
    code: str = Field(..., alias="item.code")
    points: int | None
    cap_count: int | None
    enabled: bool


class PolicyOut(Schema):
    id: int
    region_id: int
    version: int
    decision: str
    decided_on: date
    base_points: int | None
    yearly_reset: bool | None
    two_step_review: bool | None
    items: list[PolicyItemOut]


class MemberOut(Schema):
    person_id: int
    name: str
    is_household_head: bool
    redeemable: int
    honour: int


class HouseholdOut(Schema):
    id: int
    code: str
    village_id: int | None
    members: list[MemberOut]
    redeemable: int
    honour: int


class ShelfIn(Schema):
    merchant_id: Id
    name: str = Field(..., min_length=1, max_length=limits.POINTS_TITLE)
    price: int = Field(..., ge=1, le=100_000)
    stock: int = Field(..., ge=0, le=100_000)


class ShelfPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=limits.POINTS_TITLE)
    price: int | None = Field(None, ge=1, le=100_000)
    stock: int | None = Field(None, ge=0, le=100_000)
    is_active: bool | None = None


class ShelfOut(StoreItemOut):
    is_active: bool


IdempotencyKey = Header(..., alias="Idempotency-Key", min_length=1, max_length=60)


@router.post("/inspections", response={200: InspectionOut, 201: InspectionOut},
             summary="批量检查评分（一次提交多户，幂等）")
@require_scope("points:post")
def inspect(request: HttpRequest, payload: InspectionIn, idempotency_key: str = IdempotencyKey):
    actor = _actor(request)
    village = get_object_or_404(Region, pk=payload.village_id, level="village")
    scores: dict[int, list[str]] = {}
    for row in payload.scores:
        if row.household_id in scores:
            raise ValidationFailed("同一户只能出现一次", field="scores")
        scores[row.household_id] = list(dict.fromkeys(row.items))
    done = claims.score_inspection(actor, village, payload.title, payload.held_on, scores,
                                   key=f"api:{actor.user_id}:{idempotency_key}")
    out = {f: getattr(done, f) for f in ("id", "village_id", "title", "held_on", "scored")}
    out["postings"] = Posting.objects.filter(source=f"inspection:{done.pk}").count()
    return Status(200 if done.replayed else 201, out)


@router.post("/policies", response={200: PolicyOut, 201: PolicyOut},
             summary="镇(村)采用或调整积分政策（记录决议，新版本，幂等）")
@require_scope("points:post")
def adopt(request: HttpRequest, payload: PolicyIn, idempotency_key: str = IdempotencyKey):
    actor = _actor(request)
    region = get_object_or_404(Region, pk=payload.region_id)
    items = {}
    for row in payload.items:
        if row.code in items:
            raise ValidationFailed(f"积分项目“{row.code}”重复", field="items")
        items[row.code] = {"points": row.points, "cap_count": row.cap_count, "enabled": row.enabled}
    policy = rules.adopt_policy(actor, region, decision=payload.decision, decided_on=payload.decided_on,
                                base_points=payload.base_points, yearly_reset=payload.yearly_reset,
                                two_step_review=payload.two_step_review, items=items,
                                key=f"api:{actor.user_id}:{idempotency_key}")
    out = {f: getattr(policy, f) for f in ("id", "region_id", "version", "decision", "decided_on", "base_points",
                                           "yearly_reset", "two_step_review")}
    out["items"] = list(policy.items.select_related("item"))
    return Status(200 if policy.replayed else 201, out)


@router.get("/households/{household_id}", response=HouseholdOut, summary="户积分（成员余额与全户合计）")
@require_scope("points:read")
def household(request: HttpRequest, household_id: PathId):
    hh = Household.objects.filter(pk=household_id).first()
    if hh is None or not households.can_see(_actor(request), hh):
        raise NotFound("没有这一户，或不在您的范围内")
    hp = households.household_points(_actor(request), hh)
    return {"id": hh.pk, "code": hh.code, "village_id": hh.village_id, "redeemable": hp.redeemable,
            "honour": hp.honour, "members": [
                {"person_id": m.person.pk, "name": m.person.name, "is_household_head": m.person.is_household_head,
                 "redeemable": m.redeemable, "honour": m.honour} for m in hp.members]}


@router.post("/shelf", response={201: ShelfOut}, summary="积分超市上架新商品（村、镇管理）")
@require_scope("points:post")
def shelf_create(request: HttpRequest, payload: ShelfIn):
    actor = _actor(request)
    merchant = get_object_or_404(shelf.managed_merchants(actor), pk=payload.merchant_id)
    return Status(201, shelf.create_item(actor, merchant, name=payload.name, price=payload.price, stock=payload.stock))


@router.patch("/shelf/{item_id}", response=ShelfOut, summary="修改商品价格、库存，上架或下架")
@require_scope("points:post")
def shelf_update(request: HttpRequest, item_id: PathId, payload: ShelfPatch):
    actor = _actor(request)
    item = get_object_or_404(StoreItem.objects.select_related("merchant").filter(
        merchant__in=shelf.managed_merchants(actor)), pk=item_id)
    if payload.name is not None or payload.price is not None or payload.stock is not None:
        item = shelf.update_item(actor, item, name=payload.name, price=payload.price, stock=payload.stock)
    if payload.is_active is not None and payload.is_active != item.is_active:
        item = shelf.set_active(actor, item, payload.is_active)
    return item
