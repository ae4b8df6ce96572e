"""The points store: order (hold + voucher code), confirmation at the shop (hold settles to the merchant,
stock leaves the shelf), cancellation and expiry (hold released), and monthly merchant settlements.

Stock: an order reserves one unit with ``UPDATE … SET reserved = reserved + 1 WHERE stock > reserved``;
confirmation takes it off the shelf (stock − 1, reserved − 1); cancel/expiry gives the reservation back.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Person
from jishi.org.policy import as_actor
from jishi.points import ledger
from jishi.points.access import manages, person_of
from jishi.points.boards import month_bounds
from jishi.points.choices import PROGRAMME_KINDS, OrderStatus, PostingKind, Programme
from jishi.points.models import Merchant, Order, Settlement, StoreItem

VOUCHER_DAYS = 30


def _new_code() -> str:
    return f"{secrets.randbelow(10**10):010d}"


def store_items_for(person: Person, programme: str = Programme.VILLAGE):
    """What this person may buy: 村民积分 — items of their village's and their town's stores; 公益积分 — items of
    every 爱心商家 of the city (informants work across the city)."""
    from django.db.models import Q

    qs = StoreItem.objects.filter(is_active=True, merchant__is_active=True, merchant__programme=programme)
    if programme == Programme.VILLAGE:
        qs = qs.filter(Q(village_id=person.village_id) | Q(village__isnull=True, town_id=person.town_id))
    return qs.select_related("merchant")


@transaction.atomic
def place_order(actor, item: StoreItem, *, key: str | None = None, person: Person | None = None,
                now: datetime | None = None) -> Order:
    """Hold the item's price from the person's redeemable points, reserve one unit, issue a voucher.

    On a market day every order of a popular item queues on that item's row, so the row is locked as late as
    possible: the accounts are found, the order and its audit row written first (no lock on anything shared),
    then the unit is reserved (``UPDATE … WHERE stock > reserved``, which locks the row), the accounts locked
    and the hold posted, and the transaction commits — four round trips under the item's lock instead of ten.
    Lock order stays item row, then accounts (confirm and cancel take them in that order too). A retried
    request finds its order: the order's unique key makes a concurrent twin wait for the first to commit."""
    actor = as_actor(actor)
    user = actor.user
    person = person or person_of(actor)
    if person is None:
        raise PermissionDenied("只有登记的村民可以兑换")
    if person.pk != actor.person_id and not manages(actor, person):
        raise PermissionDenied("只能为自己兑换")
    programme = item.merchant.programme
    # not under any lock yet: the one definition of what a person may buy, asked once
    if not item.is_active or not store_items_for(person, programme).filter(pk=item.pk).exists():
        raise ValidationFailed("该商品不在您所在村(镇)的积分超市", field="item")
    kinds = PROGRAMME_KINDS[programme]
    key = key or f"order:{person.pk}:{secrets.token_hex(8)}"
    redeemable = ledger.person_account(person, kinds.own)
    hold = ledger.system_account(kinds.hold, person.village_id)
    now = now or timezone.now()
    order = Order(key=key, person=person, item=item, merchant_id=item.merchant_id, points=item.price,
                  expires_at=now + timedelta(days=VOUCHER_DAYS))
    order.town_id, order.village_id, order.grid_id, order.microgrid_id = (
        person.town_id, person.village_id, person.grid_id, person.microgrid_id)
    for _ in range(5):
        order.code = _new_code()
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            prior = Order.objects.filter(key=key).first()
            if prior is not None:  # a retried request (its twin has committed): the same order again
                prior.replayed = True
                return prior
    else:
        raise Conflict("兑换码生成失败，请重试")
    audit.record(user, "points.order", order, summary=f"{person.name}兑换{item.name}（{item.price}分）",
                 data={"code": order.code, "item": item.pk})
    # From here on the item's row is locked until the commit.
    if StoreItem.objects.filter(pk=item.pk, stock__gt=F("reserved"), is_active=True).update(reserved=F("reserved") + 1) != 1:
        raise Conflict(f"“{item.name}”已兑完", code="out_of_stock")
    posting = ledger.post(key=f"hold:{key}", kind=PostingKind.HOLD, legs=[(redeemable, -item.price), (hold, item.price)],
                          reason=f"兑换{item.name}", person=person, points=-item.price, actor=user, source=f"item:{item.pk}")
    if posting.replayed:  # cannot happen while the order key is new; never hold twice
        raise Conflict("该兑换正在处理，请勿重复提交", code="duplicate_request")
    order.replayed = False
    return order


UNKNOWN_CODE = "兑换码不存在，请核对"
UNKNOWN_ORDER = "兑换券不存在"


def _refuse(actor, order: Order, message: str, unknown: str) -> None:
    """The refusal of a step on ``order``: 403 (``message``) only to whom it is visible anyway (``view``), else
    the 404 of an unknown one (``unknown``) — the answer must not tell that another person's voucher exists."""
    if holds(actor, "view", order):
        raise PermissionDenied(message)
    raise NotFound(unknown)


def _merchant_of(actor, order: Order) -> None:
    merchant = order.merchant
    if not ((actor.person_id and merchant.owner_id == actor.person_id) or actor.is_superuser):
        _refuse(actor, order, "只有该商户可以核销此兑换券", UNKNOWN_CODE)


