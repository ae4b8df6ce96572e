"""The read side of visits: a visitor's list (nearest first), the due list of special groups, and coverage
per region (``coverage(region, round)`` — what the cockpit shows) with the households behind each figure.

Coverage of a round is read from ``RoundCoverage`` (kept by the ``visits.coverage`` consumer): one GROUP BY
over at most the city's micro-grids, whatever the number of visits. ``recompute`` gives the same figures
straight from the logs (the check; ``coverage(..., period=…)`` for a period without a round uses it too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from jishi.org.choices import CHILD_LEVEL, Level
from jishi.org.models import Household, Person, Region
from jishi.visits.choices import METHOD_FIELDS, Method
from jishi.visits.models import CareMembership, RoundCoverage, VisitAssignment, VisitLog, VisitRound

COUNTS = ("households_target", "residents_target", "households_visited", "residents_visited", "visits",
          *METHOD_FIELDS.values())


@dataclass
class Figures:
    """Coverage of one region (or one child of it)."""

    region_id: int | None
    name: str
    households_target: int = 0
    residents_target: int = 0
    households_visited: int = 0
    residents_visited: int = 0
    visits: int = 0
    by_in_person: int = 0
    by_phone: int = 0
    by_online: int = 0

    @property
    def households_unvisited(self) -> int:
        return self.households_target - self.households_visited

    @property
    def rate(self) -> float | None:
        return self.households_visited / self.households_target if self.households_target else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNTS}


@dataclass
class Coverage:
    region: Region
    round: VisitRound | None
    total: Figures
    children: list[Figures] = field(default_factory=list)
    child_level: str | None = None


def _where(region: Region, prefix: str = "") -> dict:
    return {} if region.level == Level.CITY else {f"{prefix}{region.level}_id": region.pk}


def current_round(region: Region, today: date | None = None) -> VisitRound | None:
    """The newest round in progress (else the newest) over ``region`` or a region above it."""
    today = today or timezone.localdate()
    above = Q(region_id__in=region.ancestor_ids())
    rounds = VisitRound.objects.filter(above).order_by("-starts_on", "-id")
    return rounds.filter(starts_on__lte=today, ends_on__gte=today).first() or rounds.first()


def round_in(region: Region, first: date, last: date) -> VisitRound | None:
    """The newest round over ``region`` (or a region above it) that runs during ``first``..``last``: the round
    a chosen period's figures speak of (the cockpit's month, quarter or year)."""
    return (VisitRound.objects.filter(region_id__in=region.ancestor_ids(), starts_on__lte=last, ends_on__gte=first)
            .order_by("-starts_on", "-id").first())


def coverage(region: Region, round: VisitRound | None = None, *, period: tuple[date, date] | None = None) -> Coverage:
    """Households and residents visited in ``region`` for ``round`` (default: the current round over it),
    per child region (town → villages → grids → micro-grids), with the method counts.

    With ``period`` (first day, last day) and no round: households visited in that period out of all
    households of the region, straight from the logs. The caller checks ``holds(actor, "view", region)``."""
    child = CHILD_LEVEL.get(region.level)
    if round is None and period is not None:
        return _period_coverage(region, period, child)
    round = round or current_round(region)
    if round is None:
        return Coverage(region, None, Figures(region.pk, region.name), [], child)
    rows = RoundCoverage.objects.filter(round=round, **_where(region))
    total = Figures(region.pk, region.name, **{k: v or 0 for k, v in rows.aggregate(
        **{k: Sum(k) for k in COUNTS}).items()})
    children: list[Figures] = []
    if child:
        col = f"{child}_id"
        per = {r[col]: r for r in rows.values(col).annotate(**{f"s_{k}": Sum(k) for k in COUNTS}).order_by()}
        for r in Region.objects.filter(parent=region).order_by("sort", "code"):
            got = per.get(r.pk)
            children.append(Figures(r.pk, r.name, **({k: got[f"s_{k}"] or 0 for k in COUNTS} if got else {})))
    return Coverage(region, round, total, children, child)


def recompute(region: Region, round: VisitRound) -> Figures:
    """The region's coverage of ``round`` recomputed from the logs and assignments (no rollup)."""
    assignments = VisitAssignment.objects.filter(round=round, **_where(region))
    visited = assignments.filter(Exists(VisitLog.objects.filter(round=round, household_id=OuterRef("household_id"))))
    logs = VisitLog.objects.filter(round=round, **_where(region))
    a = assignments.aggregate(h=Count("id"), p=Sum("residents"))
    v = visited.aggregate(h=Count("id"), p=Sum("residents"))
    methods = dict(logs.values_list("method").annotate(n=Count("id")).order_by())
    return Figures(region.pk, region.name, households_target=a["h"], residents_target=a["p"] or 0,
                   households_visited=v["h"], residents_visited=v["p"] or 0, visits=sum(methods.values()),
                   **{f: methods.get(m, 0) for m, f in METHOD_FIELDS.items()})


