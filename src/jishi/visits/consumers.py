"""Keeps the coverage rollup current: a consumer of the visits timeline (``jishi.core.consumers``).

Each batch recomputes, per round, the micro-grids its rows touched (``rollups.refresh``), in the consumer's
transaction with its cursor move. A round's creation or reassignment recomputes the whole round."""

from __future__ import annotations

from collections import defaultdict

from jishi.visits import rollups
from jishi.visits.models import RoundCoverage, VisitEvent, VisitLog

WHOLE_ROUND = {"round", "assign"}


def apply(rows: list[VisitEvent]) -> None:
    touched: dict[int, set] = defaultdict(set)
    whole: set[int] = set()
    for row in rows:
        if row.round_id is None:
            continue
        if row.verb in WHOLE_ROUND:
            whole.add(row.round_id)
        elif row.verb == "visit":
            touched[row.round_id].add(row.microgrid_id)
    for round_id in sorted(whole):
        rollups.rebuild(round_id)
    for round_id in sorted(set(touched) - whole):
        rollups.refresh(round_id, sorted(touched[round_id], key=lambda m: m or 0))


def check(position: int) -> list[str]:
    """A visit of a round logged up to ``position`` whose micro-grid has no coverage row was lost."""
    lost = (VisitEvent.objects.filter(pk__lte=position, verb="visit", round_id__isnull=False)
            .exclude(visit_id__in=VisitLog.objects.filter(
                round_id__isnull=False,
                microgrid_id__in=RoundCoverage.objects.values("microgrid_id")).values("id"))
            .values_list("visit_id", flat=True)[:20])
    return [f"走访记录 #{vid} 未计入走访覆盖统计 / visit not in the coverage rollup" for vid in lost]


def register() -> None:
    from jishi.core import consumers

    consumers.register("visits.coverage", VisitEvent, apply, label="走访覆盖统计", batch=500, check=check)
