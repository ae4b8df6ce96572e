"""The 小蜜蜂工作台账 (``bees.monthly``): per station of the region, the members, their reports and accepted
reports, 公益积分 issued and redeemed, care grants paid, for the period. Rows read through
``Station.objects.restrict(actor, "view")``; ``figures`` are ``queries.totals`` (the module's own figures)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.bees import queries
from jishi.bees.models import Station
from jishi.core.ledgers import Column, LedgerTable, register_ledger
from jishi.org.policy import as_actor

COLUMNS = (
    Column("town", _("镇(街道)")), Column("station", _("驿站")),
    Column("members", _("小蜜蜂人数"), "int", True), Column("reports", _("上报事件"), "int", True),
    Column("accepted", _("立案"), "int", True), Column("issued", _("公益积分发放"), "int", True),
    Column("redeemed", _("公益积分兑换"), "int", True), Column("grants", _("关爱救助(笔)"), "int", True),
    Column("granted", _("关爱救助(元)"), "decimal", True),
)
KEYS = ("members", "reports", "accepted", "issued", "redeemed", "grants", "granted")


def build(actor, region, first, last) -> LedgerTable:
    stations = queries.in_region(Station.objects.restrict(as_actor(actor), "view"), region)
    rows = queries.station_rows(stations, first, last)
    table = [(r.station.town.name if r.station.town_id else "", r.station.name, r.members, r.reports, r.accepted,
              r.issued, r.redeemed, r.grants, r.granted) for r in rows]
    totals = {k: sum(getattr(r, k) for r in rows) for k in KEYS}
    return LedgerTable(columns=COLUMNS, rows=table, totals=totals,
                       note="来源：小蜜蜂登记、小蜜蜂渠道上报的事件、公益积分账本、关爱基金发放记录")


def figures(region, first, last) -> dict:
    return queries.totals(region, first, last)


def register() -> None:
    register_ledger("bees.monthly", _("小蜜蜂工作台账"), build, figures=figures, app="jishi.bees", order=60,
                    levels=("city", "town"))
