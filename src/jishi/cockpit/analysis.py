"""Analysis lists a commander can act on: hot spots, repeat addresses and reporters, categories whose
handling time worsens, departments whose overdue backlog grows. Each row carries the filters of the cases behind it."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from jishi.cases.choices import SupervisionKind, SupervisionLevel
from jishi.cases.figures import STAFF_CHANNELS
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
    from jishi.cases.due import overdue_q
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


def repeat_reporters(region: Region, *, days: int = 90, at_least: int = 3, limit: int = 50) -> list[dict]:
    """Reporters (the same phone, or the same account) with ``at_least`` cases reported in the last
    ``days`` days through a residents' channel (not ``figures.STAFF_CHANNELS``). Phones and names are masked (docs/privacy.md: the cockpit's commanders see them masked);
    anonymous reports carry neither, so they never appear; each row carries the filter of its cases (``phone_of``: one of
    the cases with that phone, so the number never travels in a link)."""
    from django.contrib.auth import get_user_model

    from jishi.org.privacy import mask_name, mask_phone

    since = datetime.combine(today() - timedelta(days=days - 1), time.min, tzinfo=TZ)
    # staff reporting what they find on their rounds (巡查/走访/物联感知) are not repeat complainants
    base = Case.objects.filter(case_filter(region), reported_at__gte=since).exclude(channel__in=STAFF_CHANNELS)
    first = timezone.localtime(since).date().isoformat()
    out = []
    for r in (base.exclude(reporter_phone="").values("reporter_phone")
              .annotate(n=Count("pk"), one=Max("pk")).filter(n__gte=at_least)):
        out.append({"kind": "phone", "label": mask_phone(r["reporter_phone"]), "count": r["n"],
                    "param": "phone_of", "value": r["one"], "since": first})
    rows = list(base.filter(reporter_user__isnull=False, anonymous=False).values("reporter_user")  # 匿名: never grouped
                .annotate(n=Count("pk")).filter(n__gte=at_least))
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[r["reporter_user"] for r in rows])}
    for r in rows:
        u = users.get(r["reporter_user"])
        label = mask_name(u.get_full_name() or u.get_username()) if u else "—"
        out.append({"kind": "account", "label": label, "count": r["n"], "param": "reporter_user",
                    "value": r["reporter_user"], "since": first})
    return sorted(out, key=lambda r: (-r["count"], r["kind"], r["label"]))[:limit]


def _mann_whitney_p(higher: list[float], lower: list[float]) -> float:
    """One-sided p-value (normal approximation, tie-corrected) that ``higher`` tends to exceed ``lower``."""
    n1, n2 = len(higher), len(lower)
    ranked = sorted([(v, 0) for v in higher] + [(v, 1) for v in lower])
    ranks, ties, i = [0.0] * len(ranked), 0.0, 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    u = sum(r for r, (_, g) in zip(ranks, ranked, strict=True) if g == 0) - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(var)
    return 0.5 * math.erfc(z / math.sqrt(2))


def worsening_handling(region: Region, *, on: date | None = None, recent_weeks: int = 4, before_weeks: int = 8,
                       min_cases: int = 5, ratio: float = 1.25, alpha: float = 0.05) -> list[dict]:
    """Main categories whose handling time (hours from report to handled) of cases handled in the last
    ``recent_weeks`` weeks is significantly higher than in the ``before_weeks`` weeks before: the
    median or the mean at least ``ratio`` times the earlier one, and a one-sided Mann–Whitney test
    below ``alpha`` (at least ``min_cases`` cases in each window)."""
    from jishi.cockpit.periods import Period

    last = on or today()
    recent = Period("range", last - timedelta(days=7 * recent_weeks - 1), last)
    before = Period("range", recent.first - timedelta(days=7 * before_weeks), recent.first - timedelta(days=1))
    cats = {c.pk: c for c in Category.objects.select_related("parent")}
    hours: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    rows = (Case.objects.filter(case_filter(region), handled_at__gte=before.start, handled_at__lt=recent.end,
                                reported_at__isnull=False)
            .values_list("category", "reported_at", "handled_at"))
    for cat, reported, handled in rows:
        c = cats.get(cat)
        main = (c.parent_id or c.pk) if c else 0
        h = max((handled - reported).total_seconds() / 3600, 0.0)
        hours[main][0 if handled >= recent.start else 1].append(h)
    out = []
    for main, (now, prev) in hours.items():
        if len(now) < min_cases or len(prev) < min_cases:
            continue
        med_now, med_prev = statistics.median(now), statistics.median(prev)
        mean_now, mean_prev = statistics.fmean(now), statistics.fmean(prev)
        if not (med_now >= ratio * med_prev or mean_now >= ratio * mean_prev):
            continue
        p = _mann_whitney_p(now, prev)
        if p < alpha:
            out.append({"category": main, "category_name": cats[main].name if main in cats else "—",
                        "recent_count": len(now), "before_count": len(prev),
                        "median_now": round(med_now, 1), "median_before": round(med_prev, 1),
                        "mean_now": round(mean_now, 1), "mean_before": round(mean_prev, 1), "p": round(p, 4),
                        "since": recent.first.isoformat(), "before_from": before.first.isoformat(),
                        "before_to": before.last.isoformat()})
    return sorted(out, key=lambda r: -(r["median_now"] / (r["median_before"] or 1)))