def preview_voucher(actor, code: str, *, now: datetime | None = None) -> Order:
    """What the merchant is about to redeem (item, holder, points), checked exactly as ``confirm_voucher`` checks
    it, changing nothing: the counter shows it before the merchant confirms."""
    actor = as_actor(actor)
    code = "".join(ch for ch in code if ch.isdigit())
    order = Order.objects.select_related("merchant", "item", "person").filter(code=code).first() if code else None
    if order is None:
        raise NotFound(UNKNOWN_CODE)
    _merchant_of(actor, order)
    if order.status == OrderStatus.HELD and order.expires_at < (now or timezone.now()):
        raise Conflict("兑换券已过期", code="voucher_expired")
    if order.status != OrderStatus.HELD:
        raise Conflict(f"兑换券{order.get_status_display()}，不能核销", code="voucher_closed")
    return order


@transaction.atomic
def confirm_voucher(actor, code: str, *, now: datetime | None = None) -> Order:
    """The merchant confirms a voucher at the shop: the hold settles to the merchant, stock leaves the shelf."""
    actor = as_actor(actor)
    user = actor.user
    code = "".join(ch for ch in code if ch.isdigit())
    order = Order.objects.select_related("merchant", "item").filter(code=code).first()
    if order is None:
        raise NotFound(UNKNOWN_CODE)
    _merchant_of(actor, order)
    now = now or timezone.now()
    if order.status == OrderStatus.HELD and order.expires_at < now:
        raise Conflict("兑换券已过期", code="voucher_expired")
    if Order.objects.filter(pk=order.pk, status=OrderStatus.HELD).update(
            status=OrderStatus.CONFIRMED, confirmed_at=now, confirmed_by=user, updated_at=now) != 1:
        order.refresh_from_db()
        raise Conflict(f"兑换券{order.get_status_display()}，不能核销", code="voucher_closed")
    # Lock order: store item row before accounts, everywhere (place, confirm, cancel), so none deadlock.
    StoreItem.objects.filter(pk=order.item_id).update(stock=F("stock") - 1, reserved=F("reserved") - 1)
    hold = ledger.system_account(PROGRAMME_KINDS[order.merchant.programme].hold, order.village_id)
    ledger.post(key=f"settle:{order.pk}", kind=PostingKind.SETTLE,
                legs=[(hold, -order.points), (ledger.merchant_account(order.merchant), order.points)],
                reason=f"{order.merchant.name}核销{order.item.name}", person=order.person, points=0, actor=user,
                source=f"order:{order.pk}", region=order, at=now)
    order.refresh_from_db()
    audit.record(user, "points.order.confirm", order, summary=f"核销兑换券 {order.code}")
    return order


@transaction.atomic
def cancel_order(actor, order: Order, *, expired: bool = False, now: datetime | None = None) -> Order:
    """Cancel (by the villager or a cadre) or expire an open voucher: the hold goes back, the unit back on sale.
    ``actor`` None: the system (expiry)."""
    actor = as_actor(actor)
    user = actor.user
    if not expired and not ((actor.person_id and actor.person_id == order.person_id) or manages(actor, order)):
        _refuse(actor, order, "只能取消自己的兑换", UNKNOWN_ORDER)
    status = OrderStatus.EXPIRED if expired else OrderStatus.CANCELLED
    now = now or timezone.now()
    if Order.objects.filter(pk=order.pk, status=OrderStatus.HELD).update(status=status, updated_at=now) != 1:
        order.refresh_from_db()
        raise Conflict(f"兑换券{order.get_status_display()}，不能取消", code="voucher_closed")
    StoreItem.objects.filter(pk=order.item_id).update(reserved=F("reserved") - 1)
    kinds = PROGRAMME_KINDS[order.merchant.programme]
    hold = ledger.system_account(kinds.hold, order.village_id)
    ledger.post(key=f"release:{order.pk}", kind=PostingKind.RELEASE,
                legs=[(hold, -order.points), (ledger.person_account(order.person, kinds.own), order.points)],
                reason=f"{'过期' if expired else '取消'}兑换，退回积分", person=order.person, points=order.points,
                actor=user, source=f"order:{order.pk}", region=order, at=now)
    order.refresh_from_db()
    audit.record(user, f"points.order.{status}", order, summary=f"兑换券 {order.code} {order.get_status_display()}")
    return order


def expire_due(now: datetime | None = None) -> int:
    """Expire open vouchers past their date (run by the worker every hour). Returns how many."""
    now = now or timezone.now()
    n = 0
    for order in Order.objects.filter(status=OrderStatus.HELD, expires_at__lt=now).order_by("pk")[:5000]:
        try:
            cancel_order(None, order, expired=True, now=now)
            n += 1
        except Conflict:
            continue  # confirmed or cancelled meanwhile
    return n


@transaction.atomic
def settle_month(actor, merchant: Merchant, month: date) -> Settlement:
    """The merchant's settlement statement for a month: confirmed vouchers, points × rate = subsidy."""
    actor = as_actor(actor)
    if not manages(actor, merchant):
        raise PermissionDenied("只有镇村管理人员可以出具结算单")
    month = month.replace(day=1)
    start, end = month_bounds(month)
    if end > timezone.now():
        raise ValidationFailed("当月尚未结束，不能结算", field="month")
    existing = Settlement.objects.filter(merchant=merchant, month=month).first()
    if existing is not None:
        return existing
    agg = Order.objects.filter(merchant=merchant, status=OrderStatus.CONFIRMED, confirmed_at__gte=start,
                               confirmed_at__lt=end).aggregate(n=Count("id"), p=Sum("points"))
    points = agg["p"] or 0
    rate = Decimal(str(merchant.yuan_per_point))
    amount = (Decimal(points) * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    s = Settlement.objects.create(merchant=merchant, month=month, orders=agg["n"], points=points,
                                  yuan_per_point=rate, amount=amount)
    audit.record(actor.user, "points.settlement", s, summary=f"{merchant.name}{month:%Y年%m月}结算 {points} 分 {amount} 元")
    return s
