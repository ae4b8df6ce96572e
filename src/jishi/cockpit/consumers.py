"""Keeps the rollups current: a consumer of the case timeline (``jishi.core.consumers``).

Every change of a case — also a whistle or a supervision notice, each written with its timeline row —
refreshes that case's contribution (``rollups.refresh_case``), once per case in a batch, in the
consumer's transaction with its cursor move. ``cases`` does not know of this. Refreshing recomputes the
case's contribution from its rows as they are now, so a row applied late, or twice, counts nothing twice.
"""

from __future__ import annotations

from jishi.cases.models import CaseEvent
from jishi.cockpit.rollups import refresh_case


def apply(rows: list[CaseEvent]) -> None:
    for case_id in sorted({row.case_id for row in rows}):  # in id order: concurrent refreshes lock alike
        refresh_case(case_id)


def check(position: int) -> list[str]:
    """A case reported up to ``position`` with no rollup mark lost its report row."""
    from jishi.cockpit.models import CaseMark

    lost = (CaseEvent.objects.filter(pk__lte=position, verb="report")
            .exclude(case_id__in=CaseMark.objects.values("case_id")).values_list("case_id", flat=True)[:20])
    return [f"事件 #{cid} 已上报但未计入驾驶舱统计 / case not in the rollups" for cid in lost]


def register() -> None:
    from jishi.core import consumers

    consumers.register("cockpit.rollups", CaseEvent, apply, label="驾驶舱统计", batch=500, check=check)
