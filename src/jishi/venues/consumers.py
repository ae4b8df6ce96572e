"""Keeps the 8-minute coverage current: a consumer of the venues timeline (``jishi.core.consumers``).

A batch holding any change that moves the circle (a venue added, moved, closed or reopened; the settings; a road
network) recomputes the whole city once (``coverage.recompute``: seconds at city scale), in the consumer's
transaction with its cursor move. Bookings and rooms change nothing here."""

from __future__ import annotations

from jishi.venues import coverage
from jishi.venues.choices import COVERAGE_VERBS
from jishi.venues.models import CoverageRun, VenueEvent


def apply(rows: list[VenueEvent]) -> None:
    moving = [r.pk for r in rows if r.verb in COVERAGE_VERBS]
    if moving:
        coverage.recompute(through_event=max(moving))


def check(position: int) -> list[str]:
    """A change that moves the circle, consumed up to ``position``, newer than the newest run, was lost."""
    last = CoverageRun.objects.order_by("-id").values_list("through_event", flat=True).first() or 0
    lost = (VenueEvent.objects.filter(pk__lte=position, pk__gt=last, verb__in=sorted(COVERAGE_VERBS))
            .values_list("pk", flat=True)[:20])
    return [f"阵地动态 #{pk} 未计入服务圈覆盖 / venue event not in the coverage" for pk in lost]


def register() -> None:
    from jishi.core import consumers

    consumers.register("venues.coverage", VenueEvent, apply, label="8分钟服务圈覆盖", batch=500, check=check)
