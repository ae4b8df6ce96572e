"""The read side of engagement: wish counts by village (collected, claimed, fulfilled, time to fulfil), the
fulfilment rate, project and needs figures. Computed by queries over the rows (nothing cached), so every
figure equals a recomputation from its records.

``fulfilment_rate(region, period)`` is the indicator other domains (the evaluation scheme) and the cockpit read:
of the wishes posted in the period in the region (rejected ones aside), the share fulfilled (fulfilled or
thanked, whenever).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Q, QuerySet

from jishi.core.calendar import TZ
from jishi.engage.choices import NeedState, ProjectState, WishState
from jishi.engage.models import Need, Project, Wish
from jishi.org.policy import as_actor

DONE = (WishState.FULFILLED, WishState.THANKED)
CLAIMED_OR_LATER = (WishState.CLAIMED, *DONE)


@dataclass(frozen=True)
class Span:
    """A period as local dates, both inclusive (duck-compatible with the cockpit's ``Period``)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=TZ)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=TZ)


def span(period) -> Span:
    if isinstance(period, Span):
        return period
    if isinstance(period, tuple):
        return Span(*period)
    return Span(period.first, period.last)


def in_region(qs: QuerySet, region) -> QuerySet:
    if region is None or region.level == "city":
        return qs
    return qs.filter(**{f"{region.level}_id": region.pk})


def _wishes(region, actor=None) -> QuerySet:
    qs = Wish.objects.restrict(as_actor(actor), "view") if actor is not None else Wish.objects.all()
    return in_region(qs, region)


def fulfilment_rate(region, period, actor=None) -> dict:
    """Wishes posted in ``period`` in ``region`` (rejected and those turned into cases aside): how many, how many
    fulfilled, the rate (None without wishes). ``actor``: restrict to what they may read."""
    p = span(period)
    qs = _wishes(region, actor).filter(posted_at__gte=p.start, posted_at__lt=p.end).exclude(
        state__in=(WishState.REJECTED, WishState.CONVERTED))
    row = qs.aggregate(posted=Count("id"), fulfilled=Count("id", filter=Q(state__in=DONE)))
    rate = round(row["fulfilled"] / row["posted"], 4) if row["posted"] else None
    return {"first": p.first, "last": p.last, "posted": row["posted"], "fulfilled": row["fulfilled"], "rate": rate}


def wish_stats(region, period, actor=None) -> dict:
    """Collected, published, claimed, fulfilled, thanked, turned into cases; days to fulfil; by village."""
    p = span(period)
    qs = _wishes(region, actor).filter(posted_at__gte=p.start, posted_at__lt=p.end)
    by_state = dict(qs.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    days = [(f - s).total_seconds() / 86400 for s, f in
            qs.filter(fulfilled_at__isnull=False).values_list("posted_at", "fulfilled_at")]
    villages = (qs.values("village_id", "village__name")
                .annotate(collected=Count("id"), claimed=Count("id", filter=Q(state__in=CLAIMED_OR_LATER)),
                          fulfilled=Count("id", filter=Q(state__in=DONE)),
                          cases=Count("id", filter=Q(state=WishState.CONVERTED)))
                .order_by("-collected", "village__name"))
    return {"first": p.first, "last": p.last, "collected": sum(by_state.values()), "by_state": by_state,
            "claimed": sum(by_state.get(s, 0) for s in CLAIMED_OR_LATER),
            "fulfilled": sum(by_state.get(s, 0) for s in DONE),
            "cases": by_state.get(WishState.CONVERTED, 0),
            "days_to_fulfil": {"n": len(days), "mean": round(sum(days) / len(days), 1) if days else None,
                               "median": round(median(days), 1) if days else None},
            "rate": fulfilment_rate(region, p, actor)["rate"],
            "villages": [{"village_id": v["village_id"], "name": v["village__name"], "collected": v["collected"],
                          "claimed": v["claimed"], "fulfilled": v["fulfilled"], "cases": v["cases"]}
                         for v in villages]}


def project_stats(region, period, actor=None) -> dict:
    """Projects published, taken, completed in the period; needs listed and closed by a project."""
    p = span(period)
    projects = in_region(Project.objects.restrict(as_actor(actor), "view") if actor is not None
                         else Project.objects.all(), region)
    needs = in_region(Need.objects.restrict(as_actor(actor), "view") if actor is not None else Need.objects.all(),
                      region)
    row = projects.aggregate(
        published=Count("id", filter=Q(published_at__gte=p.start, published_at__lt=p.end)),
        completed=Count("id", filter=Q(completed_at__gte=p.start, completed_at__lt=p.end)),
        running=Count("id", filter=Q(state=ProjectState.AWARDED)),
        open_calls=Count("id", filter=Q(state=ProjectState.OPEN)))
    nrow = needs.aggregate(
        listed=Count("id", filter=Q(created_at__gte=p.start, created_at__lt=p.end)),
        closed=Count("id", filter=Q(state=NeedState.CLOSED, closed_at__gte=p.start, closed_at__lt=p.end)),
        open=Count("id", filter=Q(state=NeedState.OPEN)))
    return {"first": p.first, "last": p.last, **row, "needs": nrow}
