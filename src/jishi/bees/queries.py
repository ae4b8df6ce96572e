"""Read side of the 小蜜蜂 pages, API and ledger: per-station figures (members, reports, accepted reports,
公益积分 issued and redeemed, care grants paid) for a region and a period.

``station_rows`` computes them per station (a handful of grouped queries, joined in memory through the
person → station map of the approved riders); ``totals`` answers the same totals directly over the whole
region (the module's own figures, compared with the ledger's totals in the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from jishi.bees.choices import GrantState, RiderState
from jishi.bees.models import Grant, Rider, Station
from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.core.calendar import TZ
from jishi.points.choices import OrderStatus, PostingKind, Programme
from jishi.points.models import Order, Posting


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(0), TZ), datetime.combine(last + timedelta(days=1), time(0), TZ)


def in_region(qs, region, prefix: str = ""):
    """``qs`` narrowed to the rows located in ``region`` (the city: everything)."""
    if region is None or region.level == "city":
        return qs
    return qs.filter(**{f"{prefix}{region.level}_id": region.pk})


@dataclass
class StationFigures:
    station: Station
    members: int = 0
    reports: int = 0
    accepted: int = 0
    issued: int = 0
    redeemed: int = 0
    grants: int = 0
    granted: Decimal = Decimal("0.00")


def _members(stations_qs, end: datetime) -> dict[int, int]:
    """person id → station id of the riders approved before ``end``."""
    return dict(Rider.objects.filter(station__in=stations_qs, state=RiderState.APPROVED, reviewed_at__lt=end,
                                     person__isnull=False).values_list("person_id", "station_id"))


def station_rows(stations_qs, first: date, last: date) -> list[StationFigures]:
    start, end = bounds(first, last)
    stations = list(stations_qs.select_related("town", "village").order_by("town__path", "name", "pk"))
    rows = {s.pk: StationFigures(s) for s in stations}
    member_of = _members(stations_qs, end)
    for sid in member_of.values():
        rows[sid].members += 1
    people = list(member_of)
    for pid, n, acc in (Case.objects.filter(channel=Channel.INFORMANT, reporter_id__in=people, reported_at__gte=start,
                                            reported_at__lt=end)
                        .values("reporter_id").annotate(n=Count("pk"), a=Count("pk", filter=Q(accepted_at__isnull=False)))
                        .values_list("reporter_id", "n", "a")):
        rows[member_of[pid]].reports += n
        rows[member_of[pid]].accepted += acc
    for pid, s in (Posting.objects.filter(kind=PostingKind.WELFARE, person_id__in=people, at__gte=start, at__lt=end)
                   .values("person_id").annotate(s=Sum("points")).values_list("person_id", "s")):
        rows[member_of[pid]].issued += s or 0
    for pid, s in (Order.objects.filter(person_id__in=people, merchant__programme=Programme.WELFARE,
                                        status=OrderStatus.CONFIRMED, confirmed_at__gte=start, confirmed_at__lt=end)
                   .values("person_id").annotate(s=Sum("points")).values_list("person_id", "s")):
        rows[member_of[pid]].redeemed += s or 0
    for sid, n, s in (Grant.objects.filter(rider__station__in=stations_qs, state=GrantState.PAID, paid_at__gte=start,
                                           paid_at__lt=end)
                      .values("rider__station").annotate(n=Count("pk"), s=Sum("amount"))
                      .values_list("rider__station", "n", "s")):
        rows[sid].grants += n
        rows[sid].granted += s or Decimal("0")
    return list(rows.values())


def totals(region, first: date, last: date) -> dict:
    """The region's figures for the period, computed over the region directly (not per station)."""
    start, end = bounds(first, last)
    riders = in_region(Rider.objects.filter(state=RiderState.APPROVED, reviewed_at__lt=end, person__isnull=False), region)
    people = riders.values("person_id")
    cases = Case.objects.filter(channel=Channel.INFORMANT, reporter_id__in=people, reported_at__gte=start,
                                reported_at__lt=end)
    grants = in_region(Grant.objects.filter(state=GrantState.PAID, paid_at__gte=start, paid_at__lt=end), region,
                       "rider__station__")
    g = grants.aggregate(n=Count("pk"), s=Sum("amount"))
    return {
        "members": riders.count(),
        "reports": cases.count(),
        "accepted": cases.filter(accepted_at__isnull=False).count(),
        "issued": Posting.objects.filter(kind=PostingKind.WELFARE, person_id__in=people, at__gte=start, at__lt=end)
        .aggregate(s=Sum("points"))["s"] or 0,
        "redeemed": Order.objects.filter(person_id__in=people, merchant__programme=Programme.WELFARE,
                                         status=OrderStatus.CONFIRMED, confirmed_at__gte=start, confirmed_at__lt=end)
        .aggregate(s=Sum("points"))["s"] or 0,
        "grants": g["n"] or 0,
        "granted": g["s"] or Decimal("0.00"),
    }


def station_summary(station: Station) -> StationFigures:
    """All-time figures of one station (its page)."""
    return station_rows(Station.objects.filter(pk=station.pk), date(2000, 1, 1), date.today() + timedelta(days=1))[0]


def pending_count(qs) -> int:
    return qs.filter(state=RiderState.PENDING).count()
