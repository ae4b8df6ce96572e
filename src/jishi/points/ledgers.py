"""The points ledger (积分台账) offered to ``core.ledgers``: points issued (base and earned postings) and redeemed
(orders settled at shops) in the period — per household for a village, per village for a town or the city —
with ``figures`` from ``points.queries.totals``, the cockpit's figure."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from jishi.core.ledgers import Column, LedgerTable, bounds, register_ledger, where
from jishi.points import queries
from jishi.points.choices import OrderStatus, PostingKind
from jishi.points.models import Order, Posting

COLUMNS = [Column("unit", _("户/村(社区)")), Column("issued", _("发放积分"), "int", total=True),
           Column("redeemed", _("兑换积分"), "int", total=True)]
NOTE = "数据来自积分账本（每笔发放、扣减记录）与积分超市的兑换核销记录"
NO_HOUSEHOLD = "（未登记户）"


def build(actor, region, first, last) -> LedgerTable:
    start, end = bounds(first, last)
    by = ("person__household__code" if getattr(region, "level", "city") == "village" else "village__name")
    postings = Posting.objects.restrict(actor, "view").filter(kind__in=[PostingKind.BASE, PostingKind.EARN],
                                                             at__gte=start, at__lt=end, **where(region))
    orders = Order.objects.restrict(actor, "view").filter(status=OrderStatus.CONFIRMED, confirmed_at__gte=start,
                                                         confirmed_at__lt=end, **where(region))
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit, s in postings.values_list(by).annotate(s=Sum("points")).order_by():
        per[unit or NO_HOUSEHOLD][0] += s or 0
    for unit, s in orders.values_list(by).annotate(s=Sum("points")).order_by():
        per[unit or NO_HOUSEHOLD][1] += s or 0
    rows = [(unit, i, r) for unit, (i, r) in sorted(per.items())]
    return LedgerTable(COLUMNS, rows, {"issued": sum(r[1] for r in rows), "redeemed": sum(r[2] for r in rows)}, NOTE)


def figures(region, first, last) -> dict:
    start, end = bounds(first, last)
    return queries.totals(Q(**where(region)), start, end)


def register() -> None:
    register_ledger("points.monthly", _("积分发放兑换台账"), build, figures=figures, app="jishi.points", order=30)
