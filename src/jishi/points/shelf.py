"""Managing a points store's shelf (积分超市商品管理) by the village or town that runs it: list a new item,
change its price or stock, take it off sale or back on. Each change is audited; the villagers' orders and
the merchant's confirmations stay in ``store``.

Stock never drops below what open vouchers have reserved (``reserved``): the change is one conditional
``UPDATE … WHERE reserved <= new stock``, so a concurrent order cannot slip under it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jishi.core import audit, limits
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.policy import as_actor
from jishi.points.access import clean, manages, user_of
from jishi.points.models import Merchant, StoreItem

MAX_PRICE = 100_000
MAX_STOCK = 100_000


def managed_merchants(actor):
    """The shops whose shelves ``actor`` runs: those it holds "manage" on (its village's, its town's, the city's)."""
    return (Merchant.objects.restrict(as_actor(actor), "manage").select_related("village", "town")
            .order_by("town__path", "village__path", "name"))


def _require(actor, merchant: Merchant, what: str) -> None:
    if not manages(actor, merchant):
        raise PermissionDenied(f"只有该商户所在村(镇)的管理人员可以{what}")


def _number(value: int | None, field: str, label: str, low: int, high: int) -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(f"{label}须为 {low}–{high} 的整数", field=field)
    return value


@transaction.atomic
def create_item(actor, merchant: Merchant, *, name: str, price: int, stock: int) -> StoreItem:
    """List a new item in the merchant's store (in the merchant's village or town)."""
    actor = as_actor(actor)
    _require(actor, merchant, "上架商品")
    if not merchant.is_active:
        raise Conflict("该商户已停用，不能上架商品", code="merchant_inactive")
    name = clean(name, limits.POINTS_TITLE, field="name", label="商品名称")
    if not name:
        raise ValidationFailed("请填写商品名称", field="name")
    item = StoreItem(merchant=merchant, name=name, price=_number(price, "price", "所需积分", 1, MAX_PRICE),
                     stock=_number(stock, "stock", "库存", 0, MAX_STOCK))
    item.town_id, item.village_id, item.grid_id, item.microgrid_id = (
        merchant.town_id, merchant.village_id, merchant.grid_id, merchant.microgrid_id)
    item.save()
    audit.record(user_of(actor), "points.store_item.create", item, summary=f"{merchant.name}上架“{name}”：{price} 分，库存 {stock}",
                 data={"merchant": merchant.pk, "price": price, "stock": stock})
    return item


@transaction.atomic
def update_item(actor, item: StoreItem, *, price: int | None = None, stock: int | None = None,
                name: str | None = None) -> StoreItem:
    """Change an item's price, stock or name. Open vouchers keep the price they were ordered at; the new stock
    may not be below the units reserved by open vouchers."""
    merchant = item.merchant
    actor = as_actor(actor)
    _require(actor, merchant, "修改商品")
    changes: dict[str, object] = {}
    if name is not None:
        name = clean(name, limits.POINTS_TITLE, field="name", label="商品名称")
        if not name:
            raise ValidationFailed("请填写商品名称", field="name")
        changes["name"] = name
    if price is not None:
        changes["price"] = _number(price, "price", "所需积分", 1, MAX_PRICE)
    if stock is not None:
        changes["stock"] = _number(stock, "stock", "库存", 0, MAX_STOCK)
    if not changes:
        raise ValidationFailed("没有要修改的内容")
    before = StoreItem.objects.filter(pk=item.pk).values("name", "price", "stock", "reserved").get()
    guard = Q(pk=item.pk) & (Q(reserved__lte=changes["stock"]) if "stock" in changes else Q())
    if StoreItem.objects.filter(guard).update(**changes, updated_at=timezone.now()) != 1:
        raise Conflict(f"库存不能少于已被兑换券预订的 {before['reserved']} 件", code="stock_below_reserved")
    item.refresh_from_db()
    diff = {k: [before[k], v] for k, v in changes.items() if before[k] != v}
    audit.record(user_of(actor), "points.store_item.update", item,
                 summary=f"修改“{item.name}”：" + "，".join(f"{k} {a}→{b}" for k, (a, b) in diff.items()),
                 data={"changes": diff})
    return item


@transaction.atomic
def set_active(actor, item: StoreItem, active: bool) -> StoreItem:
    """Take an item off sale (下架) or back on (上架). Vouchers already issued stay valid at the shop."""
    actor = as_actor(actor)
    _require(actor, item.merchant, "上架或下架商品")
    if active and not item.merchant.is_active:
        raise Conflict("该商户已停用，不能上架商品", code="merchant_inactive")
    if StoreItem.objects.filter(pk=item.pk, is_active=not active).update(is_active=active, updated_at=timezone.now()) != 1:
        item.refresh_from_db()
        raise Conflict(f"“{item.name}”已{'上架' if active else '下架'}", code="no_change")
    item.refresh_from_db()
    audit.record(user_of(actor), "points.store_item.activate" if active else "points.store_item.deactivate", item,
                 summary=f"{'上架' if active else '下架'}“{item.name}”")
    return item
