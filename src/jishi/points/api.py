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

from jishi.api.auth import require_scope, user_of
from jishi.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.api.types import Id, PathId
from jishi.core.errors import NotFound, ValidationFailed
from jishi.org.models import Person, Region
from jishi.org.scope import visible
from jishi.points import boards, claims, earning, queries, store
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
    item: str = Field(description="积分项目编码")
    reason: str = Field("", max_length=200)


class ReverseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=150)


class PhotoIn(Schema):
    name: str = Field(..., max_length=100)
    content_base64: str


class ClaimIn(Schema):
    item: str
    note: str = Field(..., max_length=300)
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
    note: str = Field("", max_length=200)


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


class BoardOut(Schema):
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


class BoardDetail(BoardOut):
    lines: list[BoardLineOut]


class PublishIn(Schema):
    village_id: Id
    month: date = Field(..., description="该月任一天")


class ObjectionIn(Schema):
    posting_id: Id
    reason: str = Field(..., min_length=1, max_length=300)


class ResolveIn(Schema):
    upheld: bool
    resolution: str = Field(..., min_length=1, max_length=300)


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
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _person(request: HttpRequest) -> Person:
    person = person_of(user_of(request))
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
    qs = visible(Posting.objects.select_related("item"), user_of(request))
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("at", "id"))


@router.post("/awards", response={200: PostingOut, 201: PostingOut}, summary="评定加分或扣分（幂等）")
@require_scope("points:post")
def award(request: HttpRequest, payload: AwardIn,
          idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=60)):
    user = user_of(request)
    person = get_object_or_404(visible(Person.objects.all(), user), pk=payload.person_id)
    item = get_object_or_404(PointItem, code=payload.item)
    p = earning.apply_item(user, person, item, key=f"api:{user.pk}:{idempotency_key}", reason=payload.reason,
                           approver=user, source="api")
    return Status(200 if p.replayed else 201, p)


@router.post("/postings/{posting_id}/reverse", response=PostingOut, summary="冲正（只能冲正一次）")
@require_scope("points:post")
def reverse(request: HttpRequest, posting_id: PathId, payload: ReverseIn):
    user = user_of(request)
    posting = get_object_or_404(visible(Posting.objects.all(), user), pk=posting_id)
    return earning.reverse(user, posting, payload.reason)


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
    return Status(201, claims.submit_claim(user_of(request), item, payload.note, payload.occurred_on, photo))


@router.get("/claims", response=list[ClaimOut], summary="待审核申报")
@require_scope("points:read")
def review_queue(request: HttpRequest):
    return list(queries.review_queue(user_of(request))[:200])


@router.post("/claims/{claim_id}/review", response=ClaimOut, summary="审核申报（两级审核按村政策）")
@require_scope("points:post")
def review(request: HttpRequest, claim_id: PathId, payload: ReviewIn):
    user = user_of(request)
    claim = get_object_or_404(visible(Claim.objects.all(), user), pk=claim_id)
    return claims.review_claim(user, claim, payload.approve, payload.note)


@router.get("/store", response=list[StoreItemOut], summary="本村(镇)积分超市")
@require_scope("points:read")
def store_items(request: HttpRequest):
    return list(store.store_items_for(_person(request)))


@router.post("/store/{item_id}/orders", response={200: OrderOut, 201: OrderOut}, summary="兑换下单（冻结积分，生成兑换码，幂等）")
@require_scope("points:post")
def order(request: HttpRequest, item_id: PathId,
          idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=60)):
    user = user_of(request)
    key = f"api:{user.pk}:{idempotency_key}" if idempotency_key else None
    existing = Order.objects.filter(key=key).first() if key else None
    o = store.place_order(user, get_object_or_404(StoreItem, pk=item_id), key=key)
    return Status(200 if existing else 201, o)


@router.get("/orders", response=list[OrderOut], summary="我的兑换券")
@require_scope("points:read")
def my_orders(request: HttpRequest):
    return list(Order.objects.filter(person=_person(request))[:100])


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="取消兑换（退回积分）")
@require_scope("points:post")
def cancel(request: HttpRequest, order_id: PathId):
    return store.cancel_order(user_of(request), get_object_or_404(Order, pk=order_id))


@router.post("/vouchers/confirm", response=OrderOut, summary="商户核销兑换券")
@require_scope("points:post")
def confirm(request: HttpRequest, payload: CodeIn):
    return store.confirm_voucher(user_of(request), payload.code)


@router.get("/boards", response=list[BoardOut], summary="积分公示榜")
@require_scope("points:read")
def board_list(request: HttpRequest):
    return list(boards.visible_boards(user_of(request))[:200])


@router.get("/boards/{board_id}", response=BoardDetail, summary="公示榜详情（排名快照）")
@require_scope("points:read")
def board_detail(request: HttpRequest, board_id: PathId):
    board = get_object_or_404(boards.visible_boards(user_of(request)), pk=board_id)
    fields = ("id", "village_id", "month", "status", "published_at", "notice_until", "finalised_at")
    return {**{f: getattr(board, f) for f in fields}, "lines": list(board.lines.all())}


@router.post("/boards", response=BoardOut, summary="生成并公示月度积分榜")
@require_scope("points:post")
def publish(request: HttpRequest, payload: PublishIn):
    user = user_of(request)
    village = get_object_or_404(Region, pk=payload.village_id)
    require_manager(user, village, "发布积分公示榜")
    return boards.publish_board(user, village, payload.month)


@router.post("/boards/{board_id}/objections", response=ObjectionOut, summary="对公示榜上的积分记录提出异议（冻结）")
@require_scope("points:post")
def object_(request: HttpRequest, board_id: PathId, payload: ObjectionIn):
    user = user_of(request)
    board = get_object_or_404(boards.visible_boards(user), pk=board_id)
    return boards.raise_objection(user, board, get_object_or_404(Posting, pk=payload.posting_id), payload.reason)


@router.post("/objections/{objection_id}/resolve", response=ObjectionOut, summary="处理异议（成立则冲正，否则解冻）")
@require_scope("points:post")
def resolve(request: HttpRequest, objection_id: PathId, payload: ResolveIn):
    return boards.resolve_objection(user_of(request), get_object_or_404(Objection, pk=objection_id),
                                    payload.upheld, payload.resolution)


@router.post("/boards/{board_id}/finalise", response=BoardOut, summary="公示期满定榜")
@require_scope("points:post")
def finalise(request: HttpRequest, board_id: PathId):
    user = user_of(request)
    return boards.finalise_board(user, get_object_or_404(boards.visible_boards(user), pk=board_id))
