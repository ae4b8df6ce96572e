"""Coverage of a round per micro-grid (``RoundCoverage``), recomputed from the visit logs.

``refresh(round_id, microgrid_ids)`` recomputes the named micro-grids of a round with three GROUP BY
statements over the logs and assignments: a late or repeated timeline row changes nothing twice.
``rebuild(round_id)`` recomputes the whole round the same way (the demo, ``jishi rebuild-visit-coverage``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum

from jishi.visits.choices import METHOD_FIELDS
from jishi.visits.models import RoundCoverage, VisitAssignment, VisitLog

COUNTS = ("households_target", "residents_target", "households_visited", "residents_visited", "visits",
          *METHOD_FIELDS.values())


def compute(round_id: int, microgrid_ids: list[int | None] | None = None) -> dict:
    """{microgrid_id: {"town_id", "village_id", "grid_id", counts...}} from the logs and assignments."""
    assignments = VisitAssignment.objects.filter(round_id=round_id)
    logs = VisitLog.objects.filter(round_id=round_id)
    if microgrid_ids is not None:
        where = Q(microgrid_id__in=[m for m in microgrid_ids if m is not None])
        if None in microgrid_ids:
            where |= Q(microgrid_id__isnull=True)
        assignments, logs = assignments.filter(where), logs.filter(where)
    out: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    visited = Exists(VisitLog.objects.filter(round_id=round_id, household_id=OuterRef("household_id")))
    for r in (assignments.annotate(visited=visited)
              .values("microgrid_id", "town_id", "village_id", "grid_id", "visited")
              .annotate(h=Count("id"), p=Sum("residents")).order_by()):
        row = out[r["microgrid_id"]]
        row.update(town_id=r["town_id"], village_id=r["village_id"], grid_id=r["grid_id"])
        row["households_target"] += r["h"]
        row["residents_target"] += r["p"] or 0
        if r["visited"]:
            row["households_visited"] += r["h"]
            row["residents_visited"] += r["p"] or 0
    for r in logs.values("microgrid_id", "method").annotate(n=Count("id")).order_by():
        row = out[r["microgrid_id"]]
        row["visits"] += r["n"]
        field = METHOD_FIELDS.get(r["method"])
        if field:
            row[field] += r["n"]
    return dict(out)


def refresh(round_id: int, microgrid_ids: list[int | None]) -> None:
    """Recompute the coverage rows of these micro-grids of a round (inside the consumer's transaction)."""
    fresh = compute(round_id, microgrid_ids)
    for mg in sorted(set(microgrid_ids), key=lambda m: m or 0):
        values = fresh.get(mg)
        existing = RoundCoverage.objects.filter(round_id=round_id, microgrid_id=mg)
        if values is None:
            existing.delete()
            continue
        counts = {k: values[k] for k in COUNTS}
        where = {"town_id": values.get("town_id"), "village_id": values.get("village_id"),
                 "grid_id": values.get("grid_id")}
        if not existing.update(**counts, **where):
            RoundCoverage.objects.create(round_id=round_id, microgrid_id=mg, **counts, **where)


def rebuild(round_id: int) -> int:
    """Recompute every coverage row of a round from scratch (bulk). Returns the rows written."""
    fresh = compute(round_id)
    RoundCoverage.objects.filter(round_id=round_id).delete()
    rows = [RoundCoverage(round_id=round_id, microgrid_id=mg, town_id=v.get("town_id"), village_id=v.get("village_id"),
                          grid_id=v.get("grid_id"), **{k: v[k] for k in COUNTS}) for mg, v in fresh.items()]
    RoundCoverage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
