"""The venue-use ledger (阵地使用台账) offered to ``core.ledgers``: per venue of the region, the room bookings
held and cancelled in the period and the people expected, with ``figures`` from ``venues.queries.booking_totals``."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from jishi.core.ledgers import Column, LedgerTable, bounds, register_ledger, where
from jishi.org.choices import VenueKind
from jishi.venues import queries
from jishi.venues.choices import BookingState
from jishi.venues.models import Booking

COLUMNS = [Column("venue", _("阵地")), Column("kind", _("类型")), Column("village", _("村(社区)")),
           Column("bookings", _("使用场次"), "int", total=True), Column("cancelled", _("取消场次"), "int", total=True),
           Column("attendees", _("参加人数"), "int", total=True)]
NOTE = "数据来自党群服务阵地活动室预约记录"


def build(actor, region, first, last) -> LedgerTable:
    start, end = bounds(first, last)
    qs = Booking.objects.restrict(actor, "view").filter(starts_at__gte=start, starts_at__lt=end, **where(region))
    kinds = dict(VenueKind.choices)
    per: dict[int, list] = defaultdict(lambda: [None, 0, 0, 0])
    for b in qs.values("venue_id", "venue__name", "venue__kind", "village__name", "state", "attendees").order_by():
        row = per[b["venue_id"]]
        row[0] = (b["venue__name"], str(kinds.get(b["venue__kind"], b["venue__kind"])), b["village__name"] or "")
        if b["state"] == BookingState.CANCELLED:
            row[2] += 1
        else:
            row[1] += 1
            row[3] += b["attendees"]
    rows = sorted((*head, n, c, p) for head, n, c, p in per.values())
    return LedgerTable(COLUMNS, rows, {"bookings": sum(r[3] for r in rows), "cancelled": sum(r[4] for r in rows),
                                       "attendees": sum(r[5] for r in rows),
                                       "venues_used": sum(1 for r in rows if r[3])}, NOTE)


def figures(region, first, last) -> dict:
    start, end = bounds(first, last)
    return queries.booking_totals(region, start, end)


def register() -> None:
    register_ledger("venues.monthly", _("党群阵地使用台账"), build, figures=figures, app="jishi.venues", order=50)