def _period_coverage(region: Region, period: tuple[date, date], child: str | None) -> Coverage:
    start, end = period
    lo = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    logs = VisitLog.objects.filter(visited_at__gte=lo, visited_at__lt=hi, **_where(region))
    households = Household.objects.filter(**_where(region))

    def figures(rid, name, extra: dict) -> Figures:
        hh = households.filter(**extra)
        lg = logs.filter(**extra)
        seen = hh.filter(Exists(lg.filter(household_id=OuterRef("pk"))))
        methods = dict(lg.values_list("method").annotate(n=Count("id")).order_by())
        residents = Person.objects.filter(household__in=hh.values("pk")).count()
        return Figures(rid, name, households_target=hh.count(), residents_target=residents,
                       households_visited=seen.count(),
                       residents_visited=Person.objects.filter(household__in=seen.values("pk")).count(),
                       visits=sum(methods.values()), **{f: methods.get(m, 0) for m, f in METHOD_FIELDS.items()})

    total = figures(region.pk, region.name, {})
    children = [figures(r.pk, r.name, {f"{child}_id": r.pk})
                for r in Region.objects.filter(parent=region).order_by("sort", "code")] if child else []
    return Coverage(region, None, total, children, child)


def households(region: Region, round: VisitRound, *, visited: bool | None = None, limit: int = 500):
    """The assignments of ``round`` in ``region`` (the households behind a figure), unvisited first."""
    qs = (VisitAssignment.objects.filter(round=round, **_where(region))
          .select_related("household", "visitor", "microgrid").order_by("last_visited_at", "microgrid_id", "household__code"))
    if visited is True:
        qs = qs.filter(last_visited_at__isnull=False)
    elif visited is False:
        qs = qs.filter(last_visited_at__isnull=True)
    return qs[:limit]


def by_visitor(region: Region, round: VisitRound, limit: int = 200) -> list[dict]:
    """Who visited how: visits per visitor and method in ``region`` for ``round``."""
    rows = (VisitLog.objects.filter(round=round, **_where(region)).values("visitor_id", "visitor__name")
            .annotate(n=Count("id"), households=Count("household_id", distinct=True),
                      **{f: Count("id", filter=Q(method=m)) for m, f in METHOD_FIELDS.items()})
            .order_by("-n", "visitor_id"))
    return list(rows[:limit])


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371000 * 2 * math.asin(math.sqrt(a))


def my_list(actor, *, lat: float | None = None, lng: float | None = None, today: date | None = None) -> list:
    """The visitor's households in the rounds in progress: nearest first when the phone's position is known,
    else in micro-grid order (unvisited before visited)."""
    today = today or timezone.localdate()
    if not actor.person_id:
        return []
    rows = list(VisitAssignment.objects.filter(visitor_id=actor.person_id, round__starts_on__lte=today,
                                                round__ends_on__gte=today)
                .select_related("household", "round", "microgrid")
                .order_by("microgrid__sort", "microgrid_id", "household__code"))
    for a in rows:
        h = a.household
        a.distance = distance_m(lat, lng, h.lat, h.lng) if None not in (lat, lng, h.lat, h.lng) else None
        a.km = a.distance / 1000 if a.distance is not None else None
    if lat is not None and lng is not None:
        rows.sort(key=lambda a: (a.distance is None, a.distance or 0))
    else:
        rows.sort(key=lambda a: a.last_visited_at is not None)  # stable: micro-grid order within
    return rows


def my_logs(actor, limit: int = 20):
    return (VisitLog.objects.filter(visitor_id=actor.person_id or 0).select_related("household")
            .prefetch_related("concerns__case", "concerns__wish", "concerns__need").order_by("-visited_at", "-id")[:limit])


@dataclass
class Due:
    membership: CareMembership
    last_visit: datetime | None
    due_on: date
    overdue_days: int


def care_due(actor, *, today: date | None = None, mine: bool = True, within_days: int = 7) -> list[Due]:
    """Special-group households due for a visit within ``within_days`` or overdue (most overdue first): the
    visitor's own (households assigned to them) or, with ``mine=False``, all in the actor's view scope."""
    today = today or timezone.localdate()
    qs = CareMembership.objects.filter(is_active=True).select_related("household")
    if mine:
        qs = qs.filter(household_id__in=VisitAssignment.objects.filter(visitor_id=actor.person_id or 0)
                       .values("household_id"))
    else:
        qs = qs.restrict(actor, "view")
    members = list(qs[:2000])
    last = dict(VisitLog.objects.filter(household_id__in=[m.household_id for m in members])
                .values_list("household_id").annotate(m=Max("visited_at")).order_by())
    out = []
    for m in members:
        seen = last.get(m.household_id)
        due_on = timezone.localtime(seen).date() + timedelta(days=m.every_days) if seen else today  # never: due now
        if due_on <= today + timedelta(days=within_days):
            out.append(Due(m, seen, due_on, max(0, (today - due_on).days)))
    out.sort(key=lambda d: (d.due_on, d.membership.household_id))
    return out


def method_labels() -> dict[str, str]:
    return {f: str(Method(m).label) for m, f in METHOD_FIELDS.items()}
