"""Analysis lists a commander can act on: hot spots, repeat addresses, departments whose overdue
backlog grows. Each row carries the filters of the cases behind it."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from jishi.cases.choices import SupervisionKind, SupervisionLevel
from jishi.cases.models import Case, Category, Supervision
from jishi.cockpit.figures import rollups
from jishi.cockpit.periods import today
from jishi.cockpit.scope import case_filter
from jishi.core.calendar import TZ
from jishi.org.models import Department, Region

WEEKS = 8


def hot_spots(region: Region, *, on: date | None = None, sigmas: float = 2.0) -> list[dict]:
    """Grid × category pairs whose count of the last 7 days is above the mean + ``sigmas``·σ of their
    previous ``WEEKS`` weekly counts (and at least 3)."""
    last = on or today()
    first = last - timedelta(days=7 * (WEEKS + 1) - 1)
    weekly: dict[tuple, list[int]] = defaultdict(lambda: [0] * (WEEKS + 1))
    for r in rollups(region, first, last).exclude(grid=0).values("grid", "category", "day").annotate(n=Sum("received")):
        week = (last - r["day"]).days // 7  # 0 = the last 7 days
        weekly[(r["grid"], r["category"])][week] += r["n"] or 0
    out = []
    for (grid, cat), counts in weekly.items():
        now, hist = counts[0], counts[1:]
        mean, sd = statistics.fmean(hist), statistics.pstdev(hist)
        if now >= 3 and now > mean + sigmas * sd:
            out.append({"grid": grid, "category": cat, "count": now, "mean": round(mean, 2), "sd": round(sd, 2)})
    names = dict(Region.objects.filter(pk__in={r["grid"] for r in out}).values_list("pk", "name"))
    cats = dict(Category.objects.filter(pk__in={r["category"] for r in out}).values_list("pk", "name"))
    for r in out:
        r["grid_name"], r["category_name"] = names.get(r["grid"], "—"), cats.get(r["category"], "—")
        r["since"] = (last - timedelta(days=6)).isoformat()
    return sorted(out, key=lambda r: -(r["count"] - r["mean"]))


def repeat_addresses(region: Region, *, days: int = 90, at_least: int = 3, limit: int = 50) -> list[dict]:
    """Addresses with ``at_least`` cases reported in the last ``days`` days."""
    since = datetime.combine(today() - timedelta(days=days - 1), time.min, tzinfo=TZ)
    rows = (Case.objects.filter(case_filter(region), reported_at__gte=since).exclude(address="")
            .values("address").annotate(n=Count("pk")).filter(n__gte=at_least).order_by("-n", "address")[:limit])
    first = (timezone.localtime(since).date()).isoformat()
    return [{"address": r["address"], "count": r["n"], "since": first} for r in rows]


def growing_backlogs(region: Region, *, on: date | None = None) -> list[dict]:
    """Departments with more cases going overdue (red handle-limit notices) in the last 7 days than in
    the 7 days before, with their cases overdue now."""
    from jishi.cases.queries import overdue_q
    from jishi.cockpit.periods import Period

    last = on or today()
    recent, before = Period("week", last - timedelta(days=6), last), Period("week", last - timedelta(days=13),
                                                                           last - timedelta(days=7))
    base = Supervision.objects.filter(case_filter(region, "case__"), kind=SupervisionKind.HANDLE,
                                      level=SupervisionLevel.RED, department__isnull=False)
    rows = base.values("department").annotate(
        recent=Count("pk", filter=Q(created_at__gte=recent.start, created_at__lt=recent.end)),
        before=Count("pk", filter=Q(created_at__gte=before.start, created_at__lt=before.end)))
    grown = {r["department"]: r for r in rows if r["recent"] > r["before"]}
    overdue = dict(Case.objects.filter(case_filter(region), handling_department_id__in=list(grown))
                   .filter(overdue_q(timezone.now())).values("handling_department")
                   .annotate(n=Count("pk")).values_list("handling_department", "n"))
    names = dict(Department.objects.filter(pk__in=list(grown)).values_list("pk", "name"))
    out = [{"department": d, "name": names.get(d, "—"), "recent": r["recent"], "before": r["before"],
            "overdue_now": overdue.get(d, 0), "since": recent.first.isoformat()} for d, r in grown.items()]
    return sorted(out, key=lambda r: -(r["recent"] - r["before"]))
