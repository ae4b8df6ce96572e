"""The read side of mediation: level shares (小事不出村), time to resolve, recurrence, by studio, the ledger.

Every figure is computed by a query over the disputes (nothing cached), so it equals a recomputation from the
rows by construction; the tests recompute them by hand from the rows they wrote.

``level_shares(region, period)`` is the cockpit's tile: of the disputes resolved (agreement reached) in the
period in the region, how many at the village, the town and the city level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Q, QuerySet

from jishi.core.calendar import TZ
from jishi.mediation.choices import CLOSED_STATES, Level, State
from jishi.mediation.models import Dispute, Party
from jishi.org.policy import as_actor

RECURRENCE_DAYS = 365


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
    """A ``Span`` from the cockpit's Period, a (first, last) pair of dates, or a Span."""
    if isinstance(period, Span):
        return period
    if isinstance(period, tuple):
        return Span(*period)
    return Span(period.first, period.last)


def in_region(qs: QuerySet, region) -> QuerySet:
    """Disputes of ``region`` (a Region; None or the city: all)."""
    if region is None or region.level == "city":
        return qs
    return qs.filter(**{f"{region.level}_id": region.pk})


def _base(region, actor=None) -> QuerySet:
    qs = Dispute.objects.restrict(as_actor(actor), "mediate") if actor is not None else Dispute.objects.all()
    return in_region(qs, region)


def level_shares(region, period, actor=None) -> dict:
    """Of the disputes closed in ``period`` in ``region``: resolved (agreement) per level and its share of all
    resolved; ``village_share`` is 小事不出村. ``actor``: restrict to what they may read (the cockpit's caller)."""
    p = span(period)
    closed = _base(region, actor).filter(closed_at__gte=p.start, closed_at__lt=p.end)
    counts = {(r["state"], r["closed_level"]): r["n"] for r in closed.values("state", "closed_level").annotate(n=Count("id"))}
    resolved = {lv: counts.get((State.AGREED, lv), 0) for lv in Level.values}
    total_resolved = sum(resolved.values())
    all_closed = sum(counts.values())
    levels = [{"level": lv, "label": str(Level(lv).label), "resolved": resolved[lv],
               "share": round(resolved[lv] / total_resolved, 4) if total_resolved else None} for lv in Level.values]
    return {"first": p.first, "last": p.last, "closed": all_closed, "resolved": total_resolved,
            "resolution_rate": round(total_resolved / all_closed, 4) if all_closed else None,
            "levels": levels, "village_share": levels[0]["share"],
            "town_or_below_share": round((resolved["village"] + resolved["town"]) / total_resolved, 4)
            if total_resolved else None}


def time_to_resolve(region, period, actor=None) -> dict:
    """Days from registration to agreement for the disputes resolved in the period, per level and overall."""
    p = span(period)
    rows = _base(region, actor).filter(state=State.AGREED, closed_at__gte=p.start, closed_at__lt=p.end) \
        .values_list("closed_level", "registered_at", "closed_at")
    per: dict[str, list[float]] = defaultdict(list)
    for lv, reg, closed in rows:
        per[lv].append((closed - reg).total_seconds() / 86400)
    every = [d for v in per.values() for d in v]

    def fig(v: list[float]) -> dict:
        return {"n": len(v), "mean_days": round(sum(v) / len(v), 1) if v else None,
                "median_days": round(median(v), 1) if v else None}

    return {"all": fig(every), "levels": {lv: fig(per.get(lv, [])) for lv in Level.values}}


def recurrences(region, period, actor=None) -> list[dict]:
    """Disputes registered in the period between the same two parties (the same ID number, else phone) as an
    earlier dispute registered within the previous 12 months: the pair, both disputes."""
    p = span(period)
    qs = _base(region, actor)
    window_start = p.start - timedelta(days=RECURRENCE_DAYS)
    ids = dict(qs.filter(registered_at__gte=window_start, registered_at__lt=p.end).values_list("pk", "registered_at"))
    people: dict[int, set[str]] = defaultdict(set)
    for dispute_id, idn, phone in Party.objects.filter(dispute_id__in=list(ids)).values_list("dispute_id", "id_number", "phone"):
        if idn or phone:
            people[dispute_id].add(idn or phone)
    seen: dict[frozenset, list[int]] = defaultdict(list)
    found = []
    for pk in sorted(ids, key=lambda k: (ids[k], k)):
        keys = sorted(people.get(pk, ()))
        pairs = {frozenset((a, b)) for i, a in enumerate(keys) for b in keys[i + 1:]}
        for pair in pairs:
            earlier = [e for e in seen[pair] if ids[pk] - ids[e] <= timedelta(days=RECURRENCE_DAYS)]
            if earlier and ids[pk] >= p.start:
                found.append({"dispute": pk, "earlier": earlier[-1]})
                break
        for pair in pairs:
            seen[pair].append(pk)
    return found


def by_studio(region, period, actor=None) -> list[dict]:
    """Per studio: disputes registered in the period, closed, resolved, the resolution rate."""
    p = span(period)
    rows = (_base(region, actor).filter(registered_at__gte=p.start, registered_at__lt=p.end, studio__isnull=False)
            .values("studio_id", "studio__name")
            .annotate(n=Count("id"), closed=Count("id", filter=Q(state__in=CLOSED_STATES)),
                      resolved=Count("id", filter=Q(state=State.AGREED)))
            .order_by("-n", "studio__name"))
    return [{"studio_id": r["studio_id"], "name": r["studio__name"], "registered": r["n"], "closed": r["closed"],
             "resolved": r["resolved"], "rate": round(r["resolved"] / r["closed"], 4) if r["closed"] else None}
            for r in rows]


def stats(region, period, actor=None) -> dict:
    """Everything the statistics page and ``GET /api/v1/mediation/stats`` show."""
    p = span(period)
    reg = _base(region, actor).filter(registered_at__gte=p.start, registered_at__lt=p.end)
    by_state = dict(reg.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    rec = recurrences(region, p, actor)
    return {"registered": sum(by_state.values()), "by_state": by_state,
            "open": by_state.get(State.ACCEPTED, 0) + by_state.get(State.MEDIATING, 0),
            "shares": level_shares(region, p, actor), "time": time_to_resolve(region, p, actor),
            "recurrences": len(rec), "recurrence_rows": rec[:50], "studios": by_studio(region, p, actor)}
