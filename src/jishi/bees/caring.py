"""公益积分 where riders spend them: the caring merchants (爱心商家) and what they offer, a rider's 公益积分 balance
and history, and redemption — an order in the points store (``points.store.place_order``) on an item of a
merchant of programme 公益积分, confirmed by the merchant on the points merchant page as any voucher."""

from __future__ import annotations

from django.db.models import Sum

from jishi.bees.models import CaringMerchant
from jishi.core.errors import NotFound, PermissionDenied
from jishi.org.models import Person
from jishi.org.policy import as_actor
from jishi.points import store
from jishi.points.choices import AccountKind, PostingKind, Programme
from jishi.points.models import Account, Order, Posting, StoreItem


def merchants():
    """Every active caring merchant of the city (public to signed-in users: where riders may rest and eat)."""
    return (CaringMerchant.objects.filter(merchant__is_active=True, merchant__programme=Programme.WELFARE)
            .select_related("merchant", "town"))


def balance(person: Person | None) -> int:
    if person is None:
        return 0
    return Account.objects.filter(kind=AccountKind.WELFARE, person=person).values_list("balance", flat=True).first() or 0


def history(person: Person, limit: int = 50):
    """The person's 公益积分 postings: awards, and holds/settlements/releases at caring merchants."""
    return (Posting.objects.filter(person=person, entries__account__kind=AccountKind.WELFARE)
            .select_related("item").order_by("-at", "-id").distinct()[:limit])


def earned(person: Person) -> int:
    return Posting.objects.filter(person=person, kind=PostingKind.WELFARE).aggregate(s=Sum("points"))["s"] or 0


def items(person: Person | None):
    """What 公益积分 buy: the items of caring merchants."""
    return StoreItem.objects.filter(is_active=True, merchant__is_active=True, merchant__programme=Programme.WELFARE,
                                    stock__gt=0).select_related("merchant").order_by("merchant__name", "price")


def vouchers(person: Person):
    return (Order.objects.filter(person=person, merchant__programme=Programme.WELFARE)
            .select_related("item", "merchant").order_by("-created_at")[:30])


def redeem(actor, item_id, *, key: str | None = None) -> Order:
    """A rider orders an item of a caring merchant with 公益积分 (the points store's own order service)."""
    actor = as_actor(actor)
    if not actor.person_id:
        raise PermissionDenied("只有已入格的小蜜蜂可以兑换")
    item = StoreItem.objects.select_related("merchant").filter(
        pk=item_id, merchant__programme=Programme.WELFARE).first() if str(item_id).isdigit() and \
        0 < int(item_id) < 2**63 else None
    if item is None:
        raise NotFound("爱心商家的兑换项目不存在")
    return store.place_order(actor, item, key=key, person=Person.objects.get(pk=actor.person_id))
