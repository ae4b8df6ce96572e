"""The visit ledger (入户走访台账) offered to ``core.ledgers``: the visits logged in the region in the period
(when, grid, household, visitor, how, people met; addresses masked) with its totals — visits, households
visited of all households, by method — and ``figures`` from ``visits.queries.coverage(region, period=…)``, the
coverage the visit pages and the cockpit show for a period."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.ledgers import Column, LedgerTable, bounds, register_ledger, where
from jishi.org.models import Household
from jishi.org.privacy import mask_address, mask_name
from jishi.visits import queries
from jishi.visits.choices import METHOD_FIELDS, Method
from jishi.visits.models import VisitLog

COLUMNS = [Column("visited_at", _("走访时间"), "datetime"), Column("grid", _("网格")),
           Column("household", _("户编号")), Column("address", _("地址")), Column("visitor", _("走访人")),
           Column("method", _("方式")), Column("people_met", _("见到人数"), "int", total=True)]
NOTE = "数据来自入户走访记录（走访人在手机上登记的每次走访），户数来自人口与户籍底册"
KEYS = ("visits", "households_visited", "households_target", *METHOD_FIELDS.values())


def build(actor, region, first, last) -> LedgerTable:
    start, end = bounds(first, last)
    logs = VisitLog.objects.restrict(actor, "view").filter(visited_at__gte=start, visited_at__lt=end, **where(region))
    methods = dict(Method.choices)
    rows, seen = [], set()
    counts = dict.fromkeys(METHOD_FIELDS.values(), 0)
    for v in logs.values("visited_at", "grid__name", "household_id", "household__code", "household__address",
                         "visitor__name", "method", "people_met").order_by("visited_at", "id"):
        seen.add(v["household_id"])
        counts[METHOD_FIELDS[v["method"]]] += 1
        rows.append((timezone.localtime(v["visited_at"]), v["grid__name"] or "", v["household__code"],
                     mask_address(v["household__address"] or ""), mask_name(v["visitor__name"] or ""),
                     str(methods.get(v["method"], v["method"])), v["people_met"]))
    target = Household.objects.restrict(actor, "view").filter(**where(region)).count()
    return LedgerTable(COLUMNS, rows, {"visits": len(rows), "households_visited": len(seen),
                                       "households_target": target, **counts}, NOTE)


def figures(region, first, last) -> dict:
    total = queries.coverage(region, period=(first, last)).total
    return {k: getattr(total, k) for k in KEYS}


def register() -> None:
    register_ledger("visits.monthly", _("入户走访台账"), build, figures=figures, app="jishi.visits", order=20)
